import type { MetaFunction } from "@remix-run/node";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, useAppForm } from "~/components/forms";
import { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, startTwoFactorEnrolment } from "~/modules/auth/auth.server";
import { actorOf, forgetAuth, requireFreshSecondFactor, requireUser } from "~/modules/auth/guards.server";
import { enableTwoFactorSchema, twoFactorSchema } from "~/modules/auth/schema";
import { countUnusedRecoveryCodes } from "~/modules/auth/totp.server";
import { handleForm } from "~/utils/forms.server";
import { safeRedirectPath } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "twoFactor.title");


export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  const { db } = args.context;
  if (auth.user.totpEnabled) {
    return { enabled: true as const, staff: !!auth.user.staffRole, remainingCodes: await countUnusedRecoveryCodes(db, auth.user.id) };
  }
  const enrolment = await startTwoFactorEnrolment(db, actorOf(args, auth.user), auth.user);
  return { enabled: false as const, staff: !!auth.user.staffRole, qrSvg: enrolment.qrSvg, secret: enrolment.secret };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  const { db } = args.context;
  const actor = actorOf(args, auth.user);
  return handleForm(args.request, twoFactorSchema, async (input) => {
    if (input.intent === "enable") {
      const codes = await enableTwoFactor(db, actor, auth.session, input.code);
      forgetAuth(args.context);
      const redirectTo = new URL(args.request.url).searchParams.get("redirectTo");
      return data({ ok: true as const, recoveryCodes: codes, continueTo: safeRedirectPath(redirectTo, auth.user.staffRole ? "/staff" : "/app") });
    }
    requireFreshSecondFactor(args, auth);
    if (input.intent === "regenerate") {
      const codes = await regenerateRecoveryCodes(db, actor, auth.user.id);
      return data({ ok: true as const, recoveryCodes: codes, continueTo: "/account" });
    }
    await disableTwoFactor(db, actor, auth.user.id);
    return redirect("/account?notice=two_factor_disabled");
  });
}

function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo: string }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="codes-title">
      <h2 id="codes-title">{t("twoFactor.codesTitle")}</h2>
      <div className="message warning">
        <p>{t("twoFactor.codesWarning")}</p>
      </div>
      <ul className="codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p>
        <Link className="button" to={continueTo}>
          {t("twoFactor.codesSaved")}
        </Link>
      </p>
    </section>
  );
}

export default function TwoFactor() {
  const { t } = useTranslation();
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const reply = asReply(actionData);
  const [params] = useSearchParams();
  const { register, formProps, errorFor } = useAppForm(enableTwoFactorSchema, { reply, defaultValues: { intent: "enable" } });
  const codes = actionData && "recoveryCodes" in actionData ? actionData : null;
  return (
    <>
      <p>
        <Link to="/account">← {t("account.back")}</Link>
      </p>
      <h1>{t("twoFactor.title")}</h1>
      <Notice code={params.get("notice")} />
      {params.get("required") && !loaderData.enabled && (
        <div className="message warning" role="status">
          <p>{loaderData.staff ? t("twoFactor.requiredStaff") : t("twoFactor.requiredStepUp")}</p>
        </div>
      )}
      {codes ? (
        <RecoveryCodes codes={codes.recoveryCodes} continueTo={codes.continueTo} />
      ) : loaderData.enabled ? (
        <>
          <div className="message success">
            <p>{t("twoFactor.enabled")}</p>
          </div>
          <p>{t("twoFactor.remaining", { count: loaderData.remainingCodes })}</p>
          <FormAlert reply={reply} />
          <div className="actions">
            <Form method="post">
              <input type="hidden" name="intent" value="regenerate" />
              <button type="submit" className="secondary">
                {t("twoFactor.regenerate")}
              </button>
            </Form>
            {!loaderData.staff && (
              <Form method="post">
                <input type="hidden" name="intent" value="disable" />
                <button type="submit" className="danger">
                  {t("twoFactor.disable")}
                </button>
              </Form>
            )}
          </div>
          <p className="muted small">{t("twoFactor.stepUpNote")}</p>
        </>
      ) : (
        <>
          <p>{t("twoFactor.intro")}</p>
          <ol className="steps">
            <li>{t("twoFactor.step1")}</li>
            <li>
              {t("twoFactor.step2")}
              <div className="qr" role="img" aria-label={t("twoFactor.qrAlt")} dangerouslySetInnerHTML={{ __html: loaderData.qrSvg }} />
              <p>
                {t("twoFactor.manual")} <code data-testid="totp-secret">{loaderData.secret}</code>
              </p>
            </li>
            <li>{t("twoFactor.step3")}</li>
          </ol>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <input type="hidden" name="intent" value="enable" />
            <InputField label={t("fields.code")} autoComplete="one-time-code" inputMode="numeric" required registration={register("code")} error={errorFor("code")} />
            <div className="actions">
              <button type="submit">{t("twoFactor.enable")}</button>
            </div>
          </Form>
        </>
      )}
    </>
  );
}
