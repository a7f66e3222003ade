import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { requestPasswordReset } from "~/modules/auth/auth.server";
import { actorOf } from "~/modules/auth/guards.server";
import { forgotPasswordSchema } from "~/modules/auth/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "forgotPassword.title");

export async function action(args: ActionFunctionArgs) {
  return handleForm(args.request, forgotPasswordSchema, async ({ email }) => {
    await requestPasswordReset(args.context.db, actorOf(args), email);
    return redirect("/forgot-password?sent=1");
  });
}

export default function ForgotPassword() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(forgotPasswordSchema, { reply });
  return (
    <>
      <h1>{t("forgotPassword.title")}</h1>
      {params.get("sent") ? (
        <div className="message info" role="status">
          <p>{t("forgotPassword.sent")}</p>
        </div>
      ) : (
        <>
          <p>{t("forgotPassword.intro")}</p>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <InputField label={t("fields.email")} type="email" autoComplete="email" required registration={register("email")} error={errorFor("email")} />
            <div className="actions">
              <button type="submit">{t("forgotPassword.submit")}</button>
            </div>
          </Form>
        </>
      )}
      <p>
        <Link to="/login">{t("forgotPassword.back")}</Link>
      </p>
    </>
  );
}
