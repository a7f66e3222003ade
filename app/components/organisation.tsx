import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Role } from "#db/schema";
import { ROLES } from "~/modules/auth/permissions";
import { formatDate, formatDateTime } from "~/utils/time";
import { CheckboxGroup, type AppRegister } from "./forms";
import { StatusBadge } from "./status";

interface OrganisationSummary {
  name: string;
  orgNumber: string;
  industry: string;
  sizeBand: string;
  website: string | null;
  status: string;
  createdAt: number;
}

/** An organisation's registered details, as both the company and the NGO staff see them. */
export function OrganisationFacts({ organisation, countryName }: { organisation: OrganisationSummary; countryName: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="panel">
      <dl className="facts">
        <dt>{t("fields.organisationName")}</dt>
        <dd>{organisation.name}</dd>
        <dt>{t("fields.orgNumber")}</dt>
        <dd className="mono">
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
  );
}

/** The lifecycle history: when, which status, by whom (staff only) and why. */
export function StatusHistory({ history }: { history: { id: string; to: string; at: number; reason: string | null; actorName?: string | null }[] }) {
  const { t, i18n } = useTranslation();
  const showActor = history.some((h) => h.actorName !== undefined);
  return (
    <section aria-labelledby="history">
      <h2 id="history">{t("organisationPage.history")}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("fields.date")}</th>
              <th scope="col">{t("fields.status")}</th>
              {showActor && <th scope="col">{t("staffOrg.by")}</th>}
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
                {showActor && <td>{h.actorName ?? "–"}</td>}
                <td>{h.reason ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface MemberRow {
  id: string;
  userId: string;
  name: string;
  email: string;
  roles: Role[];
  twoFactor: boolean;
}

/** An organisation's members; with `manageLinks`, each row links to where an admin edits it. */
export function MembersTable({ members, me, manageLinks = false }: { members: MemberRow[]; me?: string; manageLinks?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t("members.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("fields.name")}</th>
            <th scope="col">{t("fields.email")}</th>
            <th scope="col">{t("fields.roles")}</th>
            <th scope="col">{t("members.twoFactor")}</th>
            {manageLinks && <th scope="col">{t("members.manage")}</th>}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>
                {m.name}
                {m.userId === me && <span className="muted"> ({t("members.you")})</span>}
              </td>
              <td className="mono">{m.email}</td>
              <td>{m.roles.map((r) => t(`roles.${r}`)).join(", ")}</td>
              <td>{m.twoFactor ? t("common.yes") : t("common.no")}</td>
              {manageLinks && (
                <td>
                  <Link to={`/app/members/${m.id}`} aria-label={t("members.editMember", { name: m.name })}>
                    {t("actions.edit")}
                  </Link>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The four company roles as checkboxes, each with what it is for. */
export function RolesField({ register, checked, error }: { register: AppRegister; checked: (name: string) => string[]; error?: string }) {
  const { t } = useTranslation();
  return (
    <CheckboxGroup
      legend={t("fields.roles")}
      registration={register("roles", "checkbox")}
      defaultChecked={checked("roles")}
      error={error}
      options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`), hint: t(`roleDescriptions.${r}`) }))}
    />
  );
}
