import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, SelectField, useAppForm } from "~/components/forms";
import { updateProfile } from "~/modules/auth/auth.server";
import { actorOf, requireUser } from "~/modules/auth/guards.server";
import { profileSchema } from "~/modules/auth/schema";
import { getMemberships } from "~/modules/members/members.server";
import { languageCookie } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "account.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  const memberships = auth.user.staffRole ? [] : await getMemberships(args.context.db, auth.user.id);
  return {
    user: { name: auth.user.name, email: auth.user.email, locale: auth.user.locale, totpEnabled: auth.user.totpEnabled, staffRole: auth.user.staffRole },
    memberships: memberships.map((m) => ({ id: m.id, organisation: m.organisation.name, roles: m.roles })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  return handleForm(args.request, profileSchema, async (input) => {
    await updateProfile(args.context.db, actorOf(args, auth.user), auth.user.id, input);
    return redirect("/account?notice=saved", { headers: { "Set-Cookie": await languageCookie.serialize(input.locale) } });
  });
}

export default function Account() {
  const { t } = useTranslation();
  const { user, memberships } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(profileSchema, { reply, defaultValues: { name: user.name, locale: user.locale } });
  return (
    <>
      <h1>{t("account.title")}</h1>
      <Notice code={params.get("notice")} />
      <div className="cards">
        <div className="card">
          <h2>{t("account.security")}</h2>
          <ul>
            <li>
              <Link to="/account/password">{t("account.changePassword")}</Link>
            </li>
            <li>
              <Link to="/account/two-factor">{t("account.twoFactor")}</Link> –{" "}
              {user.totpEnabled ? t("account.twoFactorOn") : t("account.twoFactorOff")}
            </li>
            <li>
              <Link to="/account/sessions">{t("account.sessions")}</Link>
            </li>
          </ul>
        </div>
        <div className="card">
          <h2>{t("account.membershipsTitle")}</h2>
          {user.staffRole ? (
            <p>{t(`staffRoles.${user.staffRole}`)}</p>
          ) : memberships.length === 0 ? (
            <p className="muted">{t("account.noMemberships")}</p>
          ) : (
            <ul>
              {memberships.map((m) => (
                <li key={m.id}>
                  <strong>{m.organisation}</strong>: {m.roles.map((r) => t(`roles.${r}`)).join(", ")}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <h2>{t("account.profile")}</h2>
      <p>
        {t("fields.email")}: <span className="mono">{user.email}</span>
      </p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <InputField label={t("fields.name")} autoComplete="name" required registration={register("name")} error={errorFor("name")} />
        <SelectField
          label={t("fields.language")}
          hint={t("account.languageHint")}
          registration={register("locale")}
          error={errorFor("locale")}
          options={[
            { value: "sv", label: "Svenska" },
            { value: "en", label: "English" },
          ]}
        />
        <div className="actions">
          <button type="submit">{t("actions.save")}</button>
        </div>
      </Form>
    </>
  );
}
