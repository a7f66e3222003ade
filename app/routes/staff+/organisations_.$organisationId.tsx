import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, Notice } from "~/components/forms";
import { MembersTable, OrganisationFacts, StatusHistory } from "~/components/organisation";
import { StatusBadge } from "~/components/status";
import { AssessmentStatusBadge, ScoreText } from "~/components/assessment";
import { ReportTable } from "~/components/reports";
import { listAssessments } from "~/modules/assessments/assessments.server";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { staffCan } from "~/modules/auth/permissions";
import { getHashlistAccess, setHashlistGrants } from "~/modules/hashlist/access.server";
import { listHashLists } from "~/modules/hashlist/lists.server";
import { grantListsSchema } from "~/modules/hashlist/staff-schema";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { listMembers } from "~/modules/members/members.server";
import { countryName } from "~/modules/organisations/countries";
import { allowedDecisions, decideOrganisation, getOrganisation, getStatusHistory } from "~/modules/organisations/organisations.server";
import { statusDecisionSchema } from "~/modules/organisations/schema";
import { listReports } from "~/modules/reports/reports.server";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import type { MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { z } from "~/utils/zod";
import { revalidateAfterConflict } from "~/utils/revalidate";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, null, {}, data?.organisation.name);

async function load(args: LoaderFunctionArgs) {
  const organisation = await getOrganisation(args.context.db, args.params.organisationId ?? "");
  if (!organisation) throw httpError(404, "not_found");
  return organisation;
}

/** A conflict (409) reads the page again: the form then carries the current version (ADR 18). */
export const shouldRevalidate = revalidateAfterConflict;

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.organisations.view");
  const organisation = await load(args);
  const { db } = args.context;
  const [members, history, assessments, access, lists, reports] = await Promise.all([
    listMembers(db, organisation.id),
    getStatusHistory(db, organisation.id),
    listAssessments(db, organisation.id),
    getHashlistAccess(db, organisation.id),
    listHashLists(db),
    staffCan(auth.user.staffRole, "staff.reports.view") ? listReports(db, organisation.id) : Promise.resolve(null),
  ]);
  const language = toLanguage(await getLanguage(args.request));
  const country = countryName(organisation.country, language);
  return {
    organisation,
    country,
    members,
    history,
    assessments,
    reports,
    decisions: allowedDecisions(organisation.status),
    hashlists: {
      approved: access.approved,
      active: access.active,
      agreement: access.agreement ? { version: access.agreement.version, title: access.agreement.title[language] } : null,
      accepted: access.accepted,
      acceptedEarlier: access.acceptedEarlier,
      granted: access.granted.map((l) => ({ id: l.id, slug: l.slug, name: l.name[language] })),
      canGrant: staffCan(auth.user.staffRole, "staff.hashlists.grant"),
      grantsVersion: access.grantsVersion,
      grantable: lists.filter((l) => !l.isTest).map((l) => ({ id: l.id, slug: l.slug, name: l.name[language], liveCount: l.liveCount })),
    },
  };
}

/** A decision on the organisation's status, or the hash lists it may use. */
const actionSchema = z.discriminatedUnion("intent", [statusDecisionSchema, grantListsSchema]);

export async function action(args: ActionFunctionArgs) {
  // Staff who may view the organisation; each intent then needs its own permission.
  const auth = await requireStaff(args, "staff.organisations.view");
  const organisation = await load(args);
  return handleForm(args.request, actionSchema, async (input) => {
    const actor = actorOf(args, auth.user);
    if (input.intent === "grant_lists") {
      if (!staffCan(auth.user.staffRole, "staff.hashlists.grant")) throw new AppError("forbidden", 403);
      await setHashlistGrants(args.context.db, actor, organisation.id, input.lists, input.baseVersion);
      return redirect(`/staff/organisations/${organisation.id}?notice=hashlist_grants_saved#hashlists`);
    }
    if (!staffCan(auth.user.staffRole, "staff.organisations.decide")) throw new AppError("forbidden", 403);
    await decideOrganisation(args.context.db, actor, organisation.id, input.intent, input.reason);
    return redirect(`/staff/organisations/${organisation.id}?notice=decision_${input.intent}`);
  });
}

