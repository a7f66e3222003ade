import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { addGapsToPlan, addPlanItem, addPlanNote, listPlan, updatePlanItem } from "~/modules/assessments/plan.server";
import { PLAN_STATUSES_LIST } from "~/modules/assessments/plan-statuses";
import { planActionSchema } from "~/modules/assessments/schema";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { listMembers } from "~/modules/members/members.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDate, formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "plan.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "plan.view");
  const [items, members] = await Promise.all([listPlan(args.context.db, auth.organisation.id), listMembers(args.context.db, auth.organisation.id)]);
  return {
    items,
    members: members.map((m) => ({ id: m.userId, name: m.name })),
    canManage: can(auth.membership.roles, "plan.manage", auth.organisation.status),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "plan.manage");
  const { db } = args.context;
  return handleForm(args.request, planActionSchema, async (input) => {
    const actor = actorOf(args, auth.user);
    switch (input.intent) {
      case "add":
        await addPlanItem(db, actor, auth.organisation.id, { action: input.action, ownerUserId: input.ownerUserId || null, dueDate: input.dueDate ?? null });
        return redirect("/app/plan?notice=plan_item_added");
      case "update":
        await updatePlanItem(db, actor, auth.organisation.id, input.itemId, {
          action: input.action,
          ownerUserId: input.ownerUserId || null,
          dueDate: input.dueDate ?? null,
          status: input.status,
          baseVersion: input.baseVersion,
        });
        return redirect(`/app/plan?notice=plan_item_updated#${input.itemId}`);
      case "note":
        await addPlanNote(db, actor, auth.organisation.id, input.itemId, input.body);
        return redirect(`/app/plan?notice=plan_note_added#${input.itemId}`);
      case "from_gaps": {
        const count = await addGapsToPlan(db, actor, auth.organisation.id, input.assessmentId, await getLanguage(args.request));
        return redirect(`/app/plan?notice=${count ? "plan_from_gaps" : "plan_nothing_new"}`);
      }
    }
  });
}

export default function Plan() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const owners = [{ id: "", name: t("plan.noOwner") }, ...d.members];
  return (
    <>
      <h1>{t("plan.title")}</h1>
      <p className="lead">{t("plan.intro")}</p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      {d.items.length === 0 && <p>{t("plan.empty")}</p>}
      {d.items.map((item) => (
        <article key={item.id} id={item.id} className="panel" aria-labelledby={`item-${item.id}`}>
          <h2 id={`item-${item.id}`}>
            {item.action}
          </h2>
          <p className="muted small">
            {t(`planStatus.${item.status}`)}
            {item.ownerName && ` · ${t("plan.owner")}: ${item.ownerName}`}
            {item.dueDate && ` · ${t("plan.due")}: ${formatDate(Date.parse(`${item.dueDate}T12:00:00Z`), i18n.language)}`}
            {item.sourceYear && ` · ${t("plan.fromYear", { year: item.sourceYear })}`}
            {item.questionId && (
              <>
                {" "}
                · <span className="mono">{item.questionId}</span>
              </>
            )}
          </p>
          {item.notes.map((n) => (
            <div className="comment company" key={n.id}>
              <p className="small muted">
                {n.authorName ?? "–"} · {formatDateTime(n.createdAt, i18n.language)}
              </p>
              <p>{n.body}</p>
            </div>
          ))}
          {d.canManage && (
            <details>
              <summary>{t("plan.edit")}</summary>
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="itemId" value={item.id} />
                <input type="hidden" name="baseVersion" value={item.version} />
                <Field label={t("plan.action")}>{(aria) => <textarea {...aria} name="action" defaultValue={item.action} maxLength={1000} required />}</Field>
                <div className="grid-2">
                  <Field label={t("fields.status")}>
                    {(aria) => (
                      <select {...aria} name="status" defaultValue={item.status}>
                        {PLAN_STATUSES_LIST.map((s) => (
                          <option key={s} value={s}>
                            {t(`planStatus.${s}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t("plan.owner")}>
                    {(aria) => (
                      <select {...aria} name="ownerUserId" defaultValue={item.ownerUserId ?? ""}>
                        {owners.map((o) => (
                          <option key={o.id} value={o.id}>
                            {o.name}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t("plan.due")}>{(aria) => <input {...aria} type="date" name="dueDate" defaultValue={item.dueDate ?? ""} />}</Field>
                </div>
                <div className="actions">
                  <button type="submit">{t("actions.save")}</button>
                </div>
              </Form>
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="note" />
                <input type="hidden" name="itemId" value={item.id} />
                <Field label={t("plan.note")}>{(aria) => <textarea {...aria} name="body" maxLength={4000} required />}</Field>
                <div className="actions">
                  <button type="submit" className="secondary">
                    {t("plan.addNote")}
                  </button>
                </div>
              </Form>
            </details>
          )}
        </article>
      ))}
      {d.canManage && (
        <section aria-labelledby="add">
          <h2 id="add">{t("plan.add")}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="add" />
            <Field label={t("plan.action")} error={reply?.fieldErrors?.action}>{(aria) => <textarea {...aria} name="action" maxLength={1000} required />}</Field>
            <div className="grid-2">
              <Field label={t("plan.owner")}>
                {(aria) => (
                  <select {...aria} name="ownerUserId" defaultValue="">
                    {owners.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("plan.due")} error={reply?.fieldErrors?.dueDate}>{(aria) => <input {...aria} type="date" name="dueDate" />}</Field>
            </div>
            <div className="actions">
              <button type="submit">{t("plan.addSubmit")}</button>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}
