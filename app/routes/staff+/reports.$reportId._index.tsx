import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice, useAppForm } from "~/components/forms";
import { ReportFacts } from "~/components/reports";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { getReport, withdrawReport } from "~/modules/reports/reports.server";
import { withdrawReportSchema } from "~/modules/reports/schema";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, "reports.reportOf", { year: String(data?.report.period ?? "") });

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.reports.view");
  const report = await getReport(args.context.db, args.params.reportId ?? "", null);
  if (!report) throw new AppError("not_found", 404);
  return { report, verifyUrl: `${getEnv().APP_URL}/verify/${report.id}` };
}

/** Withdraws the report with a reason: its verification page says so from now on. */
export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.reports.withdraw");
  const report = await getReport(args.context.db, args.params.reportId ?? "", null);
  if (!report) throw new AppError("not_found", 404);
  const id = report.id;
  return handleForm(args.request, withdrawReportSchema, async (input) => {
    await withdrawReport(args.context.db, actorOf(args, auth.user), id, input.reason);
    return redirect(`/staff/reports/${id}?notice=report_withdrawn`);
  });
}

export default function StaffReport() {
  const { t } = useTranslation();
  const { report, verifyUrl } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(withdrawReportSchema, { reply });
  return (
    <>
      <p>
        <Link to="/staff/reports">← {t("staffReports.title")}</Link>
      </p>
      <h1>
        {t("reports.reportOf", { year: report.period })} · {report.organisationName}
      </h1>
      <Notice code={params.get("notice")} />
      <p>
        <Link to={`/staff/organisations/${report.organisationId}`}>{t("staffReports.toCompany")}</Link>
      </p>
      <ReportFacts report={report} download={`/staff/reports/${report.id}/download`} verifyUrl={verifyUrl} />
      {report.status === "valid" && (
        <section aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">{t("staffReports.withdrawTitle")}</h2>
          <p>{t("staffReports.withdrawIntro")}</p>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <Field label={t("staffReports.reason")} error={errorFor("reason")}>
              {(aria) => <textarea {...aria} {...register("reason")} rows={4} maxLength={1000} aria-required />}
            </Field>
            <div className="actions">
              <button type="submit" className="danger">
                {t("staffReports.withdraw")}
              </button>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}
