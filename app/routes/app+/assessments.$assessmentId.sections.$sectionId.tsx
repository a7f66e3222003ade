import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { AssessmentStatusBadge } from "~/components/assessment";
import { asReply, Field, FormAlert, Notice, useHydrated } from "~/components/forms";
import { answerField, answerLabel, QuestionInput, type Lang } from "~/components/question-input";
import { addCompanyComment, EDITABLE, listComments, loadAssessment, resultsOf, saveAnswers, type AnswerChange, type AnswerConflict } from "~/modules/assessments/assessments.server";
import { listEvidence } from "~/modules/assessments/evidence.server";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { localizeQuestion } from "~/modules/frameworks/localize";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { AppError } from "~/utils/errors";
import { handleForm, type FormReply } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { text, z } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.section.title);

async function load(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const loaded = await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id);
  const sections = loaded.frameworks.flatMap((f) => f.framework.sections);
  const index = sections.findIndex((s) => s.id === args.params.sectionId);
  if (index < 0) throw new AppError("not_found", 404);
  return { auth, loaded, sections, index, section: sections[index]! };
}

export async function loader(args: LoaderFunctionArgs) {
  const { auth, loaded, sections, index, section } = await load(args);
  const language = (await getLanguage(args.request)) as Lang;
  const results = resultsOf(loaded);
  const [comments, evidence] = await Promise.all([listComments(args.context.db, loaded.assessment.id), listEvidence(args.context.db, loaded.assessment.id)]);
  const sectionResult = results.sections.find((s) => s.section.id === section.id)!;
  return {
    language,
    assessment: { id: loaded.assessment.id, year: loaded.assessment.year, status: loaded.assessment.status, overall: results.overall },
    canEdit: can(auth.membership.roles, "assessment.edit", auth.organisation.status) && EDITABLE.includes(loaded.assessment.status),
    section: { id: section.id, title: section.title[language], intro: section.intro?.[language] ?? null, score: sectionResult.score, answered: sectionResult.requiredAnswered, required: sectionResult.required },
    previous: index > 0 ? { id: sections[index - 1]!.id, title: sections[index - 1]!.title[language] } : null,
    next: index < sections.length - 1 ? { id: sections[index + 1]!.id, title: sections[index + 1]!.title[language] } : null,
    questions: section.questions
      .filter((q) => results.questions.find((r) => r.question.id === q.id)?.visible)
      .map((q) => {
        const answer = loaded.answers.get(q.id);
        return {
          question: localizeQuestion(q, language),
          value: answer?.value,
          version: answer?.version ?? 0,
          carriedOver: answer?.carriedOver ?? false,
          comments: comments.filter((c) => c.questionId === q.id),
          evidence: evidence.filter((e) => e.questionId === q.id),
        };
      }),
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), autosave: z.string().optional(), goto: z.string().max(200).optional() }).passthrough(),
  z.object({ intent: z.literal("comment"), questionId: z.string().min(1).max(120), body: text(4000) }),
]);

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "assessment.edit");
  const { loaded, section } = await load(args);
  const id = loaded.assessment.id;
  const here = `/app/assessments/${id}/sections/${section.id}`;
  return handleForm(args.request, actionSchema, async (input, raw) => {
    const actor = actorOf(args, auth.user);
    if (input.intent === "comment") {
      await addCompanyComment(args.context.db, actor, auth.organisation.id, id, { questionId: input.questionId, body: input.body });
      return redirect(`${here}?notice=comment_added#${input.questionId}`);
    }
    // The form lists the questions it showed (present:<id>): an empty checkbox group sends nothing.
    const changes: AnswerChange[] = Object.keys(raw)
      .filter((k) => k.startsWith("present:"))
      .map((k) => k.slice("present:".length))
      .map((questionId) => ({
        questionId,
        value: raw[answerField(questionId)],
        baseVersion: Number(raw[`v:${questionId}`] ?? 0) || 0,
        confirm: raw[`confirm:${questionId}`] === "on",
      }));
    const { saved } = await saveAnswers(args.context.db, actor, auth.organisation.id, id, changes);
    if (input.autosave) return data({ ok: true as const, saved });
    const next = typeof input.goto === "string" && /^[a-z0-9_.]+$/.test(input.goto) ? `/app/assessments/${id}/sections/${input.goto}` : `${here}?notice=answers_saved`;
    return redirect(next);
  });
}

/** A new section is a new form: its autosave state and any conflict notice start afresh. */
export default function AssessmentSection() {
  const d = useLoaderData<typeof loader>();
  return <SectionForm key={`${d.assessment.id}/${d.section.id}`} />;
}

