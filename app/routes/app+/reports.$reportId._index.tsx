import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { ReportFacts } from "~/components/reports";
import { requireOrg } from "~/modules/auth/guards.server";
import { getReport } from "~/modules/reports/reports.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, "reports.reportOf", { year: String(data?.report.period ?? "") });

/** One issued report of the organisation's (another organisation's is not found). */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "reports.view");
  const report = await getReport(args.context.db, args.params.reportId ?? "", auth.organisation.id);
  if (!report) throw new AppError("not_found", 404);
  return { report, verifyUrl: `${getEnv().APP_URL}/verify/${report.id}` };
}

export default function Report() {
  const { t } = useTranslation();
  const { report, verifyUrl } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/app/reports">← {t("reports.title")}</Link>
      </p>
      <h1>{t("reports.reportOf", { year: report.period })}</h1>
      <Notice code={params.get("notice")} />
      <p>{t("reports.shareIntro")}</p>
      <ReportFacts report={report} download={`/app/reports/${report.id}/download`} verifyUrl={verifyUrl} />
    </>
  );
}
