import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/utils/time";

export interface ImportRow {
  id: string;
  listId: number;
  listSlug?: string;
  fileName: string;
  mode: "add" | "remove";
  status: "running" | "done" | "failed";
  lines: number;
  added: number;
  removed: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  startedAt: number;
  startedBy: string | null;
  startedByName: string | null;
}

/** The badge colours of the organisation statuses, reused for an import's state. */
const STATUS_CLASS = { running: "under_review", done: "approved", failed: "rejected" } as const;

export function ImportStatusBadge({ status }: { status: ImportRow["status"] }) {
  const { t } = useTranslation();
  return <span className={`badge ${STATUS_CLASS[status]}`}>{t(`staffHashlists.importStatus.${status}`)}</span>;
}

/** Who started an import: a person, or the system (a script on the server). */
export function StarterName({ row }: { row: Pick<ImportRow, "startedBy" | "startedByName"> }) {
  const { t } = useTranslation();
  return <>{row.startedBy === null ? t("staffHashlists.system") : (row.startedByName ?? t("staffHashlists.unknownUser"))}</>;
}

export function ImportsTable({ imports, showList = false }: { imports: ImportRow[]; showList?: boolean }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => value.toLocaleString(i18n.language);
  if (imports.length === 0) return <p className="muted">{t("staffHashlists.noImports")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("staffHashlists.file")}</th>
            {showList && <th scope="col">{t("staffHashlists.list")}</th>}
            <th scope="col">{t("staffHashlists.mode")}</th>
            <th scope="col">{t("fields.status")}</th>
            <th scope="col">{t("staffHashlists.lines")}</th>
            <th scope="col">{t("staffHashlists.addedRemoved")}</th>
            <th scope="col">{t("staffHashlists.duplicates")}</th>
            <th scope="col">{t("staffHashlists.rejected")}</th>
            <th scope="col">{t("staffHashlists.startedBy")}</th>
            <th scope="col">{t("staffHashlists.startedAt")}</th>
          </tr>
        </thead>
        <tbody>
          {imports.map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/staff/hashlists/imports/${i.id}`}>{i.fileName}</Link>
              </td>
              {showList && (
                <td className="mono">
                  <Link to={`/staff/hashlists/${i.listId}`}>{i.listSlug ?? i.listId}</Link>
                </td>
              )}
              <td>{t(`staffHashlists.modes.${i.mode}`)}</td>
              <td>
                <ImportStatusBadge status={i.status} />
              </td>
              <td>{n(i.lines)}</td>
              <td>{i.mode === "add" ? `+${n(i.added)}` : `−${n(i.removed)}`}</td>
              <td>{n(i.duplicates)}</td>
              <td>{n(i.rejected)}</td>
              <td>
                <StarterName row={i} />
              </td>
              <td>{formatDateTime(i.startedAt, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
