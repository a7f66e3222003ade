import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionForm } from "~/components/collaboration";
import { asReply } from "~/components/forms";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { ACTIVE_STATUSES } from "~/modules/auth/permissions";
import { createAction } from "~/modules/collaboration/collaboration.server";
import { staffNewActionSchema, toContent } from "~/modules/collaboration/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffCollab.newOnBehalf");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  const organisations = await args.context.db.selectFrom("organisation").select(["id", "name"]).where("status", "in", ACTIVE_STATUSES).orderBy("name").execute();
  const asked = new URL(args.request.url).searchParams.get("organisationId") ?? "";
  return { organisations, organisationId: organisations.some((o) => o.id === asked) ? asked : "" };
}

/** NGO staff record an action for a company: it is marked as recorded on the company's behalf. */
export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.collab.review");
  return handleForm(args.request, staffNewActionSchema, async ({ targets, organisationId, ...fields }) => {
    const id = await createAction(args.context.db, actorOf(args, auth.user), organisationId, toContent(fields), targets, { onBehalf: true });
    return redirect(`/staff/collaboration/${id}?notice=collab_created`);
  });
}

export default function NewOnBehalf() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <p>
        <Link to="/staff/collaboration">← {t("staffCollab.title")}</Link>
      </p>
      <h1>{t("staffCollab.newOnBehalf")}</h1>
      <p className="lead">{t("staffCollab.newOnBehalfIntro")}</p>
      <ActionForm schema={staffNewActionSchema} reply={reply} defaults={{ organisationId: d.organisationId }} organisations={d.organisations} targets={[]} submitLabel={t("collab.save")} />
    </>
  );
}
