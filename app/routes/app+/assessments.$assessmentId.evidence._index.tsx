import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { EDITABLE, loadAssessment } from "~/modules/assessments/assessments.server";
import { addEvidenceFile, addEvidenceLink, listEvidence, MAX_EVIDENCE_BYTES, readUpload, removeEvidence } from "~/modules/assessments/evidence.server";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { z } from "~/utils/zod";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "evidence.title");

async function questionOf(args: LoaderFunctionArgs, permission: "assessment.view" | "assessment.edit") {
  const auth = await requireOrg(args, permission);
  const loaded = await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id);
  const questionId = new URL(args.request.url).searchParams.get("question") ?? "";
  const question = loaded.questions.get(questionId);
  if (!question || question.evidence === "none") throw new AppError("not_found", 404);
  const section = loaded.frameworks.flatMap((f) => f.framework.sections).find((s) => s.questions.some((q) => q.id === questionId))!;
  return { auth, loaded, question, section };
}

export async function loader(args: LoaderFunctionArgs) {
  const { auth, loaded, question, section } = await questionOf(args, "assessment.view");
  const language = await getLanguage(args.request);
  const evidence = (await listEvidence(args.context.db, loaded.assessment.id)).filter((e) => e.questionId === question.id);
  return {
    assessmentId: loaded.assessment.id,
    questionId: question.id,
    question: question.text[language],
    sectionId: section.id,
    canEdit: can(auth.membership.roles, "assessment.edit", auth.organisation.status) && EDITABLE.includes(loaded.assessment.status),
    evidence,
    maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024,
  };
}

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("file") }),
  z.object({ intent: z.literal("link"), url: z.string().trim().max(2000).pipe(z.url({ protocol: /^https?$/ })) }),
  z.object({ intent: z.literal("remove"), evidenceId: z.string().min(1).max(64) }),
]);

export async function action(args: ActionFunctionArgs) {
  const { auth, loaded, question } = await questionOf(args, "assessment.edit");
  const here = `/app/assessments/${loaded.assessment.id}/evidence?question=${encodeURIComponent(question.id)}`;
  return handleForm(
    args.request,
    schema,
    async (input, _raw, files) => {
      const actor = actorOf(args, auth.user);
      if (input.intent === "remove") {
        await removeEvidence(args.context.db, actor, auth.organisation.id, loaded.assessment.id, input.evidenceId);
        return redirect(`${here}&notice=evidence_removed`);
      }
      if (input.intent === "link") {
        await addEvidenceLink(args.context.db, actor, auth.organisation.id, loaded.assessment.id, question.id, input.url);
        return redirect(`${here}&notice=evidence_added`);
      }
      await addEvidenceFile(args.context.db, actor, auth.organisation.id, loaded.assessment.id, question.id, await readUpload(files));
      return redirect(`${here}&notice=evidence_added`);
    },
    { maxBytes: MAX_EVIDENCE_BYTES + 512 * 1024 },
  );
}

export default function Evidence() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <p>
        <Link to={`/app/assessments/${d.assessmentId}/sections/${d.sectionId}#${d.questionId}`}>← {t("evidence.back")}</Link>
      </p>
      <h1>{t("evidence.title")}</h1>
      <p className="lead">{d.question}</p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {d.evidence.length === 0 ? (
        <p>{t("evidence.none")}</p>
      ) : (
        <ul>
          {d.evidence.map((e) => (
            <li key={e.id}>
              {e.kind === "link" ? (
                <a href={e.url!} rel="noopener noreferrer nofollow">
                  {e.url}
                </a>
              ) : (
                <a href={`/app/assessments/${d.assessmentId}/evidence/${e.id}`} download>
                  {e.fileName}
                </a>
              )}{" "}
              <span className="muted small">
                {e.size !== null && `${Math.ceil(e.size / 1024)} kB · `}
                {formatDateTime(e.createdAt, i18n.language)}
                {e.sha256 && (
                  <>
                    {" "}
                    · SHA-256 <span className="mono">{e.sha256.slice(0, 16)}…</span>
                  </>
                )}
              </span>
              {d.canEdit && (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="evidenceId" value={e.id} />
                  <button type="submit" className="link">
                    {t("evidence.remove")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      {d.canEdit && (
        <div className="twocol">
          <Form method="post" encType="multipart/form-data" className="stack">
            <input type="hidden" name="intent" value="file" />
            <Field label={t("evidence.file")} hint={t("evidence.fileHint", { mb: d.maxMb })} error={reply?.fieldErrors?.file}>
              {(aria) => <input {...aria} type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt" required />}
            </Field>
            <div className="actions">
              <button type="submit">{t("evidence.upload")}</button>
            </div>
          </Form>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="link" />
            <Field label={t("evidence.link")} hint={t("evidence.linkHint")} error={reply?.fieldErrors?.url}>
              {(aria) => <input {...aria} type="url" name="url" required />}
            </Field>
            <div className="actions">
              <button type="submit" className="secondary">
                {t("evidence.addLink")}
              </button>
            </div>
          </Form>
        </div>
      )}
    </>
  );
}
