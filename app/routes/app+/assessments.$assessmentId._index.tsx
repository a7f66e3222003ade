import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AssessmentStatusBadge, ScoreBar, ScoreText } from "~/components/assessment";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { addCompanyComment, EDITABLE, listComments, loadAssessment, resultsOf, submitAssessment } from "~/modules/assessments/assessments.server";
import { commentSchema } from "~/modules/assessments/schema";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, "assessments.ofYear", { year: String(data?.year ?? "") });

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const language = await getLanguage(args.request);
  const loaded = await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id);
  const results = resultsOf(loaded);
  const comments = await listComments(args.context.db, loaded.assessment.id);
  const carried = [...loaded.answers.values()].filter((a) => a.carriedOver).length;
  return {
    id: loaded.assessment.id,
    year: loaded.assessment.year,
    status: loaded.assessment.status,
    canEdit: can(auth.membership.roles, "assessment.edit", auth.organisation.status) && EDITABLE.includes(loaded.assessment.status),
    canComment: can(auth.membership.roles, "assessment.edit", auth.organisation.status),
    overall: results.overall,
    maturityLevel: results.maturityLevel,
    progress: results.progress,
    carried,
    modules: loaded.frameworks.map((f) => ({ id: f.frameworkId, title: f.framework.title[language], version: f.version })),
    sections: results.sections.map((s) => ({
      id: s.section.id,
      title: s.section.title[language],
      score: s.score,
      answered: s.requiredAnswered,
      required: s.required,
      comments: comments.filter((c) => c.questionId && s.section.questions.some((q) => q.id === c.questionId)).length,
    })),
    comments: comments.filter((c) => c.questionId === null),
    /** To name the questions a refused submission lists. */
    questionIndex: Object.fromEntries(results.questions.map((q) => [q.question.id, { text: q.question.text[language], sectionId: q.sectionId }])),
  };
}

const actionSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("submit") }), commentSchema]);

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "assessment.edit");
  // Another organisation's assessment is not found, whatever the form says.
  const { id } = (await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id)).assessment;
  return handleForm(args.request, actionSchema, async (input) => {
    const actor = actorOf(args, auth.user);
    if (input.intent === "comment") {
      await addCompanyComment(args.context.db, actor, auth.organisation.id, id, { questionId: null, body: input.body });
      return redirect(`/app/assessments/${id}?notice=comment_added`);
    }
    await submitAssessment(args.context.db, actor, auth.organisation.id, id);
    return redirect(`/app/assessments/${id}?notice=assessment_submitted`);
  });
}

export default function AssessmentOverview() {
  const { t, i18n } = useTranslation();
  const a = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const refusal = reply?.data as { missing?: string[]; unconfirmed?: string[] } | undefined;
  return (
    <>
      <p>
        <Link to="/app/assessments">← {t("assessments.title")}</Link>
      </p>
      <h1>
        {t("assessments.ofYear", { year: a.year })} <AssessmentStatusBadge status={a.status} />
      </h1>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {refusal?.missing && (
        <div className="message warning">
          <p>{t("assessments.missingList")}</p>
          <ul>
            {[...(refusal.missing ?? []).map((q) => [q, "missing"] as const), ...(refusal.unconfirmed ?? []).map((q) => [q, "unconfirmed"] as const)].slice(0, 40).map(([q, why]) => (
              <li key={q}>
                <Link to={`/app/assessments/${a.id}/sections/${a.questionIndex[q]?.sectionId ?? ""}#${q}`}>{a.questionIndex[q]?.text ?? q}</Link>{" "}
                <span className="muted small">({why === "missing" ? t("assessments.notAnswered") : t("assessments.notConfirmed")})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="lead">{t(`assessments.statusText.${a.status}`)}</p>

      <div className="twocol">
        <section className="panel" aria-labelledby="score">
          <h2 id="score">{t("assessments.result")}</h2>
          <p>
            <span className="stat">
              <ScoreText score={a.overall} />
            </span>
            {a.maturityLevel !== null && t("assessments.maturityIs", { level: t(`maturity.${a.maturityLevel}`) })}
          </p>
          <p className="progress">{t("assessments.progress", { answered: a.progress.answered, required: a.progress.required })}</p>
          {a.carried > 0 && <p className="progress">{t("assessments.carriedCount", { count: a.carried })}</p>}
          <p>
            <Link to={`/app/assessments/${a.id}/results`}>{t("assessments.seeResults")}</Link>
          </p>
        </section>
        <section className="panel" aria-labelledby="modules">
          <h2 id="modules">{t("assessments.modules")}</h2>
          <ul>
            {a.modules.map((m) => (
              <li key={m.id}>
                {m.title} <span className="muted small">({t("assessments.version", { version: m.version })})</span>
              </li>
            ))}
          </ul>
          <p className="small">
            <a href={`/app/assessments/${a.id}/export.csv`}>{t("assessments.exportCsv")}</a> · <a href={`/app/assessments/${a.id}/export.json`}>{t("assessments.exportJson")}</a>
          </p>
        </section>
      </div>

      <section aria-labelledby="sections">
        <h2 id="sections">{t("assessments.sections")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("assessments.section")}</th>
                <th scope="col">{t("assessments.answered")}</th>
                <th scope="col">{t("assessments.score")}</th>
                <th scope="col">{t("assessments.comments")}</th>
              </tr>
            </thead>
            <tbody>
              {a.sections.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/app/assessments/${a.id}/sections/${s.id}`}>{s.title}</Link>
                  </td>
                  <td>
                    {s.answered} / {s.required}
                  </td>
                  <td>
                    {s.score ?? "–"}
                    <ScoreBar score={s.score} label={t("assessments.scoreOf", { score: s.score ?? "–" })} />
                  </td>
                  <td>{s.comments || ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {(a.comments.length > 0 || a.canComment) && (
        <section aria-labelledby="comments">
          <h2 id="comments">{t("assessments.conversation")}</h2>
          {a.comments.map((c) => (
            <div key={c.id} className={`comment ${c.byStaff ? "" : "company"}`}>
              <p className="small muted">
                {c.byStaff ? t("assessments.fromStaff") : c.authorName} · {formatDateTime(c.createdAt, i18n.language)}
              </p>
              <p>{c.body}</p>
            </div>
          ))}
          {a.canComment && (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="comment" />
              <Field label={t("assessments.writeComment")}>{(aria) => <textarea {...aria} name="body" maxLength={4000} required />}</Field>
              <div className="actions">
                <button type="submit" className="secondary">
                  {t("assessments.sendComment")}
                </button>
              </div>
            </Form>
          )}
        </section>
      )}

      {a.canEdit && (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="submit" />
          <button type="submit">{t("assessments.submit")}</button>
          <span className="muted small">{t("assessments.submitHint")}</span>
        </Form>
      )}
    </>
  );
}