function SectionForm() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const actionData = useActionData<typeof action>();
  const autosave = useFetcher<typeof action>();
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);
  const reply = asReply(autosave.data) ?? asReply(actionData);
  const conflicts = ((reply as FormReply | undefined)?.data as { conflicts?: AnswerConflict[] } | undefined)?.conflicts ?? [];
  const timer = useRef<ReturnType<typeof setTimeout>>();

  // With JavaScript every change is saved on its own, shortly after it is made.
  function scheduleSave() {
    if (!d.canEdit || !formRef.current) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const form = new FormData(formRef.current!);
      form.set("autosave", "1");
      form.set("intent", "save");
      autosave.submit(form, { method: "post" });
    }, 600);
  }

  const status = autosave.state !== "idle" ? t("assessments.saving") : autosave.data && "ok" in autosave.data && autosave.data.ok ? t("assessments.saved") : "";
  return (
    <>
      <p>
        <Link to={`/app/assessments/${d.assessment.id}`}>← {t("assessments.ofYear", { year: d.assessment.year })}</Link>
      </p>
      <h1>{d.section.title}</h1>
      <p className="progress">
        <AssessmentStatusBadge status={d.assessment.status} /> {t("assessments.progress", { answered: d.section.answered, required: d.section.required })} ·{" "}
        {t("assessments.sectionScore", { score: d.section.score ?? "–" })} · {t("assessments.overallScore", { score: d.assessment.overall ?? "–" })}
      </p>
      {d.section.intro && <p className="lead">{d.section.intro}</p>}
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {conflicts.length > 0 && (
        <div className="conflict" role="alert">
          <p>{t("assessments.conflictIntro")}</p>
          <ul>
            {conflicts.map((c) => {
              const q = d.questions.find((x) => x.question.id === c.questionId)?.question;
              if (!q) return null;
              return (
                <li key={c.questionId}>
                  <strong>{q.text}</strong>
                  <br />
                  {t("assessments.conflictTheirs", { who: c.by ?? t("assessments.someone"), at: c.at ? formatDateTime(c.at, i18n.language) : "" })}: {answerLabel(q, c.theirs, t)}
                  <br />
                  {t("assessments.conflictMine")}: {answerLabel(q, c.mine, t)}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <p role="status" aria-live="polite" className="progress">
        {hydrated && d.canEdit ? status || t("assessments.autosaveOn") : ""}
      </p>

      <Form method="post" ref={formRef} onChange={scheduleSave} className="stack wide" noValidate>
        <input type="hidden" name="intent" value="save" />
        {d.questions.map(({ question: q, value, version, carriedOver, comments, evidence }) => (
          <section key={q.id} id={q.id} className={`question${carriedOver ? " carried" : ""}${comments.some((c) => c.byStaff) ? " commented" : ""}`} aria-labelledby={`input-${q.id.replace(/\./g, "-")}-label`}>
            <h2 id={`input-${q.id.replace(/\./g, "-")}-label`}>
              {q.text}
              {!q.required && <span className="muted small"> ({t("assessments.optional")})</span>}
            </h2>
            <p className="guidance">{q.guidance}</p>
            <input type="hidden" name={`present:${q.id}`} value="1" />
            <input type="hidden" name={`v:${q.id}`} value={version} />
            <QuestionInput question={q} value={value} error={reply?.fieldErrors?.[q.id]} disabled={!d.canEdit} />
            {carriedOver && (
              <div className="check">
                <input type="checkbox" id={`confirm-${q.id}`} name={`confirm:${q.id}`} disabled={!d.canEdit} />
                <label htmlFor={`confirm-${q.id}`}>{t("assessments.confirmCarried")}</label>
              </div>
            )}
            <div className="meta">
              {carriedOver && <span className="badge suspended">{t("assessments.carriedOver")}</span>}
              {evidence.length > 0 && <span>{t("assessments.evidenceCount", { count: evidence.length })}</span>}
              {q.evidence !== "none" && (
                <Link to={`/app/assessments/${d.assessment.id}/evidence?question=${encodeURIComponent(q.id)}`}>
                  {q.evidence === "recommended" ? t("assessments.evidenceRecommended") : t("assessments.evidence")}
                </Link>
              )}
            </div>
            {comments.map((c) => (
              <div key={c.id} className={`comment ${c.byStaff ? "" : "company"}`}>
                <p className="small muted">
                  {c.byStaff ? t("assessments.fromStaff") : c.authorName} · {formatDateTime(c.createdAt, i18n.language)}
                </p>
                <p>{c.body}</p>
              </div>
            ))}
          </section>
        ))}
        {d.canEdit && (
          <div className="actions">
            <button type="submit">{t("assessments.saveSection")}</button>
            {d.next && (
              <button type="submit" name="goto" value={d.next.id} className="secondary">
                {t("assessments.saveAndNext")}
              </button>
            )}
          </div>
        )}
      </Form>

      {d.canEdit &&
        d.questions
          .filter((q) => q.comments.some((c) => c.byStaff))
          .map(({ question: q }) => (
            <Form method="post" className="stack" key={`reply-${q.id}`}>
              <input type="hidden" name="intent" value="comment" />
              <input type="hidden" name="questionId" value={q.id} />
              <Field label={t("assessments.replyTo", { question: q.text })}>{(aria) => <textarea {...aria} name="body" maxLength={4000} required />}</Field>
              <div className="actions">
                <button type="submit" className="secondary">
                  {t("assessments.sendComment")}
                </button>
              </div>
            </Form>
          ))}

      <nav className="section-nav" aria-label={t("assessments.sections")}>
        {d.previous && <Link to={`/app/assessments/${d.assessment.id}/sections/${d.previous.id}`}>← {d.previous.title}</Link>}
        {d.next && <Link to={`/app/assessments/${d.assessment.id}/sections/${d.next.id}`}>{d.next.title} →</Link>}
      </nav>
    </>
  );
}
