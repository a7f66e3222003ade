import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionForm, formValuesOf } from "~/components/collaboration";
import { asReply } from "~/components/forms";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { getAction, loadAction, targetChoices, updateAction } from "~/modules/collaboration/collaboration.server";
import { editActionSchema, toContent } from "~/modules/collaboration/schema";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "collab.edit");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.manage");
  const detail = await getAction(args.context.db, args.params.actionId ?? "", auth.organisation.id);
  return {
    id: detail.action.id,
    title: detail.action.title,
    confirmation: detail.action.confirmation,
    revision: detail.action.revision,
    values: formValuesOf(detail.action, detail.targets),
    targets: await targetChoices(args.context.db, auth.organisation.id, await getLanguage(args.request)),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "collab.manage");
  const actionId = args.params.actionId ?? "";
  // Another organisation's action is not found (404), before any form is read.
  await loadAction(args.context.db, actionId, auth.organisation.id);
  return handleForm(args.request, editActionSchema, async ({ targets, baseRevision, ...fields }) => {
    const result = await updateAction(args.context.db, actorOf(args, auth.user), auth.organisation.id, actionId, toContent(fields), targets, baseRevision);
    const notice = !result.changed ? "collab_unchanged" : result.confirmation === "requested" ? "collab_updated_reconfirm" : "collab_updated";
    return redirect(`/app/collaboration/${actionId}?notice=${notice}`);
  });
}

export default function EditAction() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <p>
        <Link to={`/app/collaboration/${d.id}`}>← {d.title}</Link>
      </p>
      <h1>{t("collab.edit")}</h1>
      {d.confirmation === "confirmed" && (
        <div className="message info">
          <p>{t("collab.editConfirmed")}</p>
        </div>
      )}
      <ActionForm schema={editActionSchema} reply={reply} defaults={d.values} hidden={{ baseRevision: String(d.revision) }} targets={d.targets} submitLabel={t("collab.save")} />
    </>
  );
}
