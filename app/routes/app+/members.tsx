import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, useAppForm } from "~/components/forms";
import { formatDate } from "~/components/status";
import { MembersTable, RolesField } from "~/components/organisation";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { inviteMember, listMembers, listPendingInvitations, resendInvitation, revokeInvitation } from "~/modules/members/members.server";
import { inviteFormSchema, membersActionSchema } from "~/modules/members/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "members.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "members.view");
  const { db } = args.context;
  const manage = can(auth.membership.roles, "members.manage", auth.organisation.status);
  const [members, invitations] = await Promise.all([listMembers(db, auth.organisation.id), manage ? listPendingInvitations(db, auth.organisation.id) : []]);
  return { members, invitations, manage, me: auth.user.id };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "members.manage");
  const { db } = args.context;
  const actor = actorOf(args, auth.user);
  const inviter = { name: auth.user.name, language: auth.user.locale };
  return handleForm(args.request, membersActionSchema, async (input) => {
    switch (input.intent) {
      case "invite":
        await inviteMember(db, actor, auth.organisation.id, input, inviter);
        return redirect("/app/members?notice=invited");
      case "revoke_invitation":
        await revokeInvitation(db, actor, auth.organisation.id, input.invitationId);
        return redirect("/app/members?notice=invitation_revoked");
      case "resend_invitation":
        await resendInvitation(db, actor, auth.organisation.id, input.invitationId, inviter);
        return redirect("/app/members?notice=invitation_resent");
    }
  });
}

export default function Members() {
  const { t, i18n } = useTranslation();
  const { members, invitations, manage, me } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, checked, formProps, errorFor } = useAppForm(inviteFormSchema, { reply, defaultValues: { intent: "invite", roles: [] } });
  return (
    <>
      <h1>{t("members.title")}</h1>
      <Notice code={params.get("notice")} />
      <MembersTable members={members} me={me} manageLinks={manage} />

      {manage && (
        <>
          <section aria-labelledby="pending">
            <h2 id="pending">{t("members.pending")}</h2>
            {invitations.length === 0 ? (
              <p className="muted">{t("members.noPending")}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("fields.email")}</th>
                      <th scope="col">{t("fields.roles")}</th>
                      <th scope="col">{t("members.expires")}</th>
                      <th scope="col">{t("members.manage")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.map((inv) => (
                      <tr key={inv.id}>
                        <td className="mono">{inv.email}</td>
                        <td>{inv.roles.map((r) => t(`roles.${r}`)).join(", ")}</td>
                        <td>{inv.expired ? t("members.expired") : formatDate(inv.expiresAt, i18n.language)}</td>
                        <td>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="invitationId" value={inv.id} />
                            <button type="submit" name="intent" value="resend_invitation" className="secondary" aria-label={t("members.resendTo", { email: inv.email })}>
                              {t("members.resend")}
                            </button>
                            <button type="submit" name="intent" value="revoke_invitation" className="secondary" aria-label={t("members.revokeFor", { email: inv.email })}>
                              {t("members.revoke")}
                            </button>
                          </Form>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section aria-labelledby="invite">
            <h2 id="invite">{t("members.invite")}</h2>
            <p className="muted">{t("members.inviteHint")}</p>
            <FormAlert reply={reply} />
            <Form {...formProps} className="stack">
              <input type="hidden" name="intent" value="invite" />
              <InputField label={t("fields.email")} type="email" autoComplete="off" required registration={register("email")} error={errorFor("email")} />
              <RolesField register={register} checked={checked} error={errorFor("roles")} />
              <div className="actions">
                <button type="submit">{t("members.sendInvite")}</button>
              </div>
            </Form>
          </section>
        </>
      )}
    </>
  );
}
