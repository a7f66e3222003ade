import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ActionFilters, ActionTimeline, filterQuery, listed } from "~/components/collaboration";
import { Notice } from "~/components/forms";
import { requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { actionYears, listActions } from "~/modules/collaboration/collaboration.server";
import { parseListFilter } from "~/modules/collaboration/schema";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "collab.heading");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.view");
  const { organisationId: _ignored, ...filter } = parseListFilter(new URL(args.request.url));
  const [page, years] = await Promise.all([listActions(args.context.db, auth.organisation.id, filter), actionYears(args.context.db, auth.organisation.id)]);
  return { actions: page.actions.map(listed), next: page.next, years, filter, canManage: can(auth.membership.roles, "collab.manage", auth.organisation.status) };
}

export default function Collaboration() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>{t("collab.heading")}</h1>
      <p className="lead">{t("collab.intro")}</p>
      <Notice code={params.get("notice")} />
      {d.canManage && (
        <p>
          <Link to="/app/collaboration/new" className="button">
            {t("collab.new")}
          </Link>
        </p>
      )}
      <ActionFilters filter={d.filter} years={d.years} />
      <p>
        <a href={`/app/collaboration/export.csv${filterQuery(d.filter)}`}>{t("collab.exportCsv")}</a>
      </p>
      {d.actions.length === 0 ? <p>{d.filter.after ? t("collab.noMore") : t("collab.none")}</p> : <ActionTimeline actions={d.actions} base="/app/collaboration" />}
      {(d.next || d.filter.after) && (
        <nav className="pager" aria-label={t("collab.pages")}>
          {d.filter.after && <Link to={`/app/collaboration${filterQuery(d.filter)}`}>{t("collab.firstPage")}</Link>}
          {d.next && <Link to={`/app/collaboration${filterQuery(d.filter, { after: d.next })}`}>{t("collab.nextPage")}</Link>}
        </nav>
      )}
    </>
  );
}
