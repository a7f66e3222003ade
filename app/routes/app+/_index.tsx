import type { MetaFunction } from "@remix-run/node";
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { formatDate, StatusBadge } from "~/components/status";
import { getOrgContext, requireUser } from "~/modules/auth/guards.server";
import { can, ROLES } from "~/modules/auth/permissions";
import { listAssessments } from "~/modules/assessments/assessments.server";
import { listApiKeys } from "~/modules/api-keys/api-keys.server";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import { listMembers, listPendingInvitations } from "~/modules/members/members.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "appHome.title");

/** The signed-in home of company users: their organisation's state and their own next steps. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  if (auth.user.staffRole) throw redirect("/staff");
  const org = await getOrgContext(args, auth);
  if (!org) return { state: "no_organisation" as const, user: { name: auth.user.name } };
  const { organisation, membership } = org;
  const { db } = args.context;
  const [members, invitations] = await Promise.all([listMembers(db, organisation.id), listPendingInvitations(db, organisation.id)]);
  const covered = new Set(members.flatMap((m) => m.roles));
  const steps: { key: string; to: string; params?: Record<string, string | number> }[] = [];
  if (!auth.user.totpEnabled) steps.push({ key: membership.roles.includes("engineer") ? "enable2faEngineer" : "enable2fa", to: "/account/two-factor" });
  if (can(membership.roles, "assessment.edit", organisation.status)) {
    const assessments = await listAssessments(db, organisation.id);
    const year = new Date().getUTCFullYear();
    const current = assessments.find((a) => a.year === year);
    if (!current) steps.push({ key: "startAssessment", to: "/app/assessments", params: { year } });
    else if (current.status === "returned") steps.push({ key: "returnedAssessment", to: `/app/assessments/${current.id}`, params: { year } });
    else if (current.status === "draft") steps.push({ key: "continueAssessment", to: `/app/assessments/${current.id}`, params: { year } });
  }
  const mayAccept = can(membership.roles, "agreement.accept", organisation.status);
  const mayCreateKeys = can(membership.roles, "apikeys.manage", organisation.status);
  if ((mayAccept || mayCreateKeys) && organisation.status === "approved") {
    const access = await getHashlistAccess(db, organisation.id);
    if (mayAccept && access.agreement && !access.accepted) steps.push({ key: access.acceptedEarlier ? "acceptNewAgreement" : "acceptAgreement", to: "/app/hashlist" });
    if (mayCreateKeys && access.active && !(await listApiKeys(db, organisation.id)).some((k) => k.state === "active")) steps.push({ key: "createApiKey", to: "/app/api-keys" });
  }
  if (can(membership.roles, "members.manage", organisation.status)) {
    if (members.length === 1 && invitations.length === 0) steps.push({ key: "inviteColleagues", to: "/app/members" });
    for (const role of ROLES.filter((r) => r !== "org_admin" && !covered.has(r))) steps.push({ key: `assignRole.${role}`, to: "/app/members" });
    if (invitations.some((i) => i.expired)) steps.push({ key: "expiredInvitations", to: "/app/members" });
    if (!organisation.website) steps.push({ key: "completeProfile", to: "/app/organisation" });
  }
  return {
    state: "member" as const,
    user: { name: auth.user.name },
    organisation: { name: organisation.name, status: organisation.status, statusReason: organisation.statusReason, statusChangedAt: organisation.statusChangedAt },
    roles: membership.roles,
    memberCount: members.length,
    pendingInvitations: invitations.filter((i) => !i.expired).length,
    steps,
  };
}

export default function AppHome() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  if (data.state === "no_organisation") {
    return (
      <>
        <h1>{t("appHome.greeting", { name: data.user.name })}</h1>
        <Notice code={params.get("notice")} />
        <div className="message info">
          <p>{t("appHome.noOrganisation")}</p>
        </div>
        <p>
          <Link className="button" to="/app/register-organisation">
            {t("appHome.registerOrganisation")}
          </Link>
        </p>
      </>
    );
  }
  const { organisation } = data;
  return (
    <>
      <h1>{t("appHome.greeting", { name: data.user.name })}</h1>
      <Notice code={params.get("notice")} />
      <section className="panel" aria-labelledby="org-status">
        <h2 id="org-status" className="visually-hidden">
          {t("appHome.statusTitle")}
        </h2>
        <p>
          <strong>{organisation.name}</strong> <StatusBadge status={organisation.status} />
        </p>
        <p>{t(`appHome.status.${organisation.status}`)}</p>
        {organisation.statusReason && ["suspended", "rejected", "offboarded"].includes(organisation.status) && (
          <p>
            {t("appHome.reason")}: {organisation.statusReason}
          </p>
        )}
        <p className="muted small">
          {t("appHome.since", { date: formatDate(organisation.statusChangedAt, i18n.language) })}
        </p>
      </section>

      <section aria-labelledby="next-steps">
        <h2 id="next-steps">{t("appHome.nextSteps")}</h2>
        {data.steps.length === 0 ? (
          <p>{t("appHome.noSteps")}</p>
        ) : (
          <ul className="cards">
            {data.steps.map((s) => (
              <li className="card highlight" key={s.key}>
                <h3>{t(`appHome.steps.${s.key}.title`, s.params)}</h3>
                <p>{t(`appHome.steps.${s.key}.text`, s.params)}</p>
                <Link to={s.to}>{t(`appHome.steps.${s.key}.action`)}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="your-roles">
        <h2 id="your-roles">{t("appHome.yourRoles")}</h2>
        <div className="cards">
          {data.roles.map((role) => (
            <div className="card" key={role}>
              <h3>{t(`roles.${role}`)}</h3>
              <p>{t(`roleDescriptions.${role}`)}</p>
            </div>
          ))}
        </div>
        <p className="muted">
          {t("appHome.memberSummary", { count: data.memberCount })}
          {data.pendingInvitations > 0 && ` ${t("appHome.pendingSummary", { count: data.pendingInvitations })}`}
        </p>
      </section>
    </>
  );
}
