import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { completeTwoFactor } from "~/modules/auth/auth.server";
import { actorOf, awaitsSecondFactor, forgetAuth, getAuth } from "~/modules/auth/guards.server";
import { codeSchema } from "~/modules/auth/schema";
import { handleForm } from "~/utils/forms.server";
import { redirectWithCookies, safeRedirectPath } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "twoFactorLogin.title");

async function pendingAuth(args: LoaderFunctionArgs) {
  const auth = await getAuth(args);
  if (!auth) throw redirect("/login");
  if (!awaitsSecondFactor(auth)) throw redirect(auth.user.staffRole ? "/staff" : "/app");
  return auth;
}

export async function loader(args: LoaderFunctionArgs) {
  await pendingAuth(args);
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const auth = await pendingAuth(args);
  return handleForm(args.request, codeSchema, async (input) => {
    const { cookie } = await completeTwoFactor(args.context.db, actorOf(args, auth.user), auth.session, input.code);
    forgetAuth(args.context);
    return redirectWithCookies(safeRedirectPath(input.redirectTo, auth.user.staffRole ? "/staff" : "/app"), [cookie]);
  });
}

export default function TwoFactorLogin() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(codeSchema, { reply });
  return (
    <>
      <h1>{t("twoFactorLogin.title")}</h1>
      <p>{t("twoFactorLogin.intro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <InputField
          label={t("fields.code")}
          hint={t("twoFactorLogin.hint")}
          autoComplete="one-time-code"
          inputMode="text"
          required
          registration={register("code")}
          error={errorFor("code")}
        />
        <div className="actions">
          <button type="submit">{t("twoFactorLogin.submit")}</button>
        </div>
      </Form>
      <Form method="post" action="/logout">
        <button type="submit" className="link">
          {t("twoFactorLogin.cancel")}
        </button>
      </Form>
    </>
  );
}
