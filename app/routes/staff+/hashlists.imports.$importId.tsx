import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { ImportStatusBadge, StarterName } from "~/components/staff-hashlists";
import { requireStaff } from "~/modules/auth/guards.server";
import { getImport } from "~/modules/hashlist/import.server";
import { getHashList } from "~/modules/hashlist/lists.server";
import { withStarterNames } from "~/modules/hashlist/staff.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { httpError } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffHashlists.reportTitle");

/** Rejected lines a page: the service keeps the first thousand. */
const PAGE_SIZE = 100;

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.hashlists.view");
  const { db } = args.context;
  const id = args.params.importId ?? "";
  const found = id.length <= 64 ? await getImport(db, id) : null;
  if (!found) throw httpError(404, "not_found");
  const [report] = await withStarterNames(db, [found]);
  const list = await getHashList(db, report!.listId);
  const language = toLanguage(await getLanguage(args.request));
  const pages = Math.max(1, Math.ceil(report!.rejections.length / PAGE_SIZE));
  const requested = Number(new URL(args.request.url).searchParams.get("page") ?? "1");
  const page = Number.isInteger(requested) ? Math.min(Math.max(requested, 1), pages) : 1;
  const { rejections, ...rest } = report!;
  return {
    report: rest,
    list: list ? { id: list.id, slug: list.slug, name: list.name[language] } : null,
    kept: rejections.length,
    rejections: rejections.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((r, i) => ({ ...r, key: (page - 1) * PAGE_SIZE + i })),
    page,
    pages,
  };
}

export default function StaffHashlistImport() {
  const { t, i18n } = useTranslation();
  const { report, list, kept, rejections, page, pages } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const n = (value: number) => value.toLocaleString(i18n.language);
  return (
    <>
      <p>
        {list ? <Link to={`/staff/hashlists/${list.id}`}>← {list.name}</Link> : <Link to="/staff/hashlists">← {t("staffHashlists.title")}</Link>}
      </p>
      <h1>{t("staffHashlists.reportTitle")}</h1>
      <Notice code={params.get("notice")} />
      <div className="panel">
        <dl className="facts">
          <dt>{t("staffHashlists.file")}</dt>
          <dd className="mono">{report.fileName}</dd>
          <dt>{t("staffHashlists.list")}</dt>
          <dd className="mono">{list?.slug ?? report.listId}</dd>
          <dt>{t("staffHashlists.format")}</dt>
          <dd>{t(`staffHashlists.formats.${report.format}`)}</dd>
          <dt>{t("staffHashlists.mode")}</dt>
          <dd>{t(`staffHashlists.modes.${report.mode}`)}</dd>
          <dt>{t("fields.status")}</dt>
          <dd>
            <ImportStatusBadge status={report.status} />
            {report.error && <> {t(`errors.${report.error}`)}</>}
          </dd>
          <dt>{t("staffHashlists.lines")}</dt>
          <dd>{n(report.lines)}</dd>
          {report.mode === "add" ? (
            <>
              <dt>{t("staffHashlists.added")}</dt>
              <dd>{n(report.added)}</dd>
            </>
          ) : (
            <>
              <dt>{t("staffHashlists.removed")}</dt>
              <dd>{n(report.removed)}</dd>
            </>
          )}
          <dt>{report.mode === "add" ? t("staffHashlists.duplicates") : t("staffHashlists.notOnList")}</dt>
          <dd>{n(report.duplicates)}</dd>
          <dt>{t("staffHashlists.rejected")}</dt>
          <dd>{n(report.rejected)}</dd>
          <dt>{t("staffHashlists.startedBy")}</dt>
          <dd>
            <StarterName row={report} />
          </dd>
          <dt>{t("staffHashlists.startedAt")}</dt>
          <dd>{formatDateTime(report.startedAt, i18n.language)}</dd>
          <dt>{t("staffHashlists.finishedAt")}</dt>
          <dd>{report.finishedAt === null ? t("staffHashlists.stillRunning") : formatDateTime(report.finishedAt, i18n.language)}</dd>
        </dl>
      </div>

      <section aria-labelledby="rejections">
        <h2 id="rejections">{t("staffHashlists.rejections")}</h2>
        {report.rejected === 0 ? (
          <p>{t("staffHashlists.noRejections")}</p>
        ) : (
          <>
            {kept < report.rejected && <p className="muted">{t("staffHashlists.rejectionsKept", { kept: n(kept), total: n(report.rejected) })}</p>}
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("staffHashlists.line")}</th>
                    <th scope="col">{t("staffHashlists.reason")}</th>
                    <th scope="col">{t("staffHashlists.detail")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rejections.map((r) => (
                    <tr key={r.key}>
                      <td>{r.line}</td>
                      <td>{t(`errors.${r.code}`)}</td>
                      <td className="mono small">{r.detail ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {pages > 1 && (
              <nav aria-label={t("staffHashlists.pages")} className="actions">
                {page > 1 && <Link to={`?page=${page - 1}`}>← {t("staffHashlists.previous")}</Link>}
                <span>{t("staffHashlists.pageOf", { page, pages })}</span>
                {page < pages && <Link to={`?page=${page + 1}`}>{t("staffHashlists.next")} →</Link>}
              </nav>
            )}
          </>
        )}
      </section>
    </>
  );
}
