import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ReportSummary } from "~/modules/reports/reports.server";
import { formatDateTime } from "~/utils/time";

export function ReportStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge ${status}`}>{t(`reports.status.${status}`)}</span>;
}

/** Issued reports as a table: company pages (`/app/reports`) and staff pages (`/staff/reports`, with the company). */
export function ReportTable({ reports, base, showCompany = false }: { reports: ReportSummary[]; base: string; showCompany?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t("reports.issuedTitle")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reports.issuedAt")}</th>
            {showCompany && <th scope="col">{t("reports.company")}</th>}
            <th scope="col">{t("reports.period")}</th>
            <th scope="col">{t("reports.language")}</th>
            <th scope="col">{t("reports.issuedBy")}</th>
            <th scope="col">{t("reports.statusLabel")}</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`${base}/${r.id}`}>{formatDateTime(r.issuedAt, i18n.language)}</Link>
              </td>
              {showCompany && <td>{r.organisationName}</td>}
              <td>{r.period}</td>
              <td>{t(`language.name.${r.language}`)}</td>
              <td>{r.issuedByName ?? t(`reports.trigger.${r.trigger}`)}</td>
              <td>
                <ReportStatusBadge status={r.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The facts of one issued report, with its download and its public verification address. */
export function ReportFacts({ report, download, verifyUrl }: { report: ReportSummary; download: string; verifyUrl: string }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <dl className="facts">
        <dt>{t("reports.company")}</dt>
        <dd>{report.organisationName}</dd>
        <dt>{t("reports.period")}</dt>
        <dd>{report.period}</dd>
        <dt>{t("reports.language")}</dt>
        <dd>{t(`language.name.${report.language}`)}</dd>
        <dt>{t("reports.issuedAt")}</dt>
        <dd>{formatDateTime(report.issuedAt, i18n.language)}</dd>
        <dt>{t("reports.issuedBy")}</dt>
        <dd>{report.issuedByName ?? t(`reports.trigger.${report.trigger}`)}</dd>
        <dt>{t("reports.statusLabel")}</dt>
        <dd>
          <ReportStatusBadge status={report.status} />
          {report.withdrawnAt !== null && (
            <>
              {" "}
              {t("reports.withdrawnOn", { date: formatDateTime(report.withdrawnAt, i18n.language) })}
              {report.withdrawnReason && <span className="prewrap"> – {report.withdrawnReason}</span>}
            </>
          )}
        </dd>
        <dt>{t("reports.pages")}</dt>
        <dd>{t("reports.pagesValue", { count: report.pages, size: Math.max(1, Math.round(report.size / 1024)) })}</dd>
        <dt>{t("reports.sha256")}</dt>
        <dd className="mono">{report.sha256}</dd>
        <dt>{t("reports.verifyAddress")}</dt>
        <dd>
          <a href={verifyUrl}>{verifyUrl}</a>
        </dd>
      </dl>
      <p className="actions">
        <a className="button" href={download} download>
          {t("reports.download")}
        </a>
      </p>
    </>
  );
}
