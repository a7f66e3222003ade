import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ScoreBar, ScoreText } from "~/components/assessment";
import { loadAssessment, resultsOf } from "~/modules/assessments/assessments.server";
import { industryComparison, MIN_PEERS, trendOf } from "~/modules/assessments/insights.server";
import { addGapsToPlan } from "~/modules/assessments/plan.server";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, "results.title", { year: String(data?.year ?? "") });

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const language = await getLanguage(args.request);
  const { db } = args.context;
  const loaded = await loadAssessment(db, args.params.assessmentId ?? "", auth.organisation.id);
  const results = resultsOf(loaded);
  const [trend, comparison] = await Promise.all([
    trendOf(db, auth.organisation.id, loaded.assessment.year),
    industryComparison(db, auth.organisation.id, auth.organisation.industry, loaded.assessment.year),
  ]);
  const core = loaded.frameworks.find((f) => f.frameworkId === "core")?.framework;
  const years = [...new Set([...trend.map((t) => t.year), loaded.assessment.year])].sort();
  return {
    id: loaded.assessment.id,
    year: loaded.assessment.year,
    overall: results.overall,
    maturity: results.maturityLevel === null || !core?.maturityLevels ? null : { level: results.maturityLevel, ...core.maturityLevels[results.maturityLevel]! },
    sections: results.sections.map((s) => ({
      id: s.section.id,
      title: s.section.title[language],
      score: s.score,
      median: comparison.available ? (comparison.sections[s.section.id] ?? null) : null,
      history: years.map((y) => (y === loaded.assessment.year ? s.score : (trend.find((t) => t.year === y)?.sections[s.section.id] ?? null))),
    })),
    years,
    overallHistory: years.map((y) => (y === loaded.assessment.year ? results.overall : (trend.find((t) => t.year === y)?.score ?? null))),
    comparison,
    minPeers: MIN_PEERS,
    gaps: results.gaps.slice(0, 25).map((g) => ({ id: g.question.id, question: g.question.text[language], score: Math.round(g.score * 100), weight: g.question.weight, recommendation: g.recommendation?.[language] ?? null })),
    canPlan: can(auth.membership.roles, "plan.manage", auth.organisation.status),
    language: toLanguage(language),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "plan.manage");
  const { id } = (await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id)).assessment;
  return handleForm(args.request, z.object({ intent: z.literal("from_gaps") }), async () => {
    const language = await getLanguage(args.request);
    const count = await addGapsToPlan(args.context.db, actorOf(args, auth.user), auth.organisation.id, id, language);
    return redirect(`/app/plan?notice=${count ? "plan_from_gaps" : "plan_nothing_new"}`);
  });
}

export default function Results() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to={`/app/assessments/${d.id}`}>← {t("assessments.ofYear", { year: d.year })}</Link>
      </p>
      <h1>{t("results.title", { year: d.year })}</h1>
      <div className="twocol">
        <section className="panel" aria-labelledby="overall">
          <h2 id="overall">{t("results.overall")}</h2>
          <p>
            <span className="stat">
              <ScoreText score={d.overall} />
            </span>
          </p>
          {d.maturity && (
            <>
              <p>
                <strong>{t("results.level", { level: d.maturity.level, name: d.maturity.name[d.language] })}</strong>
              </p>
              <p>{d.maturity.description[d.language]}</p>
            </>
          )}
        </section>
        <section className="panel" aria-labelledby="compare">
          <h2 id="compare">{t("results.comparison")}</h2>
          {d.comparison.available ? (
            <p>{t("results.median", { median: d.comparison.overall ?? "–", peers: d.comparison.peers })}</p>
          ) : (
            <p className="muted">{t("results.noComparison", { min: d.minPeers, peers: d.comparison.peers })}</p>
          )}
        </section>
      </div>

      <section aria-labelledby="by-section">
        <h2 id="by-section">{t("results.bySection")}</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("results.bySection")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("assessments.section")}</th>
                <th scope="col">{t("assessments.score")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("results.chart")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {d.sections.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.title}</th>
                  <td>{s.score ?? "–"}</td>
                  <td>
                    <ScoreBar
                      score={s.score}
                      compare={s.median}
                      label={s.median !== null ? t("results.barWithMedian", { score: s.score ?? "–", median: s.median }) : t("assessments.scoreOf", { score: s.score ?? "–" })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {d.comparison.available && <p className="small muted">{t("results.medianMark")}</p>}
        <div className="table-wrap">
          <table>
            <caption>{t("results.trend")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("assessments.section")}</th>
                {d.years.map((y) => (
                  <th scope="col" key={y}>
                    {y}
                  </th>
                ))}
                {d.comparison.available && <th scope="col">{t("results.industryMedian")}</th>}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t("results.overall")}</th>
                {d.overallHistory.map((v, i) => (
                  <td key={d.years[i]}>{v ?? "–"}</td>
                ))}
                {d.comparison.available && <td>{d.comparison.overall ?? "–"}</td>}
              </tr>
              {d.sections.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.title}</th>
                  {s.history.map((v, i) => (
                    <td key={d.years[i]}>{v ?? "–"}</td>
                  ))}
                  {d.comparison.available && <td>{s.median ?? "–"}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="gaps">
        <h2 id="gaps">{t("results.gaps")}</h2>
        {d.gaps.length === 0 ? (
          <p>{t("results.noGaps")}</p>
        ) : (
          <>
            <p className="muted">{t("results.gapsIntro")}</p>
            <ol>
              {d.gaps.map((g) => (
                <li key={g.id}>
                  <strong>{g.question}</strong> <span className="muted small">({t("results.gapScore", { score: g.score, weight: g.weight })})</span>
                  {g.recommendation && <p>{g.recommendation}</p>}
                </li>
              ))}
            </ol>
            {d.canPlan && (
              <Form method="post">
                <input type="hidden" name="intent" value="from_gaps" />
                <button type="submit">{t("results.addToPlan")}</button>
              </Form>
            )}
          </>
        )}
      </section>
    </>
  );
}
