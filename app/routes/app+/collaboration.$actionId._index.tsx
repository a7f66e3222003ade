import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionSections, ConfirmationBadge } from "~/components/collaboration";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { MAX_EVIDENCE_BYTES, readUpload } from "~/modules/assessments/evidence.server";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { addActionComment, getAction, loadAction, requestConfirmation, targetChoices } from "~/modules/collaboration/collaboration.server";
import { addActionFile, removeActionFile } from "~/modules/collaboration/files.server";
import { companyDetailSchema } from "~/modules/collaboration/schema";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.detail.action.title);

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.view");
  const detail = await getAction(args.context.db, args.params.actionId ?? "", auth.organisation.id);
  const choices = detail.targets.length ? await targetChoices(args.context.db, auth.organisation.id, await getLanguage(args.request)) : [];
  return {
    detail,
    targetLabels: Object.fromEntries(choices.map((c) => [c.value, c.label])),
    canManage: can(auth.membership.roles, "collab.manage", auth.organisation.status),
    maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024,
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "collab.manage");
  const actionId = args.params.actionId ?? "";
  // Another organisation's action is not found (404), before any form is read.
  await loadAction(args.context.db, actionId, auth.organisation.id);
  const here = `/app/collaboration/${actionId}`;
  return handleForm(
    args.request,
    companyDetailSchema,
    async (input, _raw, files) => {
      const { db } = args.context;
      const actor = actorOf(args, auth.user);
      switch (input.intent) {
        case "request":
          await requestConfirmation(db, actor, auth.organisation.id, actionId, input.revision);
          return redirect(`${here}?notice=collab_requested`);
        case "comment":
          await addActionComment(db, actor, auth.organisation.id, actionId, input.body);
          return redirect(`${here}?notice=collab_comment_added#comments`);
        case "file":
          await addActionFile(db, actor, auth.organisation.id, actionId, await readUpload(files));
          return redirect(`${here}?notice=collab_file_added#files`);
        case "remove_file":
          await removeActionFile(db, actor, auth.organisation.id, actionId, input.fileId);
          return redirect(`${here}?notice=collab_file_removed#files`);
      }
    },
    { maxBytes: MAX_EVIDENCE_BYTES + 512 * 1024 },
  );
}

export default function ActionPage() {
  const { t } = useTranslation();
  const { detail, targetLabels, canManage, maxMb } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const a = detail.action;
  const base = `/app/collaboration/${a.id}`;
  const mayRequest = canManage && a.status === "done" && (a.confirmation === "none" || a.confirmation === "changes_requested");
  return (
    <>
      <p>
        <Link to="/app/collaboration">← {t("collab.heading")}</Link>
      </p>
      <h1>{a.title}</h1>
      <p>
        <ConfirmationBadge confirmation={a.confirmation} /> <span className="muted small">{t(`collabConfirmationHelp.${a.confirmation}`)}</span>
      </p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {canManage && (
        <div className="actions">
          <Link to={`${base}/edit`} className="button secondary">
            {t("collab.edit")}
          </Link>
          {mayRequest && (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="request" />
              <input type="hidden" name="revision" value={a.revision} />
              <button type="submit">{t("collab.requestConfirmation")}</button>
            </Form>
          )}
        </div>
      )}
      {canManage && a.status !== "done" && a.confirmation !== "confirmed" && <p className="muted small">{t("collab.requestWhenDone")}</p>}
      <ActionSections
        detail={detail}
        base={base}
        targetLabels={targetLabels}
        canChange={canManage}
        canComment={canManage}
        commentError={reply?.fieldErrors?.body}
        upload={
          canManage && (
            <Form method="post" encType="multipart/form-data" className="stack">
              <input type="hidden" name="intent" value="file" />
              <Field label={t("collab.file")} hint={t("evidence.fileHint", { mb: maxMb })} error={reply?.fieldErrors?.file}>
                {(aria) => <input {...aria} type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt" required />}
              </Field>
              <div className="actions">
                <button type="submit" className="secondary">
                  {t("collab.upload")}
                </button>
              </div>
            </Form>
          )
        }
      />
    </>
  );
}
