import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, useAppForm } from "~/components/forms";
import { login } from "~/modules/auth/auth.server";
import { actorOf, forgetAuth, getCompleteAuth } from "~/modules/auth/guards.server";
import { loginSchema } from "~/modules/auth/schema";
import { endRequestSession } from "~/modules/auth/session.server";
import { languageCookie } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { redirectWithCookies, safeRedirectPath } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await getCompleteAuth(args);
  if (auth) {
    throw redirect(auth.user.staffRole ? "/staff" : "/app");
  }
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  return handleForm(request, loginSchema, async (input) => {
    const result = await login(context.db, actorOf(args), input);
    if (result.kind === "unverified") return data({ ok: true as const, unverified: true });
    // Session rotation: whatever session the browser carried before is ended.
    await endRequestSession(context.db, request);
    forgetAuth(context);
    const home = result.staff ? "/staff" : "/app";
    const next = safeRedirectPath(input.redirectTo, home);
    const to = result.needsTwoFactor ? `/login/two-factor?${new URLSearchParams({ redirectTo: next })}` : next;
    return redirectWithCookies(to, [result.cookie, await languageCookie.serialize(result.locale)]);
  });
}

export default function Login() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const actionData = useActionData<typeof action>();
  const reply = asReply(actionData);
  const unverified = actionData && "unverified" in actionData;
  const navigation = useNavigation();
  const { register, formProps, errorFor } = useAppForm(loginSchema, { reply });
  return (
    <>
      <h1>{t("login.title")}</h1>
      <Notice code={params.get("notice")} />
      {unverified && (
        <div className="message info" role="status">
          <p>{t("login.unverified")}</p>
        </div>
      )}
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <InputField label={t("fields.email")} type="email" autoComplete="username" required registration={register("email")} error={errorFor("email")} />
        <InputField
          label={t("fields.password")}
          type="password"
          autoComplete="current-password"
          required
          registration={register("password")}
          error={errorFor("password")}
        />
        <div className="actions">
          <button type="submit" disabled={navigation.state === "submitting"}>
            {t("login.submit")}
          </button>
          <Link to="/forgot-password">{t("login.forgot")}</Link>
        </div>
      </Form>
      <p className="muted">
        {t("login.noAccount")} <Link to="/register">{t("login.registerLink")}</Link>
      </p>
    </>
  );
}
