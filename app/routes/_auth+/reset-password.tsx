import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { resetPassword } from "~/modules/auth/auth.server";
import { actorOf, forgetAuth } from "~/modules/auth/guards.server";
import { newPasswordSchema } from "~/modules/auth/schema";
import { blankSessionCookie } from "~/modules/auth/session.server";
import { peekToken } from "~/modules/auth/tokens.server";
import { handleForm } from "~/utils/forms.server";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, data?.purpose === "set" ? "resetPassword.setTitle" : "resetPassword.title");

const purposeOf = (value: unknown) => (value === "set" ? "set_password" : "reset_password");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const purpose = url.searchParams.get("purpose") === "set" ? "set" : "reset";
  const valid = token ? (await peekToken(context.db, token, purposeOf(purpose))) !== null : false;
  return { token: valid ? token : null, purpose };
}

export async function action(args: ActionFunctionArgs) {
  return handleForm(args.request, newPasswordSchema, async (input) => {
    await resetPassword(args.context.db, actorOf(args), input.token, input.password, purposeOf(input.purpose));
    forgetAuth(args.context);
    // Every session of the account has ended, this browser's included.
    return redirect(`/login?notice=${input.purpose === "set" ? "password_set" : "password_reset"}`, {
      headers: { "Set-Cookie": blankSessionCookie(args.context.db) },
    });
  });
}

export default function ResetPassword() {
  const { t } = useTranslation();
  const { token, purpose } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(newPasswordSchema, { reply });
  const title = purpose === "set" ? t("resetPassword.setTitle") : t("resetPassword.title");
  return (
    <>
      <h1>{title}</h1>
      {token ? (
        <>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <input type="hidden" name="token" value={token} />
            <input type="hidden" name="purpose" value={purpose} />
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
              <button type="submit">{t("resetPassword.submit")}</button>
            </div>
          </Form>
        </>
      ) : (
        <div className="message warning">
          <p>{t("resetPassword.invalid")}</p>
          <p>
            <Link to="/forgot-password">{t("resetPassword.requestNew")}</Link>
          </p>
        </div>
      )}
    </>
  );
}
