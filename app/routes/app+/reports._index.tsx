import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, Notice, SelectField, useAppForm } from "~/components/forms";
import { ReportTable } from "~/components/reports";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { supportedLanguages } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { issueReport, listReports, listSignatures, periodRange } from "~/modules/reports/reports.server";
import { issueReportSchema } from "~/modules/reports/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reports.title");

/** The organisation's issued reports, the state of its commitment, and (for those who may) a new report. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "reports.view");
  const language = await getLanguage(args.request);
  const { db } = args.context;
  const [reports, signatures] = await Promise.all([listReports(db, auth.organisation.id), listSignatures(db, auth.organisation.id)]);
  const { min, max } = periodRange();
  const thisYear = new Date().getUTCFullYear();
  return {
    language,
    approved: auth.organisation.status === "approved",
    reports,
    signedPeriods: [...new Set(signatures.map((s) => s.period))].sort(),
    periods: Array.from({ length: max - min + 1 }, (_, i) => min + i),
    defaultPeriod: thisYear,
    canIssue: can(auth.membership.roles, "reports.issue", auth.organisation.status),
    canSign: can(auth.membership.roles, "commitment.sign", auth.organisation.status),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "reports.issue");
  return handleForm(args.request, issueReportSchema, async (input) => {
    const report = await issueReport(args.context.db, { ...actorOf(args, auth.user), userId: auth.user.id }, auth.organisation.id, { ...input, trigger: "request" });
    return redirect(`/app/reports/${report.id}?notice=report_issued`);
  });
}

export default function Reports() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const navigation = useNavigation();
  const { register, formProps, errorFor } = useAppForm(issueReportSchema, { reply, defaultValues: { period: String(d.defaultPeriod), language: d.language } });
  return (
    <>
      <h1>{t("reports.title")}</h1>
      <p className="lead">{t("reports.intro")}</p>
      <Notice code={params.get("notice")} />

      <section className="panel" aria-labelledby="commitment-state">
        <h2 id="commitment-state">{t("commitment.title")}</h2>
        <p>{d.signedPeriods.length ? t("reports.signedFor", { periods: d.signedPeriods.join(", ") }) : t("commitment.noneSigned")}</p>
        <p>
          <Link to="/app/commitment">{d.canSign ? t("reports.toSign") : t("reports.toCommitment")}</Link>
        </p>
      </section>

      {d.canIssue &&
        (d.approved ? (
          <section aria-labelledby="issue-title">
            <h2 id="issue-title">{t("reports.issueTitle")}</h2>
            <p>{t("reports.issueIntro")}</p>
            <FormAlert reply={reply} />
            <Form {...formProps} className="stack">
              <div className="row">
                <SelectField label={t("reports.period")} registration={register("period")} error={errorFor("period")} options={d.periods.map((p) => ({ value: String(p), label: String(p) }))} required />
                <SelectField
                  label={t("reports.language")}
                  registration={register("language")}
                  error={errorFor("language")}
                  options={supportedLanguages.map((l) => ({ value: l, label: t(`language.name.${l}`) }))}
                  required
                />
              </div>
              <div className="actions">
                <button type="submit" disabled={navigation.state === "submitting"}>
                  {t("reports.issue")}
                </button>
              </div>
            </Form>
          </section>
        ) : (
          <p className="message warning">{t("reports.onlyApproved")}</p>
        ))}

      <section aria-labelledby="issued-title">
        <h2 id="issued-title">{t("reports.issuedTitle")}</h2>
        {d.reports.length === 0 ? <p>{t("reports.none")}</p> : <ReportTable reports={d.reports} base="/app/reports" />}
      </section>
    </>
  );
}
