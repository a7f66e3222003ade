import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, Notice, useAppForm } from "~/components/forms";
import { OrganisationFields } from "~/components/organisation-fields";
import { formatDate, StatusBadge } from "~/components/status";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { countryName } from "~/modules/organisations/countries";
import { getStatusHistory, updateOrganisationProfile } from "~/modules/organisations/organisations.server";
import { profileSchema } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "organisationPage.title");

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
  const { t, i18n } = useTranslation();
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
      <div className="panel">
        <dl className="facts">
          <dt>{t("fields.organisationName")}</dt>
          <dd>{organisation.name}</dd>
          <dt>{t("fields.orgNumber")}</dt>
          <dd>
            {organisation.orgNumber} ({countryName})
          </dd>
          <dt>{t("fields.industry")}</dt>
          <dd>{t(`industries.${organisation.industry}`)}</dd>
          <dt>{t("fields.sizeBand")}</dt>
          <dd>{t("sizeBands.label", { band: organisation.sizeBand })}</dd>
          <dt>{t("fields.website")}</dt>
          <dd>{organisation.website ? <a href={organisation.website} rel="noopener noreferrer">{organisation.website}</a> : "–"}</dd>
          <dt>{t("fields.status")}</dt>
          <dd>
            <StatusBadge status={organisation.status} />
          </dd>
          <dt>{t("organisationPage.registered")}</dt>
          <dd>{formatDate(organisation.createdAt, i18n.language)}</dd>
        </dl>
      </div>

      {canEdit && (
        <section aria-labelledby="edit">
          <h2 id="edit">{t("organisationPage.edit")}</h2>
          <p className="muted">{t("organisationPage.identityHint")}</p>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <OrganisationFields register={register} errorFor={errorFor} />
            <div className="actions">
              <button type="submit">{t("actions.save")}</button>
            </div>
          </Form>
        </section>
      )}

      <section aria-labelledby="history">
        <h2 id="history">{t("organisationPage.history")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fields.date")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col">{t("fields.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>{formatDate(h.at, i18n.language)}</td>
                  <td>
                    <StatusBadge status={h.to} />
                  </td>
                  <td>{h.reason ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
