import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { actorOf, forgetAuth, getCompleteAuth, requireUser } from "~/modules/auth/guards.server";
import { createSession, endRequestSession, setSessionOrganisation } from "~/modules/auth/session.server";
import { getLanguage, languageCookie } from "~/modules/i18n/i18n.server";
import { acceptInvitation, acceptInvitationWithNewAccount, findInvitation } from "~/modules/members/members.server";
import { acceptNewAccountSchema } from "~/modules/members/schema";
import { handleForm } from "~/utils/forms.server";
import { redirectWithCookies } from "~/utils/http.server";
import { z } from "~/utils/zod";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "invitation.title");

const invitationFormSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("accept") }), acceptNewAccountSchema]);

function tokenOf(request: Request) {
  return new URL(request.url).searchParams.get("token") ?? "";
}

export async function loader(args: LoaderFunctionArgs) {
  const token = tokenOf(args.request);
  const invitation = token ? await findInvitation(args.context.db, token) : null;
  const signedIn = (await getCompleteAuth(args))?.user ?? null;
  return {
    token,
    invitation: invitation
      ? { email: invitation.email, roles: invitation.roles, organisationName: invitation.organisationName, inviterName: invitation.inviterName, hasAccount: invitation.hasAccount }
      : null,
    signedInAs: signedIn?.email ?? null,
  };
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const token = tokenOf(request);
  const language = await getLanguage(request);
  return handleForm(request, invitationFormSchema, async (input) => {
    if (input.intent === "accept") {
      const auth = await requireUser(args);
      const { organisationId } = await acceptInvitation(context.db, actorOf(args, auth.user), token, auth.user);
      await setSessionOrganisation(context.db, auth.session.key, organisationId);
      return redirect("/app?notice=joined");
    }
    const { userId, organisationId } = await acceptInvitationWithNewAccount(context.db, actorOf(args), token, input, language);
    // Whoever was signed in in this browser before is signed out: the new account takes over.
    await endRequestSession(context.db, request);
    const { cookie } = await createSession(context.db, userId, {
      ip: context.clientIp,
      userAgent: request.headers.get("User-Agent"),
      activeOrganisationId: organisationId,
    });
    forgetAuth(context);
    return redirectWithCookies("/app?notice=welcome", [cookie, await languageCookie.serialize(language)]);
  });
}

export default function AcceptInvitation() {
  const { t } = useTranslation();
  const { token, invitation, signedInAs } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(acceptNewAccountSchema, { reply, defaultValues: { intent: "create_account" } });
  const here = `/invitations/accept?token=${encodeURIComponent(token)}`;
  return (
    <>
      <h1>{t("invitation.title")}</h1>
      <FormAlert reply={reply} />
      {!invitation ? (
        <div className="message warning">
          <p>{t("invitation.invalid")}</p>
        </div>
      ) : (
        <>
          <p className="lead">
            {t("invitation.intro", { inviter: invitation.inviterName ?? "", organisation: invitation.organisationName })}
          </p>
          <p>
            {t("invitation.roles")}: {invitation.roles.map((r) => t(`roles.${r}`)).join(", ")}
          </p>
          {signedInAs === invitation.email ? (
            <Form method="post">
              <input type="hidden" name="intent" value="accept" />
              <button type="submit">{t("invitation.accept")}</button>
            </Form>
          ) : signedInAs ? (
            <div className="message warning">
              <p>{t("invitation.otherAccount", { email: invitation.email, current: signedInAs })}</p>
              <Form method="post" action="/logout">
                <button type="submit" className="secondary">
                  {t("nav.logout")}
                </button>
              </Form>
            </div>
          ) : invitation.hasAccount ? (
            <p>
              <Link className="button" to={`/login?${new URLSearchParams({ redirectTo: here })}`}>
                {t("invitation.signInToAccept")}
              </Link>
            </p>
          ) : (
            <Form {...formProps} className="stack">
              <input type="hidden" name="intent" value="create_account" />
              <p>{t("invitation.createAccount", { email: invitation.email })}</p>
              <InputField label={t("fields.name")} autoComplete="name" required registration={register("name")} error={errorFor("name")} />
              <InputField
                label={t("fields.newPassword")}
                hint={t("fields.passwordHint")}
                type="password"
                autoComplete="new-password"
                required
                registration={register("password")}
                error={errorFor("password")}
              />
              <div className="actions">
                <button type="submit">{t("invitation.createAndAccept")}</button>
              </div>
            </Form>
          )}
        </>
      )}
    </>
  );
}
