import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, StatusBadge } from "~/components/status";
import { requireStaff } from "~/modules/auth/guards.server";
import { countByStatus, listApplications } from "~/modules/organisations/organisations.server";
import { STATUSES } from "~/modules/organisations/schema";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffHome.title");

/** The back office's home: applications waiting for a decision, oldest first. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.organisations.view");
  const [applications, counts] = await Promise.all([listApplications(args.context.db), countByStatus(args.context.db)]);
  return { name: auth.user.name, applications, counts };
}

export default function StaffHome() {
  const { t, i18n } = useTranslation();
  const { name, applications, counts } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("staffHome.greeting", { name })}</h1>
      <section aria-labelledby="overview">
        <h2 id="overview">{t("staffHome.overview")}</h2>
        <ul className="cards">
          {STATUSES.map((s) => (
            <li className="card" key={s}>
              <Link to={`/staff/organisations?status=${s}`}>
                <span className="stat">{counts[s]}</span>
                {t(`statuses.${s}`)}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="queue">
        <h2 id="queue">{t("staffHome.queue")}</h2>
        {applications.length === 0 ? (
          <p>{t("staffHome.queueEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("fields.organisationName")}</th>
                  <th scope="col">{t("fields.industry")}</th>
                  <th scope="col">{t("fields.orgNumber")}</th>
                  <th scope="col">{t("staffHome.applied")}</th>
                  <th scope="col">{t("fields.status")}</th>
                </tr>
              </thead>
              <tbody>
                {applications.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={`/staff/organisations/${o.id}`}>{o.name}</Link>
                    </td>
                    <td>{t(`industries.${o.industry}`)}</td>
                    <td className="mono">
                      {o.country} {o.orgNumber}
                    </td>
                    <td>{formatDate(o.createdAt, i18n.language)}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
