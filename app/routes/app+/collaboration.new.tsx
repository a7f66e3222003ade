import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionForm } from "~/components/collaboration";
import { asReply } from "~/components/forms";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { createAction, targetChoices } from "~/modules/collaboration/collaboration.server";
import { actionFields, toContent } from "~/modules/collaboration/schema";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "collab.new");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.manage");
  return { targets: await targetChoices(args.context.db, auth.organisation.id, await getLanguage(args.request)) };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "collab.manage");
  return handleForm(args.request, actionFields, async ({ targets, ...fields }) => {
    const id = await createAction(args.context.db, actorOf(args, auth.user), auth.organisation.id, toContent(fields), targets);
    return redirect(`/app/collaboration/${id}?notice=collab_created`);
  });
}

export default function NewAction() {
  const { t } = useTranslation();
  const { targets } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <p>
        <Link to="/app/collaboration">← {t("collab.heading")}</Link>
      </p>
      <h1>{t("collab.new")}</h1>
      <p className="lead">{t("collab.newIntro")}</p>
      <ActionForm schema={actionFields} reply={reply} targets={targets} submitLabel={t("collab.save")} />
    </>
  );
}
