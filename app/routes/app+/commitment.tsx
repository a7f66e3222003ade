import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, SelectField, useAppForm } from "~/components/forms";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { currentCommitment, listSignatures, periodRange, signCommitment } from "~/modules/reports/reports.server";
import { signCommitmentSchema } from "~/modules/reports/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { translateError } from "~/utils/zod";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "commitment.title");

const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/** The commitment in force, in the page's language, the signatures so far and (for signers) the form. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "reports.view");
  const language = await getLanguage(args.request);
  const { db } = args.context;
  const [current, signatures] = await Promise.all([currentCommitment(db), listSignatures(db, auth.organisation.id)]);
  const { min, max } = periodRange();
  const thisYear = new Date().getUTCFullYear();
  return {
    organisation: { name: auth.organisation.name },
    language,
    signerName: auth.user.name,
    hasTwoFactor: auth.user.totpEnabled,
    commitment: current && { id: current.id, version: current.version, title: current.title[language], paragraphs: paragraphsOf(current.text[language]) },
    signatures: signatures.map((s) => ({ id: s.id, period: s.period, version: s.version, language: s.language, signerName: s.signerName, signerTitle: s.signerTitle, signedAt: s.signedAt, method: s.method, sha256: s.sha256, current: s.version === current?.version })),
    periods: Array.from({ length: max - min + 1 }, (_, i) => min + i),
    defaultPeriod: thisYear,
    canSign: can(auth.membership.roles, "commitment.sign", auth.organisation.status),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "commitment.sign");
  return handleForm(args.request, signCommitmentSchema, async (input) => {
    await signCommitment(args.context.db, { ...actorOf(args, auth.user), userId: auth.user.id }, auth.organisation.id, input);
    return redirect(`/app/commitment?notice=commitment_signed`);
  });
}

export default function Commitment() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, checked, formProps, errorFor } = useAppForm(signCommitmentSchema, { reply, defaultValues: { period: String(d.defaultPeriod) } });
  const confirmError = errorFor("confirm");
  return (
    <>
      <p>
        <Link to="/app/reports">← {t("reports.title")}</Link>
      </p>
      <h1>{t("commitment.title")}</h1>
      <p className="lead">{t("commitment.intro", { organisation: d.organisation.name })}</p>
      <Notice code={params.get("notice")} />

      <section aria-labelledby="signed-title">
        <h2 id="signed-title">{t("commitment.signedTitle")}</h2>
        {d.signatures.length === 0 ? (
          <p>{t("commitment.noneSigned")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t("commitment.signedTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("reports.period")}</th>
                  <th scope="col">{t("commitment.signer")}</th>
                  <th scope="col">{t("commitment.signedAt")}</th>
                  <th scope="col">{t("commitment.versionColumn")}</th>
                  <th scope="col">{t("commitment.method")}</th>
                </tr>
              </thead>
              <tbody>
                {d.signatures.map((s) => (
                  <tr key={s.id}>
                    <td>{s.period}</td>
                    <td>
                      {s.signerName}, {s.signerTitle}
                    </td>
                    <td>{formatDateTime(s.signedAt, i18n.language)}</td>
                    <td>
                      {s.version} ({t(`language.name.${s.language}`)}){!s.current && <span className="muted small"> · {t("commitment.olderVersion")}</span>}
                    </td>
                    <td>{t(`commitment.methods.${s.method}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {!d.commitment ? (
        <p>{t("commitment.noText")}</p>
      ) : (
        <section aria-labelledby="text-title">
          <h2 id="text-title">{t("commitment.textTitle")}</h2>
          <article className="panel" aria-labelledby="commitment-text-title">
            <h3 id="commitment-text-title">{d.commitment.title}</h3>
            <p className="muted small">{t("commitment.version", { version: d.commitment.version })}</p>
            {d.commitment.paragraphs.map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </article>

          {d.canSign ? (
            <>
              <FormAlert reply={reply} />
              <Form {...formProps} className="stack" aria-labelledby="sign-title">
                <h3 id="sign-title">{t("commitment.signTitle")}</h3>
                <p>{t("commitment.signIntro", { name: d.signerName })}</p>
                <input type="hidden" name="versionId" value={d.commitment.id} />
                <input type="hidden" name="language" value={d.language} />
                <SelectField label={t("reports.period")} registration={register("period")} error={errorFor("period")} options={d.periods.map((p) => ({ value: String(p), label: String(p) }))} required />
                <InputField label={t("commitment.signerTitle")} hint={t("commitment.signerTitleHint")} registration={register("signerTitle")} error={errorFor("signerTitle")} autoComplete="organization-title" maxLength={200} required />
                <fieldset>
                  <legend>{t("commitment.reconfirm")}</legend>
                  <InputField label={t("commitment.password")} registration={register("password")} error={errorFor("password")} type="password" autoComplete="current-password" />
                  {d.hasTwoFactor && (
                    <InputField label={t("commitment.code")} hint={t("commitment.codeHint")} registration={register("code")} error={errorFor("code")} inputMode="numeric" autoComplete="one-time-code" maxLength={20} />
                  )}
                </fieldset>
                <div className="field">
                  <div className="check">
                    <input
                      type="checkbox"
                      id="sign-confirm"
                      value="on"
                      aria-invalid={confirmError ? true : undefined}
                      aria-describedby={confirmError ? "sign-confirm-error" : undefined}
                      defaultChecked={checked("confirm").includes("on")}
                      {...register("confirm", "checkbox")}
                    />
                    <label htmlFor="sign-confirm">{t("commitment.confirm", { organisation: d.organisation.name })}</label>
                  </div>
                  {confirmError && (
                    <span className="error" id="sign-confirm-error">
                      {translateError(t, confirmError)}
                    </span>
                  )}
                </div>
                <div className="actions">
                  <button type="submit">{t("commitment.sign")}</button>
                </div>
              </Form>
            </>
          ) : (
            <p className="muted">{t("commitment.onlySigners")}</p>
          )}
        </section>
      )}
    </>
  );
}
