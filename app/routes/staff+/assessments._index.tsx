import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ScoreText } from "~/components/assessment";
import { listReviewQueue } from "~/modules/assessments/assessments.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { pageTitle } from "~/utils/meta";
import { formatDate } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAssessments.title");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.assessments.review");
  return { queue: await listReviewQueue(args.context.db), year: new Date().getUTCFullYear() };
}

export default function StaffAssessments() {
  const { t, i18n } = useTranslation();
  const { queue, year } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("staffAssessments.title")}</h1>
      <section aria-labelledby="queue">
        <h2 id="queue">{t("staffAssessments.queue")}</h2>
        {queue.length === 0 ? (
          <p>{t("staffAssessments.queueEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("fields.organisationName")}</th>
                  <th scope="col">{t("fields.industry")}</th>
                  <th scope="col">{t("assessments.year")}</th>
                  <th scope="col">{t("assessments.score")}</th>
                  <th scope="col">{t("staffAssessments.submitted")}</th>
                </tr>
              </thead>
              <tbody>
                {queue.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/staff/assessments/${a.id}`}>{a.organisationName}</Link>
                    </td>
                    <td>{t(`industries.${a.industry}`)}</td>
                    <td>{a.year}</td>
                    <td>
                      <ScoreText score={a.score} />
                    </td>
                    <td>{formatDate(a.submittedAt, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="year">
        <h2 id="year">{t("staffAssessments.byYear")}</h2>
        <Form method="get" action="/staff/assessments/overview" className="filters">
          <div className="field">
            <label htmlFor="year-input">{t("assessments.year")}</label>
            <input id="year-input" type="number" name="year" defaultValue={year} min={2000} max={2100} />
          </div>
          <button type="submit">{t("staffAssessments.overview")}</button>
        </Form>
        <p>
          <a href={`/staff/assessments/export.csv?year=${year}`}>{t("staffAssessments.exportYear", { year })}</a>
        </p>
        <p>
          <Link to="/staff/frameworks">{t("frameworks.title")}</Link>
        </p>
      </section>
    </>
  );
}
