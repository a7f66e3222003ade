import { Form, NavLink, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { can, staffCan, type Permission, type StaffPermission } from "~/modules/auth/permissions";
import type { RootData } from "~/root";

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

export function navigationFor(data: RootData | undefined): { to: string; key: string; end?: boolean }[] {
  if (!data?.user) return [];
  if (data.user.staffRole) {
    const items: { to: string; key: string; permission: StaffPermission; end?: boolean }[] = [
      { to: "/staff", key: "nav.applications", permission: "staff.organisations.view", end: true },
      { to: "/staff/organisations", key: "nav.organisations", permission: "staff.organisations.view" },
      { to: "/staff/assessments", key: "nav.staffAssessments", permission: "staff.assessments.review" },
      { to: "/staff/collaboration", key: "nav.collaboration", permission: "staff.collab.review" },
      { to: "/staff/reports", key: "nav.reports", permission: "staff.reports.view" },
      { to: "/staff/frameworks", key: "nav.frameworks", permission: "staff.frameworks.view" },
      { to: "/staff/hashlists", key: "staffHashlists.title", permission: "staff.hashlists.view" },
      { to: "/staff/audit", key: "nav.auditLog", permission: "staff.audit.view" },
      { to: "/staff/accounts", key: "nav.staffAccounts", permission: "staff.accounts.manage" },
      { to: "/staff/status", key: "ops.nav", permission: "staff.status.view" },
    ];
    return items.filter((i) => staffCan(data.user!.staffRole, i.permission));
  }
  if (!data.org) return [{ to: "/app", key: "nav.overview", end: true }];
  const items: { to: string; key: string; permission: Permission; end?: boolean }[] = [
    { to: "/app", key: "nav.overview", permission: "organisation.view", end: true },
    { to: "/app/assessments", key: "nav.assessments", permission: "assessment.view" },
    { to: "/app/plan", key: "nav.plan", permission: "plan.view" },
    { to: "/app/collaboration", key: "nav.collaboration", permission: "collab.view" },
    { to: "/app/reports", key: "nav.reports", permission: "reports.view" },
    { to: "/app/hashlist", key: "hashlistAccess.nav", permission: "hashlist.view" },
    { to: "/app/organisation", key: "nav.organisation", permission: "organisation.view" },
    { to: "/app/members", key: "nav.members", permission: "members.view" },
    { to: "/app/audit", key: "nav.auditLog", permission: "audit.view" },
  ];
  return items.filter((i) => can(data.org!.roles, i.permission));
}

function LanguageSwitch({ current }: { current: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const other = current === "en" ? "sv" : "en";
  return (
    <Form method="post" action="/lang" className="inline-form" reloadDocument>
      <input type="hidden" name="lng" value={other} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" className="link" lang={other}>
        {t(`language.switchTo.${other}`)}
      </button>
    </Form>
  );
}

export function SiteHeader({ data }: { data: RootData | undefined }) {
  const { t, i18n } = useTranslation();
  const items: NavItem[] = navigationFor(data).map((i) => ({ to: i.to, label: t(i.key), end: i.end }));
  const user = data?.user;
  const org = data?.org;
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("layout.skipToContent")}
      </a>
      <div className="bar">
        <a className="brand" href={user ? (user.staffRole ? "/staff" : "/app") : "/"}>
          <strong>Partnerportalen</strong>
          <span>{data?.brand.name}</span>
        </a>
        {items.length > 0 && (
          <nav className="site-nav" aria-label={t("layout.mainNavigation")}>
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="header-tools">
          {org && org.all.length > 1 && (
            <Form method="post" action="/app/switch-organisation" className="inline-form org-switch">
              <label htmlFor="switch-org" className="visually-hidden">
                {t("layout.switchOrganisation")}
              </label>
              <select id="switch-org" name="organisationId" defaultValue={org.id}>
                {org.all.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              <button type="submit" className="secondary">
                {t("layout.switch")}
              </button>
            </Form>
          )}
          <LanguageSwitch current={data?.language ?? i18n.language} />
          {user ? (
            <>
              <NavLink to="/account">{t("nav.account")}</NavLink>
              <Form method="post" action="/logout" className="inline-form">
                <button type="submit" className="secondary">
                  {t("nav.logout")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">{t("nav.login")}</NavLink>
              <NavLink to="/register" className="button">
                {t("nav.register")}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

export function SiteFooter({ data }: { data: RootData | undefined }) {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="bar">
        <span>
          Partnerportalen · {data?.brand.name} · <a href={`mailto:${data?.brand.contactEmail}`}>{data?.brand.contactEmail}</a>
        </span>
        {data?.brand.hotlineUrl && (
          <a href={data.brand.hotlineUrl} rel="noopener">
            {t("layout.hotline")}
          </a>
        )}
        {data?.showOutbox && <a href="/dev/outbox">{t("layout.devOutbox")}</a>}
      </div>
    </footer>
  );
}
