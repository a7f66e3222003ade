import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, useAppForm, useHydrated } from "~/components/forms";
import { ReportStatusBadge } from "~/components/reports";
import { checkReportHash, publicReport } from "~/modules/reports/reports.server";
import { verifyHashSchema } from "~/modules/reports/schema";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => [...pageTitle(matches, "verify.title"), { name: "robots", content: "noindex" }];

/** Public: the facts of an issued report, nothing else about the company. */
export async function loader(args: LoaderFunctionArgs) {
  const report = await publicReport(args.context.db, args.params.reportId ?? "");
  if (!report) throw new AppError("report_not_found", 404);
  return { report };
}

/** Without JavaScript: compares a pasted SHA-256 with the issued file's. */
export async function action(args: ActionFunctionArgs) {
  const report = await publicReport(args.context.db, args.params.reportId ?? "");
  if (!report) throw new AppError("report_not_found", 404);
  return handleForm(args.request, verifyHashSchema, async (input) => {
    const result = await checkReportHash(args.context.db, args.context.clientIp, report, input.sha256);
    return { ok: true as const, result };
  });
}

async function sha256Of(file: File): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function Verdict({ result, withdrawn }: { result: "match" | "mismatch"; withdrawn: boolean }) {
  const { t } = useTranslation();
  const kind = result === "mismatch" ? "error" : withdrawn ? "warning" : "success";
  return (
    <div className={`message ${kind}`} role="status">
      <p>{t(result === "mismatch" ? "verify.mismatch" : withdrawn ? "verify.matchWithdrawn" : "verify.match")}</p>
    </div>
  );
}

export default function Verify() {
  const { t, i18n } = useTranslation();
  const { report } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const reply = asReply(actionData);
  const serverResult = actionData && "result" in actionData ? actionData.result : null;
  const { register, formProps, errorFor } = useAppForm(verifyHashSchema, { reply });
  const hydrated = useHydrated();
  const [local, setLocal] = useState<{ name: string; sha256: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const withdrawn = report.status === "withdrawn";

  async function check(file: File | undefined) {
    if (!file) return;
    setLocal({ name: file.name, sha256: await sha256Of(file) });
  }

  return (
    <>
      <h1>{t("verify.title")}</h1>
      <p className="lead">{t("verify.intro")}</p>
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title">{t("verify.factsTitle")}</h2>
        <dl className="facts">
          <dt>{t("reports.company")}</dt>
          <dd>{report.organisationName}</dd>
          <dt>{t("reports.period")}</dt>
          <dd>{report.period}</dd>
          <dt>{t("reports.issuedAt")}</dt>
          <dd>{formatDateTime(report.issuedAt, i18n.language)}</dd>
          <dt>{t("reports.identifier")}</dt>
          <dd className="mono">{report.id}</dd>
          <dt>{t("reports.statusLabel")}</dt>
          <dd>
            <ReportStatusBadge status={report.status} />
            {report.withdrawnAt !== null && <> {t("reports.withdrawnOn", { date: formatDateTime(report.withdrawnAt, i18n.language) })}</>}
          </dd>
          <dt>{t("reports.sha256")}</dt>
          <dd className="mono">{report.sha256}</dd>
        </dl>
        {withdrawn && <p className="message warning">{t("verify.withdrawnNote")}</p>}
      </section>

      {hydrated && (
        <section aria-labelledby="file-title">
          <h2 id="file-title">{t("verify.fileTitle")}</h2>
          <div
            className={`dropzone${dragging ? " active" : ""}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              void check(e.dataTransfer.files[0]);
            }}
          >
            <p>{t("verify.dropHint")}</p>
            <Field label={t("verify.fileLabel")}>{(aria) => <input {...aria} type="file" accept="application/pdf,.pdf" onChange={(e) => void check(e.currentTarget.files?.[0])} />}</Field>
          </div>
          {local && (
            <>
              <p>
                {t("verify.computed", { name: local.name })} <span className="mono">{local.sha256}</span>
              </p>
              <Verdict result={local.sha256 === report.sha256 ? "match" : "mismatch"} withdrawn={withdrawn} />
            </>
          )}
        </section>
      )}

      <section aria-labelledby="paste-title">
        <h2 id="paste-title">{t("verify.pasteTitle")}</h2>
        <p>{t("verify.pasteIntro")}</p>
        <FormAlert reply={reply} />
        <Form {...formProps} className="stack">
          <Field label={t("verify.pasteLabel")} error={errorFor("sha256")}>
            {(aria) => <input {...aria} {...register("sha256")} className="mono" autoComplete="off" spellCheck={false} maxLength={200} />}
          </Field>
          <div className="actions">
            <button type="submit">{t("verify.check")}</button>
          </div>
        </Form>
        {serverResult && <Verdict result={serverResult} withdrawn={withdrawn} />}
      </section>
    </>
  );
}
