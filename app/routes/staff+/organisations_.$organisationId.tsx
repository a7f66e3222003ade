import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { formatDate, formatDateTime, StatusBadge } from "~/components/status";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { listMembers } from "~/modules/members/members.server";
import { countryName } from "~/modules/organisations/countries";
import { allowedDecisions, decideOrganisation, getOrganisation, getStatusHistory } from "~/modules/organisations/organisations.server";
import { statusDecisionSchema } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.organisation.name);

async function load(args: LoaderFunctionArgs) {
  const organisation = await getOrganisation(args.context.db, args.params.organisationId ?? "");
  if (!organisation) throw httpError(404, "not_found");
  return organisation;
}

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.organisations.view");
  const organisation = await load(args);
  const { db } = args.context;
  const [members, history] = await Promise.all([listMembers(db, organisation.id), getStatusHistory(db, organisation.id)]);
  const country = countryName(organisation.country, await getLanguage(args.request));
  return { organisation, country, members, history, decisions: allowedDecisions(organisation.status) };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.organisations.decide");
  const organisation = await load(args);
  return handleForm(args.request, statusDecisionSchema, async (input) => {
    await decideOrganisation(args.context.db, actorOf(args, auth.user), organisation.id, input.intent, input.reason);
    return redirect(`/staff/organisations/${organisation.id}?notice=decision_${input.intent}`);
  });
}

export default function StaffOrganisation() {
  const { t, i18n } = useTranslation();
  const { organisation, country, members, history, decisions } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const [params] = useSearchParams();
  const reasonError = reply?.fieldErrors?.reason;
  return (
    <>
      <p>
        <Link to="/staff/organisations">← {t("staffOrgs.title")}</Link>
      </p>
      <h1>
        {organisation.name} <StatusBadge status={organisation.status} />
      </h1>
      <Notice code={params.get("notice")} />
      <div className="panel">
        <dl className="facts">
          <dt>{t("fields.orgNumber")}</dt>
          <dd className="mono">
            {organisation.orgNumber} ({country})
          </dd>
          <dt>{t("fields.industry")}</dt>
          <dd>{t(`industries.${organisation.industry}`)}</dd>
          <dt>{t("fields.sizeBand")}</dt>
          <dd>{t("sizeBands.label", { band: organisation.sizeBand })}</dd>
          <dt>{t("fields.website")}</dt>
          <dd>{organisation.website ? <a href={organisation.website} rel="noopener noreferrer">{organisation.website}</a> : "–"}</dd>
          <dt>{t("organisationPage.registered")}</dt>
          <dd>{formatDate(organisation.createdAt, i18n.language)}</dd>
        </dl>
      </div>

      {decisions.length > 0 && (
        <section aria-labelledby="decide">
          <h2 id="decide">{t("staffOrg.decide")}</h2>
          <FormAlert reply={reply} />
          <Form method="post" className="stack" noValidate>
            <Field label={t("fields.reason")} hint={t("staffOrg.reasonHint")} error={reasonError}>
              {(aria) => <textarea {...aria} name="reason" aria-required="true" maxLength={1000} defaultValue={typeof reply?.values?.reason === "string" ? reply.values.reason : ""} />}
            </Field>
            <div className="actions">
              {decisions.map((d) => (
                <button key={d} type="submit" name="intent" value={d} className={d === "reject" || d === "suspend" || d === "offboard" ? "danger" : d === "start_review" ? "secondary" : undefined}>
                  {t(`decisions.${d}`)}
                </button>
              ))}
            </div>
          </Form>
        </section>
      )}

      <section aria-labelledby="members">
        <h2 id="members">{t("members.title")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fields.name")}</th>
                <th scope="col">{t("fields.email")}</th>
                <th scope="col">{t("fields.roles")}</th>
                <th scope="col">{t("members.twoFactor")}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <td>{m.name}</td>
                  <td className="mono">{m.email}</td>
                  <td>{m.roles.map((r) => t(`roles.${r}`)).join(", ")}</td>
                  <td>{m.twoFactor ? t("common.yes") : t("common.no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history">
        <h2 id="history">{t("organisationPage.history")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fields.date")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col">{t("staffOrg.by")}</th>
                <th scope="col">{t("fields.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}>
                  <td>{formatDateTime(h.at, i18n.language)}</td>
                  <td>
                    <StatusBadge status={h.to} />
                  </td>
                  <td>{h.actorName ?? "–"}</td>
                  <td>{h.reason ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          <Link to={`/staff/audit?organisation=${organisation.id}`}>{t("staffOrg.auditLink")}</Link>
        </p>
      </section>
    </>
  );
}
