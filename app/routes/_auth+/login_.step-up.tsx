import type { MetaFunction } from "@remix-run/node";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { confirmSecondFactor } from "~/modules/auth/auth.server";
import { actorOf, forgetAuth, requireUser } from "~/modules/auth/guards.server";
import { codeSchema } from "~/modules/auth/schema";
import { handleForm } from "~/utils/forms.server";
import { safeRedirectPath } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "stepUp.title");

/** Step-up: confirm the second factor again before a sensitive action. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  if (!auth.user.totpEnabled) throw redirect("/account/two-factor?required=1");
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  return handleForm(args.request, codeSchema, async (input) => {
    await confirmSecondFactor(args.context.db, actorOf(args, auth.user), auth.session, input.code);
    forgetAuth(args.context);
    return redirect(safeRedirectPath(input.redirectTo, "/account"));
  });
}

export default function StepUp() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(codeSchema, { reply });
  return (
    <>
      <h1>{t("stepUp.title")}</h1>
      <p>{t("stepUp.intro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <InputField label={t("fields.code")} autoComplete="one-time-code" inputMode="numeric" required registration={register("code")} error={errorFor("code")} />
        <div className="actions">
          <button type="submit">{t("stepUp.submit")}</button>
        </div>
      </Form>
    </>
  );
}
