import { Form, Link, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { AuditPage } from "~/modules/audit/audit-page.server";
import type { RootData } from "~/root";
import { formatDateTime } from "~/utils/time";

/** The audit log: filters (a GET form, so it works without JavaScript), a table, keyset paging. */
export function AuditLog({ page, showOrganisation }: { page: AuditPage; showOrganisation: boolean }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const brand = useRouteLoaderData<RootData>("root")?.brand.name ?? "";
  const nextParams = new URLSearchParams(location.search);
  if (page.next) nextParams.set("before", page.next);
  return (
    <>
      <Form method="get" className="filters" role="search" aria-label={t("audit.filters")}>
        <div className="field">
          <label htmlFor="f-action">{t("audit.action")}</label>
          <input id="f-action" type="search" name="action" defaultValue={page.filters.action} />
        </div>
        <div className="field">
          <label htmlFor="f-actor">{t("audit.actor")}</label>
          <input id="f-actor" type="search" name="actor" defaultValue={page.filters.actor} />
        </div>
        {showOrganisation && (
          <div className="field">
            <label htmlFor="f-org">{t("audit.organisationId")}</label>
            <input id="f-org" type="search" name="organisation" defaultValue={page.filters.organisation} />
          </div>
        )}
        <div className="field">
          <label htmlFor="f-from">{t("audit.from")}</label>
          <input id="f-from" type="date" name="from" defaultValue={page.filters.from} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t("audit.to")}</label>
          <input id="f-to" type="date" name="to" defaultValue={page.filters.to} />
        </div>
        <button type="submit">{t("audit.filter")}</button>
      </Form>
      {page.invalid && (
        <div className="message warning" role="status">
          <p>{t("audit.invalidFilter")}</p>
        </div>
      )}
      {page.entries.length === 0 ? (
        <p>{t("audit.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("audit.actor")}</th>
                {showOrganisation && <th scope="col">{t("audit.organisation")}</th>}
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.target")}</th>
                <th scope="col">{t("audit.from_where")}</th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at, i18n.language)}</td>
                  <td className="mono">{e.actor ?? (e.actorIsStaff ? t("audit.ngoStaff", { brand }) : "–")}</td>
                  {showOrganisation && (
                    <td>{e.organisationId ? <Link to={`/staff/organisations/${e.organisationId}`}>{e.organisationName ?? e.organisationId}</Link> : "–"}</td>
                  )}
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="mono small">{e.target ?? "–"}</td>
                  <td className="mono small">{e.ip ?? "–"}</td>
                  <td className="mono small">{e.details ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.next && (
        <nav className="pager" aria-label={t("audit.paging")}>
          <Link to={`?${nextParams}`}>{t("audit.older")}</Link>
        </nav>
      )}
    </>
  );
}
