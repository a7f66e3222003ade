import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "~/components/status";
import { requireStaff } from "~/modules/auth/guards.server";
import { listOrganisations } from "~/modules/organisations/organisations.server";
import { INDUSTRIES, STATUSES } from "~/modules/organisations/schema";
import { z } from "~/utils/zod";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffOrgs.title");

const querySchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  industry: z.enum(INDUSTRIES).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(300).optional().catch(undefined),
});

function decodeCursor(value: string | undefined) {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    return typeof parsed?.name === "string" && typeof parsed?.id === "string" ? { name: parsed.name as string, id: parsed.id as string } : undefined;
  } catch {
    return undefined;
  }
}

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.organisations.view");
  const query = querySchema.parse(Object.fromEntries(new URL(args.request.url).searchParams));
  const { organisations, next } = await listOrganisations(args.context.db, {
    status: query.status,
    industry: query.industry,
    q: query.q || undefined,
    after: decodeCursor(query.after),
  });
  return {
    organisations,
    next: next ? Buffer.from(JSON.stringify(next)).toString("base64url") : null,
    filters: { status: query.status ?? "", industry: query.industry ?? "", q: query.q ?? "" },
  };
}

export default function StaffOrganisations() {
  const { t } = useTranslation();
  const { organisations, next, filters } = useLoaderData<typeof loader>();
  const location = useLocation();
  const nextParams = new URLSearchParams(location.search);
  if (next) nextParams.set("after", next);
  return (
    <>
      <h1>{t("staffOrgs.title")}</h1>
      <Form method="get" className="filters" role="search" aria-label={t("staffOrgs.filters")}>
        <div className="field">
          <label htmlFor="q">{t("staffOrgs.search")}</label>
          <input id="q" type="search" name="q" defaultValue={filters.q} />
        </div>
        <div className="field">
          <label htmlFor="status">{t("fields.status")}</label>
          <select id="status" name="status" defaultValue={filters.status}>
            <option value="">{t("staffOrgs.all")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="industry">{t("fields.industry")}</label>
          <select id="industry" name="industry" defaultValue={filters.industry}>
            <option value="">{t("staffOrgs.all")}</option>
            {INDUSTRIES.map((i) => (
              <option key={i} value={i}>
                {t(`industries.${i}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("audit.filter")}</button>
      </Form>
      {organisations.length === 0 ? (
        <p>{t("staffOrgs.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fields.organisationName")}</th>
                <th scope="col">{t("fields.orgNumber")}</th>
                <th scope="col">{t("fields.industry")}</th>
                <th scope="col">{t("staffOrgs.members")}</th>
                <th scope="col">{t("fields.status")}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/staff/organisations/${o.id}`}>{o.name}</Link>
                  </td>
                  <td className="mono">
                    {o.country} {o.orgNumber}
                  </td>
                  <td>{t(`industries.${o.industry}`)}</td>
                  <td>{o.memberCount}</td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <nav className="pager" aria-label={t("audit.paging")}>
          <Link to={`?${nextParams}`}>{t("staffOrgs.more")}</Link>
        </nav>
      )}
    </>
  );
}
