import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { changePassword } from "~/modules/auth/auth.server";
import { actorOf, requireUser } from "~/modules/auth/guards.server";
import { changePasswordSchema } from "~/modules/auth/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "account.changePassword");

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, { allowStaffWithout2fa: true });
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  return handleForm(args.request, changePasswordSchema, async (input) => {
    await changePassword(args.context.db, actorOf(args, auth.user), auth.session, input);
    return redirect("/account?notice=password_changed");
  });
}

export default function ChangePassword() {
  const { t } = useTranslation();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(changePasswordSchema, { reply });
  return (
    <>
      <p>
        <Link to="/account">← {t("account.back")}</Link>
      </p>
      <h1>{t("account.changePassword")}</h1>
      <p>{t("account.changePasswordIntro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <InputField
          label={t("fields.currentPassword")}
          type="password"
          autoComplete="current-password"
          required
          registration={register("currentPassword")}
          error={errorFor("currentPassword")}
        />
        <InputField
          label={t("fields.newPassword")}
          hint={t("fields.passwordHint")}
          type="password"
          autoComplete="new-password"
          required
          registration={register("newPassword")}
          error={errorFor("newPassword")}
        />
        <div className="actions">
          <button type="submit">{t("account.changePassword")}</button>
        </div>
      </Form>
    </>
  );
}
