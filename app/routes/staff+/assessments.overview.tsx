import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { industryOverview } from "~/modules/assessments/insights.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAssessments.overview");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.assessments.review");
  const asked = Number(new URL(args.request.url).searchParams.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : new Date().getUTCFullYear();
  return { year, industries: await industryOverview(args.context.db, year), language: toLanguage(await getLanguage(args.request)) };
}

export default function Overview() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/staff/assessments">← {t("staffAssessments.title")}</Link>
      </p>
      <h1>{t("staffAssessments.overviewOf", { year: d.year })}</h1>
      <p>
        <a href={`/staff/assessments/export.csv?year=${d.year}`}>{t("staffAssessments.exportYear", { year: d.year })}</a>
      </p>
      {d.industries.length === 0 && <p>{t("staffAssessments.noneApproved")}</p>}
      {d.industries.map((i) => (
        <section key={i.industry} aria-labelledby={`i-${i.industry}`} className="panel">
          <h2 id={`i-${i.industry}`}>
            {t(`industries.${i.industry}`)} <span className="muted small">({t("staffAssessments.companies", { count: i.companies })})</span>
          </h2>
          <div className="table-wrap">
            <table>
              <caption>{t("staffAssessments.byLevel")}</caption>
              <thead>
                <tr>
                  {i.levels.map((_, level) => (
                    <th scope="col" key={level}>
                      {t(`maturity.${level}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  {i.levels.map((n, level) => (
                    <td key={level}>{n}</td>
                  ))}
                </tr>
              </tbody>
            </table>
          </div>
          {i.commonGaps.length > 0 && (
            <>
              <h3>{t("staffAssessments.commonGaps")}</h3>
              <ol>
                {i.commonGaps.map((g) => (
                  <li key={g.questionId}>
                    {g.text[d.language]} <span className="muted small">({t("staffAssessments.companies", { count: g.count })})</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      ))}
    </>
  );
}
