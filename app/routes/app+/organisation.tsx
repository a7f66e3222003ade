import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, Notice, useAppForm } from "~/components/forms";
import { OrganisationFields } from "~/components/organisation-fields";
import { OrganisationFacts, StatusHistory } from "~/components/organisation";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { countryName } from "~/modules/organisations/countries";
import { getStatusHistory, updateOrganisationProfile } from "~/modules/organisations/organisations.server";
import { profileSchema } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { revalidateAfterConflict } from "~/utils/revalidate";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "organisationPage.title");

/** A conflict (409) reads the page again: the form then carries the current version (ADR 18). */
export const shouldRevalidate = revalidateAfterConflict;

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "organisation.view");
  const history = await getStatusHistory(args.context.db, auth.organisation.id);
  return {
    organisation: auth.organisation,
    countryName: countryName(auth.organisation.country, await getLanguage(args.request)),
    canEdit: can(auth.membership.roles, "organisation.edit", auth.organisation.status),
    history: history.map((h) => ({ id: h.id, to: h.to, at: h.at, reason: h.reason })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "organisation.edit");
  return handleForm(args.request, profileSchema, async (input) => {
    await updateOrganisationProfile(args.context.db, actorOf(args, auth.user), auth.organisation.id, input);
    return redirect("/app/organisation?notice=saved");
  });
}

export default function OrganisationPage() {
  const { t } = useTranslation();
  const { organisation, countryName, canEdit, history } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(profileSchema, {
    reply,
    defaultValues: {
      organisationName: organisation.name,
      industry: organisation.industry,
      website: organisation.website ?? "",
      sizeBand: organisation.sizeBand,
    },
  });
  return (
    <>
      <h1>{t("organisationPage.title")}</h1>
      <Notice code={params.get("notice")} />
      <OrganisationFacts organisation={organisation} countryName={countryName} />

      {canEdit && (
        <section aria-labelledby="edit">
          <h2 id="edit">{t("organisationPage.edit")}</h2>
          <p className="muted">{t("organisationPage.identityHint")}</p>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <input type="hidden" name="baseVersion" value={organisation.profileVersion} />
            <OrganisationFields register={register} errorFor={errorFor} />
            <div className="actions">
              <button type="submit">{t("actions.save")}</button>
            </div>
          </Form>
        </section>
      )}

      <StatusHistory history={history} />
    </>
  );
}
