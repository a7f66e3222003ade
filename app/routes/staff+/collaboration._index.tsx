import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionFilters, ActionTimeline, filterQuery, listed } from "~/components/collaboration";
import { Notice } from "~/components/forms";
import { requireStaff } from "~/modules/auth/guards.server";
import { actionYears, listActions, listConfirmationQueue } from "~/modules/collaboration/collaboration.server";
import { parseListFilter } from "~/modules/collaboration/schema";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffCollab.title");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  const url = new URL(args.request.url);
  const { organisationId, ...filter } = parseListFilter(url);
  const queueAfter = url.searchParams.get("queueAfter") ?? undefined;
  const [queue, all, years, organisation] = await Promise.all([
    listConfirmationQueue(args.context.db, queueAfter),
    listActions(args.context.db, organisationId ?? null, filter),
    actionYears(args.context.db, null),
    organisationId ? args.context.db.selectFrom("organisation").select(["id", "name"]).where("id", "=", organisationId).executeTakeFirst() : undefined,
  ]);
  return {
    queue: { next: queue.next, actions: queue.actions.map((a) => ({ id: a.id, title: a.title, organisationName: a.organisationName, type: a.type, requestedAt: a.requestedAt })) },
    queueAfter: queueAfter ?? null,
    all: { next: all.next, actions: all.actions.map(listed) },
    years,
    organisationName: organisation?.name ?? null,
    filter: { ...filter, organisationId },
    year: new Date().getUTCFullYear(),
  };
}

export default function StaffCollaboration() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("staffCollab.title")}</h1>
      <p className="lead">{t("staffCollab.intro")}</p>
      <Notice code={params.get("notice")} />
      <div className="actions">
        <Link to="/staff/collaboration/new" className="button secondary">
          {t("staffCollab.newOnBehalf")}
        </Link>
        <Link to={`/staff/collaboration/overview?year=${d.year}`}>{t("staffCollab.overview")}</Link>
      </div>
      <section aria-labelledby="queue">
        <h2 id="queue">{t("staffCollab.queue")}</h2>
        {d.queue.actions.length === 0 ? (
          <p>{t("staffCollab.queueEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("collab.title")}</th>
                  <th scope="col">{t("collab.organisation")}</th>
                  <th scope="col">{t("collab.type")}</th>
                  <th scope="col">{t("staffCollab.requestedAt")}</th>
                </tr>
              </thead>
              <tbody>
                {d.queue.actions.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/staff/collaboration/${a.id}`}>{a.title}</Link>
                    </td>
                    <td>{a.organisationName}</td>
                    <td>{t(`collabType.${a.type}`)}</td>
                    <td>{a.requestedAt !== null && formatDateTime(a.requestedAt, i18n.language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(d.queue.next || d.queueAfter) && (
          <nav className="pager" aria-label={t("staffCollab.queuePages")}>
            {d.queueAfter && <Link to="/staff/collaboration">{t("collab.firstPage")}</Link>}
            {d.queue.next && <Link to={`/staff/collaboration?queueAfter=${encodeURIComponent(d.queue.next)}`}>{t("collab.nextPage")}</Link>}
          </nav>
        )}
      </section>
      <section aria-labelledby="all">
        <h2 id="all">{t("staffCollab.all")}</h2>
        {d.filter.organisationId && (
          <p>
            {t("staffCollab.showingOrganisation", { organisation: d.organisationName ?? "–" })} <Link to="/staff/collaboration">{t("staffCollab.showAll")}</Link>
          </p>
        )}
        <ActionFilters filter={d.filter} years={d.years} organisations />
        <p>
          <a href={`/staff/collaboration/export.csv${filterQuery(d.filter)}`}>{t("collab.exportCsv")}</a>
        </p>
        {d.all.actions.length === 0 ? <p>{t("collab.none")}</p> : <ActionTimeline actions={d.all.actions} base="/staff/collaboration" showOrganisation />}
        {(d.all.next || d.filter.after) && (
          <nav className="pager" aria-label={t("collab.pages")}>
            {d.filter.after && <Link to={`/staff/collaboration${filterQuery(d.filter)}`}>{t("collab.firstPage")}</Link>}
            {d.all.next && <Link to={`/staff/collaboration${filterQuery(d.filter, { after: d.all.next })}`}>{t("collab.nextPage")}</Link>}
          </nav>
        )}
      </section>
    </>
  );
}
