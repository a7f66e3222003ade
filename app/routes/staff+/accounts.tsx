import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, InputField, Notice, SelectField, useAppForm } from "~/components/forms";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { STAFF_ROLES } from "~/modules/auth/permissions";
import { changeStaffRole, createStaffAccount, listStaff, setStaffDisabled } from "~/modules/staff/staff.server";
import { createStaffSchema, staffAccountsActionSchema } from "~/modules/staff/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { revalidateAfterConflict } from "~/utils/revalidate";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAccounts.title");

/** A conflict (409) reads the page again: the form then carries the current version (ADR 18). */
export const shouldRevalidate = revalidateAfterConflict;

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.accounts.manage");
  return { staff: await listStaff(args.context.db), me: auth.user.id };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.accounts.manage");
  const { db } = args.context;
  const actor = actorOf(args, auth.user);
  return handleForm(args.request, staffAccountsActionSchema, async (input) => {
    if (input.intent === "create") {
      await createStaffAccount(db, actor, { ...input, locale: auth.user.locale });
      return redirect("/staff/accounts?notice=staff_created");
    }
    if (input.intent === "set_role") await changeStaffRole(db, actor, input.userId, input.role, input.baseVersion);
    else await setStaffDisabled(db, actor, input.userId, input.intent === "disable", input.baseVersion);
    return redirect("/staff/accounts?notice=staff_updated");
  });
}

export default function StaffAccounts() {
  const { t } = useTranslation();
  const { staff, me } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(createStaffSchema, { reply, defaultValues: { intent: "create", role: "staff" } });
  return (
    <>
      <h1>{t("staffAccounts.title")}</h1>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply?.values?.intent === "create" ? undefined : reply} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("fields.name")}</th>
              <th scope="col">{t("fields.email")}</th>
              <th scope="col">{t("staffAccounts.role")}</th>
              <th scope="col">{t("members.twoFactor")}</th>
              <th scope="col">{t("fields.status")}</th>
              <th scope="col">{t("members.manage")}</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className="mono">{s.email}</td>
                <td>{t(`staffRoles.${s.role}`)}</td>
                <td>{s.twoFactor ? t("common.yes") : t("common.no")}</td>
                <td>{s.disabled ? t("staffAccounts.disabled") : s.pending ? t("staffAccounts.pending") : t("staffAccounts.active")}</td>
                <td>
                  {s.id !== me && (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="userId" value={s.id} />
                      <input type="hidden" name="baseVersion" value={s.version} />
                      <input type="hidden" name="role" value={s.role === "staff" ? "staff_admin" : "staff"} />
                      <button type="submit" name="intent" value="set_role" className="secondary">
                        {s.role === "staff" ? t("staffAccounts.makeAdmin") : t("staffAccounts.makeStaff")}
                      </button>
                      <button type="submit" name="intent" value={s.disabled ? "enable" : "disable"} className={s.disabled ? "secondary" : "danger"}>
                        {s.disabled ? t("staffAccounts.enable") : t("staffAccounts.disable")}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="create">
        <h2 id="create">{t("staffAccounts.create")}</h2>
        <p className="muted">{t("staffAccounts.createHint")}</p>
        <FormAlert reply={reply?.values?.intent === "create" ? reply : undefined} />
        <Form {...formProps} className="stack">
          <input type="hidden" name="intent" value="create" />
          <InputField label={t("fields.name")} required registration={register("name")} error={errorFor("name")} />
          <InputField label={t("fields.email")} type="email" required registration={register("email")} error={errorFor("email")} />
          <SelectField
            label={t("staffAccounts.role")}
            registration={register("role")}
            error={errorFor("role")}
            options={STAFF_ROLES.map((r) => ({ value: r, label: t(`staffRoles.${r}`) }))}
          />
          <div className="actions">
            <button type="submit">{t("staffAccounts.createSubmit")}</button>
          </div>
        </Form>
      </section>
    </>
  );
}
