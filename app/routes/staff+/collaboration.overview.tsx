import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BarChart } from "~/components/collaboration";
import { requireStaff } from "~/modules/auth/guards.server";
import { collabOverview } from "~/modules/collaboration/overview.server";
import { yearParam } from "~/modules/collaboration/schema";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffCollab.overview");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  return collabOverview(args.context.db, yearParam(new URL(args.request.url)));
}

export default function CollabOverview() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const number = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "sv-SE");
  const byType = (key: "actions" | "peopleTrained" | "reach") => d.byType.map((r) => ({ label: t(`collabType.${r.type}`), value: r[key] }));
  const byIndustry = d.byIndustry.map((r) => ({ label: t(`industries.${r.industry}`), value: r.actions }));
  return (
    <>
      <p>
        <Link to="/staff/collaboration">← {t("staffCollab.title")}</Link>
      </p>
      <h1>{t("staffCollab.overviewOf", { year: d.year })}</h1>
      <Form method="get" className="filters">
        <div className="field">
          <label htmlFor="year-input">{t("collab.year")}</label>
          <input id="year-input" type="number" name="year" defaultValue={d.year} min={2000} max={2100} />
        </div>
        <button type="submit">{t("collab.filter")}</button>
      </Form>
      <p>
        <a href={`/staff/collaboration/overview.csv?year=${d.year}`}>{t("staffCollab.overviewCsv", { year: d.year })}</a>
      </p>
      <p className="lead">
        {t("staffCollab.totals", {
          actions: number.format(d.totals.actions),
          confirmed: number.format(d.totals.confirmed),
          trained: number.format(d.totals.peopleTrained),
          reach: number.format(d.totals.reach),
        })}
      </p>
      <section aria-labelledby="by-type">
        <h2 id="by-type">{t("staffCollab.byType")}</h2>
        <BarChart id="chart-type-actions" title={t("staffCollab.chartActionsByType", { year: d.year })} description={t("staffCollab.chartDesc")} rows={byType("actions")} valueLabel={t("staffCollab.actions")} />
        <BarChart id="chart-type-trained" title={t("staffCollab.chartTrainedByType", { year: d.year })} description={t("staffCollab.chartDesc")} rows={byType("peopleTrained")} valueLabel={t("collabFigure.peopleTrained")} />
        <BarChart id="chart-type-reach" title={t("staffCollab.chartReachByType", { year: d.year })} description={t("staffCollab.chartDesc")} rows={byType("reach")} valueLabel={t("collabFigure.reach")} />
      </section>
      <section aria-labelledby="by-industry">
        <h2 id="by-industry">{t("staffCollab.byIndustry")}</h2>
        <BarChart id="chart-industry" title={t("staffCollab.chartActionsByIndustry", { year: d.year })} description={t("staffCollab.chartDesc")} rows={byIndustry} valueLabel={t("staffCollab.actions")} />
        <div className="table-wrap">
          <table>
            <caption>{t("staffCollab.industryTable", { year: d.year })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("fields.industry")}</th>
                <th scope="col">{t("staffCollab.companies")}</th>
                <th scope="col">{t("staffCollab.actions")}</th>
                <th scope="col">{t("staffCollab.confirmed")}</th>
                <th scope="col">{t("collabFigure.peopleTrained")}</th>
                <th scope="col">{t("collabFigure.reach")}</th>
              </tr>
            </thead>
            <tbody>
              {d.byIndustry.map((r) => (
                <tr key={r.industry}>
                  <th scope="row">{t(`industries.${r.industry}`)}</th>
                  <td>{number.format(r.companies)}</td>
                  <td>{number.format(r.actions)}</td>
                  <td>{number.format(r.confirmed)}</td>
                  <td>{number.format(r.peopleTrained)}</td>
                  <td>{number.format(r.reach)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
