import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { ReportTable } from "~/components/reports";
import type { ReportStatus } from "#db/schema";
import { requireStaff } from "~/modules/auth/guards.server";
import { listReports } from "~/modules/reports/reports.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffReports.title");

/** Every issued report, newest first; filtered by status. */
export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.reports.view");
  const status = new URL(args.request.url).searchParams.get("status");
  const filter: { status?: ReportStatus } = status === "valid" || status === "withdrawn" ? { status } : {};
  return { reports: await listReports(args.context.db, null, filter), status: filter.status ?? "" };
}

export default function StaffReports() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("staffReports.title")}</h1>
      <p className="lead">{t("staffReports.intro")}</p>
      <Notice code={params.get("notice")} />
      <Form method="get" className="filters">
        <div className="field">
          <label htmlFor="status-filter">{t("reports.statusLabel")}</label>
          <select id="status-filter" name="status" defaultValue={d.status}>
            <option value="">{t("staffReports.all")}</option>
            <option value="valid">{t("reports.status.valid")}</option>
            <option value="withdrawn">{t("reports.status.withdrawn")}</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="secondary">
            {t("staffReports.filter")}
          </button>
        </div>
      </Form>
      {d.reports.length === 0 ? <p>{t("reports.none")}</p> : <ReportTable reports={d.reports} base="/staff/reports" showCompany />}
    </>
  );
}
