import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert } from "~/components/forms";
import { verifyEmail } from "~/modules/auth/auth.server";
import { actorOf } from "~/modules/auth/guards.server";
import { peekToken } from "~/modules/auth/tokens.server";
import { handleForm } from "~/utils/forms.server";
import { z } from "~/utils/zod";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "verifyEmail.title");

const schema = z.object({ token: z.string().min(1).max(200) });

/**
 * The e-mailed link opens this page; the address is confirmed only when the person presses the
 * button (a POST), so that link scanners that fetch every link do not use the token up.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  if (!token) return { state: url.searchParams.get("sent") ? ("sent" as const) : ("missing" as const), token: null };
  const valid = (await peekToken(context.db, token, "verify_email")) !== null;
  return { state: valid ? ("confirm" as const) : ("invalid" as const), token: valid ? token : null };
}

export async function action(args: ActionFunctionArgs) {
  return handleForm(args.request, schema, async ({ token }) => {
    await verifyEmail(args.context.db, actorOf(args), token);
    return redirect("/login?notice=email_verified");
  });
}

export default function VerifyEmail() {
  const { t } = useTranslation();
  const { state, token } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <h1>{t("verifyEmail.title")}</h1>
      <FormAlert reply={reply} />
      {state === "sent" && (
        <div className="message info" role="status">
          <p>{t("verifyEmail.sent")}</p>
          <p>{t("verifyEmail.sentHint")}</p>
        </div>
      )}
      {state === "confirm" && token && (
        <Form method="post" className="stack">
          <input type="hidden" name="token" value={token} />
          <p>{t("verifyEmail.confirmText")}</p>
          <div className="actions">
            <button type="submit">{t("verifyEmail.confirm")}</button>
          </div>
        </Form>
      )}
      {(state === "invalid" || state === "missing") && (
        <div className="message warning">
          <p>{t("verifyEmail.invalid")}</p>
          <p>
            <Link to="/login">{t("verifyEmail.toLogin")}</Link>
          </p>
        </div>
      )}
    </>
  );
}