export default function StaffOrganisation() {
  const { t, i18n } = useTranslation();
  const { organisation, country, members, history, assessments, reports, decisions, hashlists } = useLoaderData<typeof loader>();
  const actionReply = asReply(useActionData<typeof action>());
  const grantReply = actionReply?.values?.intent === "grant_lists" ? actionReply : undefined;
  const reply = grantReply ? undefined : actionReply;
  const [params] = useSearchParams();
  const reasonError = reply?.fieldErrors?.reason;
  const granted = new Set(hashlists.granted.map((l) => l.id));
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

      {reports && (
        <section aria-labelledby="reports">
          <h2 id="reports">{t("reports.title")}</h2>
          {reports.length === 0 ? <p className="muted">{t("reports.none")}</p> : <ReportTable reports={reports} base="/staff/reports" />}
        </section>
      )}

      <section aria-labelledby="hashlists">
        <h2 id="hashlists">{t("staffHashlists.access")}</h2>
        <p>
          {hashlists.active ? <span className="badge approved">{t("staffHashlists.accessActive")}</span> : <span className="badge suspended">{t("staffHashlists.accessInactive")}</span>}
        </p>
        <div className="panel">
          <dl className="facts">
            <dt>{t("staffHashlists.gateApproved")}</dt>
            <dd>{hashlists.approved ? t("common.yes") : t("common.no")}</dd>
            <dt>{t("staffHashlists.gateAgreement")}</dt>
            <dd>
              {!hashlists.agreement
                ? t("staffHashlists.noAgreement")
                : hashlists.accepted
                  ? t("staffHashlists.agreementAccepted", { version: hashlists.agreement.version, name: hashlists.accepted.byName, date: formatDateTime(hashlists.accepted.at, i18n.language) })
                  : t("staffHashlists.agreementNotAccepted", { version: hashlists.agreement.version })}
              {hashlists.agreement && !hashlists.accepted && hashlists.acceptedEarlier && (
                <>
                  {" "}
                  <span className="muted small">
                    {t("staffHashlists.agreementAcceptedEarlier", { version: hashlists.acceptedEarlier.version, date: formatDateTime(hashlists.acceptedEarlier.at, i18n.language) })}
                  </span>
                </>
              )}
            </dd>
            <dt>{t("staffHashlists.gateGranted")}</dt>
            <dd>
              {hashlists.granted.length === 0
                ? t("staffHashlists.grantedNoLists")
                : hashlists.granted.map((l, i) => (
                    <span key={l.id}>
                      {i > 0 && ", "}
                      <Link to={`/staff/hashlists/${l.id}`}>{l.name}</Link>
                    </span>
                  ))}
            </dd>
          </dl>
        </div>
        {hashlists.canGrant && (
          <>
            <FormAlert reply={grantReply} />
            {hashlists.grantable.length === 0 ? (
              <p className="muted">
                {t("staffHashlists.noListsToGrant")} <Link to="/staff/hashlists">{t("staffHashlists.title")}</Link>
              </p>
            ) : (
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="intent" value="grant_lists" />
                <input type="hidden" name="baseVersion" value={hashlists.grantsVersion} />
                <fieldset>
                  <legend>{t("staffHashlists.grantLegend")}</legend>
                  <span className="hint muted">{hashlists.approved ? t("staffHashlists.grantHint") : t("staffHashlists.grantNotApproved")}</span>
                  <div className="checks">
                    {hashlists.grantable.map((l) => (
                      <div className="check" key={l.id}>
                        <input type="checkbox" id={`grant-${l.id}`} name="lists" value={l.id} defaultChecked={granted.has(l.id)} />
                        <label htmlFor={`grant-${l.id}`}>
                          {l.name} <span className="mono small muted">{l.slug}</span>
                        </label>
                      </div>
                    ))}
                  </div>
                </fieldset>
                <div className="actions">
                  <button type="submit">{t("staffHashlists.grantSubmit")}</button>
                </div>
              </Form>
            )}
          </>
        )}
      </section>

      <StatusHistory history={history} />
      <p>
        <Link to={`/staff/collaboration?organisationId=${organisation.id}`}>{t("staffCollab.ofOrganisation")}</Link>
      </p>
      <p>
        <Link to={`/staff/audit?organisation=${organisation.id}`}>{t("staffOrg.auditLink")}</Link>
      </p>
    </>
  );
}
