import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionSections, ConfirmationBadge } from "~/components/collaboration";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { addActionComment, askForChanges, confirmAction, getAction, loadAction } from "~/modules/collaboration/collaboration.server";
import { staffDetailSchema } from "~/modules/collaboration/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.detail.action.title);

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  return { detail: await getAction(args.context.db, args.params.actionId ?? "", null) };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.collab.review");
  const actionId = args.params.actionId ?? "";
  // Not found is an answer of its own (404), before any form is read.
  await loadAction(args.context.db, actionId, null);
  const here = `/staff/collaboration/${actionId}`;
  return handleForm(args.request, staffDetailSchema, async (input) => {
    const { db } = args.context;
    const actor = actorOf(args, auth.user);
    switch (input.intent) {
      case "confirm":
        await confirmAction(db, actor, actionId, input.revision, input.body);
        return redirect(`${here}?notice=collab_confirmed`);
      case "ask_changes":
        await askForChanges(db, actor, actionId, input.revision, input.body);
        return redirect(`${here}?notice=collab_changes_asked`);
      case "comment":
        await addActionComment(db, actor, null, actionId, input.body);
        return redirect(`${here}?notice=collab_comment_added#comments`);
    }
  });
}

export default function StaffActionPage() {
  const { t } = useTranslation();
  const { detail } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const a = detail.action;
  const base = `/staff/collaboration/${a.id}`;
  return (
    <>
      <p>
        <Link to="/staff/collaboration">← {t("staffCollab.title")}</Link>
      </p>
      <h1>{a.title}</h1>
      <p>
        <ConfirmationBadge confirmation={a.confirmation} /> <span className="muted small">{a.organisationName}</span>
      </p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {a.confirmation === "requested" && (
        <section aria-labelledby="decide" className="panel">
          <h2 id="decide">{t("staffCollab.decision")}</h2>
          <p>{t("staffCollab.decisionHelp", { revision: a.revision })}</p>
          <div className="twocol">
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="revision" value={a.revision} />
              <Field label={t("staffCollab.confirmComment")}>{(aria) => <textarea {...aria} name="body" maxLength={4000} />}</Field>
              <div className="actions">
                <button type="submit">{t("staffCollab.confirm")}</button>
              </div>
            </Form>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="ask_changes" />
              <input type="hidden" name="revision" value={a.revision} />
              <Field label={t("staffCollab.changesComment")} error={reply?.fieldErrors?.body}>
                {(aria) => <textarea {...aria} name="body" maxLength={4000} required />}
              </Field>
              <div className="actions">
                <button type="submit" className="secondary">
                  {t("staffCollab.askChanges")}
                </button>
              </div>
            </Form>
          </div>
        </section>
      )}
      <ActionSections detail={detail} base={base} targetLabels={{}} canChange={false} canComment />
    </>
  );
}
