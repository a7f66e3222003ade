import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { MembersTable, OrganisationFacts, StatusHistory } from "~/components/organisation";
import { StatusBadge } from "~/components/status";
import { AssessmentStatusBadge, ScoreText } from "~/components/assessment";
import { listAssessments } from "~/modules/assessments/assessments.server";
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
  const [members, history, assessments] = await Promise.all([listMembers(db, organisation.id), getStatusHistory(db, organisation.id), listAssessments(db, organisation.id)]);
  const country = countryName(organisation.country, await getLanguage(args.request));
  return { organisation, country, members, history, assessments, decisions: allowedDecisions(organisation.status) };
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
  const { t } = useTranslation();
  const { organisation, country, members, history, assessments, decisions } = useLoaderData<typeof loader>();
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
      <OrganisationFacts organisation={organisation} countryName={country} />

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
        <MembersTable members={members} />
      </section>

      <section aria-labelledby="assessments">
        <h2 id="assessments">{t("staffAssessments.title")}</h2>
        {assessments.length === 0 ? (
          <p className="muted">{t("assessments.none")}</p>
        ) : (
          <ul>
            {assessments.map((a) => (
              <li key={a.id}>
                <Link to={`/staff/assessments/${a.id}`}>{t("assessments.ofYear", { year: a.year })}</Link> <AssessmentStatusBadge status={a.status} /> <ScoreText score={a.score} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <StatusHistory history={history} />
      <p>
        <Link to={`/staff/audit?organisation=${organisation.id}`}>{t("staffOrg.auditLink")}</Link>
      </p>
    </>
  );
}
