import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, useAppForm } from "~/components/forms";
import { RolesField } from "~/components/organisation";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { changeMemberRoles, listMembers, removeMember } from "~/modules/members/members.server";
import { changeRolesSchema, memberActionSchema } from "~/modules/members/schema";
import { handleForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { revalidateAfterConflict } from "~/utils/revalidate";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.member.name);

async function memberOf(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "members.manage");
  // Only a member of the admin's own organisation can be found here: another organisation's
  // membership id is "not found", exactly like an id that does not exist.
  const member = (await listMembers(args.context.db, auth.organisation.id)).find((m) => m.id === args.params.membershipId);
  if (!member) throw httpError(404, "not_found");
  return { auth, member };
}

/** A conflict (409) reads the page again: the form then carries the current version (ADR 18). */
export const shouldRevalidate = revalidateAfterConflict;

export async function loader(args: LoaderFunctionArgs) {
  const { member, auth } = await memberOf(args);
  return { member, isSelf: member.userId === auth.user.id };
}

export async function action(args: ActionFunctionArgs) {
  const { auth, member } = await memberOf(args);
  const { db } = args.context;
  const actor = actorOf(args, auth.user);
  return handleForm(args.request, memberActionSchema, async (input) => {
    if (input.intent === "remove") {
      await removeMember(db, actor, auth.organisation.id, member.id);
      return redirect(member.userId === auth.user.id ? "/app" : "/app/members?notice=member_removed");
    }
    await changeMemberRoles(db, actor, auth.organisation.id, member.id, input.roles, input.baseVersion);
    return redirect("/app/members?notice=roles_changed");
  });
}

export default function EditMember() {
  const { t } = useTranslation();
  const { member, isSelf } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const { register, checked, formProps, errorFor } = useAppForm(changeRolesSchema, { reply, defaultValues: { intent: "change_roles", roles: member.roles } });
  return (
    <>
      <p>
        <Link to="/app/members">← {t("members.back")}</Link>
      </p>
      <h1>{member.name}</h1>
      <p className="mono">{member.email}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <input type="hidden" name="intent" value="change_roles" />
        <input type="hidden" name="baseVersion" value={member.version} />
        <RolesField register={register} checked={checked} error={errorFor("roles")} />
        <div className="actions">
          <button type="submit">{t("members.saveRoles")}</button>
        </div>
      </Form>
      <section aria-labelledby="remove">
        <h2 id="remove">{isSelf ? t("members.leaveTitle") : t("members.removeTitle")}</h2>
        <p>{isSelf ? t("members.leaveText") : t("members.removeText", { name: member.name })}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="remove" />
          <button type="submit" className="danger">
            {isSelf ? t("members.leave") : t("members.remove")}
          </button>
        </Form>
      </section>
    </>
  );
}
