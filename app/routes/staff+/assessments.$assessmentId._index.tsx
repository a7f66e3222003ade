import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AssessmentStatusBadge, ScoreText } from "~/components/assessment";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { answerLabel, type Lang } from "~/components/question-input";
import { listComments, loadAssessment, resultsOf, reviewAssessment } from "~/modules/assessments/assessments.server";
import { listEvidence } from "~/modules/assessments/evidence.server";
import { reviewSchema } from "~/modules/assessments/schema";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { localizeQuestion } from "~/modules/frameworks/localize";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { getOrganisation } from "~/modules/organisations/organisations.server";
import { issueAfterApproval } from "~/modules/reports/reports.server";
import { handleForm } from "~/utils/forms.server";
import { logger } from "~/utils/logger.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data ? `${data.organisation.name} ${data.year}` : undefined);

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.assessments.review");
  const language = (await getLanguage(args.request)) as Lang;
  const { db } = args.context;
  const loaded = await loadAssessment(db, args.params.assessmentId ?? "", null);
  const organisation = (await getOrganisation(db, loaded.assessment.organisationId))!;
  const results = resultsOf(loaded);
  const [comments, evidence] = await Promise.all([listComments(db, loaded.assessment.id), listEvidence(db, loaded.assessment.id)]);
  return {
    id: loaded.assessment.id,
    year: loaded.assessment.year,
    status: loaded.assessment.status,
    organisation: { id: organisation.id, name: organisation.name, industry: organisation.industry },
    overall: results.overall,
    maturityLevel: results.maturityLevel,
    language,
    generalComments: comments.filter((c) => !c.questionId),
    sections: results.sections.map((s) => ({
      id: s.section.id,
      title: s.section.title[language],
      score: s.score,
      questions: s.section.questions
        .filter((q) => results.questions.find((r) => r.question.id === q.id)?.visible)
        .map((q) => ({
          question: localizeQuestion(q, language),
          value: loaded.answers.get(q.id)?.value ?? null,
          score: results.questions.find((r) => r.question.id === q.id)?.score ?? null,
          comments: comments.filter((c) => c.questionId === q.id),
          evidence: evidence.filter((e) => e.questionId === q.id),
        })),
    })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.assessments.review");
  const { id } = (await loadAssessment(args.context.db, args.params.assessmentId ?? "", null)).assessment;
  return handleForm(args.request, reviewSchema, async (input, raw) => {
    const comments = Object.entries(raw)
      .filter(([k, v]) => k.startsWith("comment:") && typeof v === "string" && v.trim())
      .map(([k, v]) => ({ questionId: k.slice("comment:".length), body: String(v).slice(0, 4000) }));
    const actor = actorOf(args, auth.user);
    await reviewAssessment(args.context.db, actor, id, { decision: input.decision, summary: input.summary, comments });
    if (input.decision === "return") return redirect(`/staff/assessments/${id}?notice=assessment_returned`);
    // The year's commitment report is issued at once; if that fails, the approval stands.
    const issued = await issueAfterApproval(args.context.db, actor, id).then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error, assessmentId: id }, "report after approval failed");
        return false;
      },
    );
    return redirect(`/staff/assessments/${id}?notice=${issued ? "assessment_approved_report" : "assessment_approved"}`);
  });
}

export default function ReviewAssessment() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const reviewing = d.status === "submitted";
  return (
    <>
      <p>
        <Link to="/staff/assessments">← {t("staffAssessments.title")}</Link>
      </p>
      <h1>
        <Link to={`/staff/organisations/${d.organisation.id}`}>{d.organisation.name}</Link> {d.year} <AssessmentStatusBadge status={d.status} />
      </h1>
      <p>
        {t(`industries.${d.organisation.industry}`)} · <ScoreText score={d.overall} />
        {d.maturityLevel !== null && ` · ${t(`maturity.${d.maturityLevel}`)}`}
      </p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {d.generalComments.map((c) => (
        <div key={c.id} className={`comment ${c.byStaff ? "" : "company"}`}>
          <p className="small muted">
            {c.authorName} · {formatDateTime(c.createdAt, i18n.language)}
          </p>
          <p>{c.body}</p>
        </div>
      ))}
      <Form method="post" className="stack">
        {d.sections.map((s) => (
          <section key={s.id} aria-labelledby={`s-${s.id}`}>
            <h2 id={`s-${s.id}`}>
              {s.title} <span className="muted small">({s.score ?? "–"})</span>
            </h2>
            {s.questions.map(({ question: q, value, score, comments, evidence }) => (
              <div key={q.id} className="question" id={q.id}>
                <h3>{q.text}</h3>
                <p>
                  <strong>{answerLabel(q, value, t)}</strong>
                  {score !== null && <span className="muted small"> · {Math.round(score * 100)}</span>}
                </p>
                {evidence.length > 0 && (
                  <ul className="small">
                    {evidence.map((e) => (
                      <li key={e.id}>
                        {e.kind === "link" ? (
                          <a href={e.url!} rel="noopener noreferrer nofollow">
                            {e.url}
                          </a>
                        ) : (
                          <a href={`/staff/assessments/${d.id}/evidence/${e.id}`} download>
                            {e.fileName}
                          </a>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
                {comments.map((c) => (
                  <div key={c.id} className={`comment ${c.byStaff ? "" : "company"}`}>
                    <p className="small muted">
                      {c.authorName} · {formatDateTime(c.createdAt, i18n.language)}
                    </p>
                    <p>{c.body}</p>
                  </div>
                ))}
                {reviewing && (
                  <Field label={t("staffAssessments.commentOn")}>{(aria) => <textarea {...aria} name={`comment:${q.id}`} maxLength={4000} rows={2} />}</Field>
                )}
              </div>
            ))}
          </section>
        ))}
        {reviewing && (
          <section aria-labelledby="decision" className="panel">
            <h2 id="decision">{t("staffAssessments.decision")}</h2>
            <Field label={t("staffAssessments.summary")} hint={t("staffAssessments.summaryHint")} error={reply?.fieldErrors?.summary}>
              {(aria) => <textarea {...aria} name="summary" maxLength={4000} />}
            </Field>
            <div className="actions">
              <button type="submit" name="decision" value="approve">
                {t("staffAssessments.approve")}
              </button>
              <button type="submit" name="decision" value="return" className="danger">
                {t("staffAssessments.return")}
              </button>
            </div>
          </section>
        )}
      </Form>
    </>
  );
}
