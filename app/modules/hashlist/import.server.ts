import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { snapshotChecksum } from "./feed.server";
import { parseHashFile, type ImportFormat } from "./import-parser.server";
import { addEntries, getHashList, removeEntries } from "./lists.server";
import type { HashEntry } from "./values";

/** Entries written per transaction: large enough to be fast, small enough not to hold the list's lock long. */
const BATCH = 2000;
/** Rejected lines kept for the report (all are counted). */
export const KEPT_REJECTIONS = 1000;
/**
 * …and no more than fit the column: MySQL's TEXT holds 65,535 bytes, and a thousand rejections with
 * details (up to 100 characters of a JSON parser's message) would not.
 */
const KEPT_REJECTION_BYTES = 60_000;

export interface ImportReport {
  id: string;
  listId: number;
  fileName: string;
  format: ImportFormat;
  mode: "add" | "remove";
  status: "running" | "done" | "failed";
  lines: number;
  added: number;
  removed: number;
  duplicates: number;
  rejected: number;
  rejections: { line: number; code: string; detail?: string }[];
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
  /** The user who started it; null for the system (a script). */
  startedBy: string | null;
}

/**
 * Imports a CSV or JSON-lines file into a list, streaming: lines are parsed as they arrive and written
 * in batches, so a file of millions of lines never sits in memory. Good lines are never lost to bad
 * ones: each bad line is counted and (the first thousand, as far as they fit the column) reported
 * with its reason. Mode `remove` strikes the file's values from the list (tombstones). The report is
 * kept in hash_import.
 */
export async function importHashFile(
  db: Db,
  actor: Actor,
  listId: number,
  input: NodeJS.ReadableStream | AsyncIterable<Buffer | Uint8Array | string>,
  options: { fileName: string; format: ImportFormat; mode?: "add" | "remove"; source?: string | null },
): Promise<ImportReport> {
  const list = await getHashList(db, listId);
  if (!list) throw new AppError("not_found", 404);
  const mode = options.mode ?? "add";
  const id = newId();
  const startedAt = Date.now();
  const report: ImportReport = { id, listId, fileName: options.fileName.slice(0, 255), format: options.format, mode, status: "running", lines: 0, added: 0, removed: 0, duplicates: 0, rejected: 0, rejections: [], error: null, startedAt, finishedAt: null, startedBy: actor.userId };
  await db
    .insertInto("hash_import")
    .values({ id, list_id: listId, file_name: report.fileName, format: report.format, mode, status: "running", lines: 0, added: 0, removed: 0, duplicates: 0, rejected: 0, rejections: null, error: null, started_at: startedAt, finished_at: null, started_by: actor.userId })
    .execute();

  const save = async (final: boolean) => {
    await db
      .updateTable("hash_import")
      .set({
        status: report.status,
        lines: report.lines,
        added: report.added,
        removed: report.removed,
        duplicates: report.duplicates,
        rejected: report.rejected,
        rejections: report.rejections.length ? toJson(report.rejections) : null,
        error: report.error,
        finished_at: final ? report.finishedAt : null,
      })
      .where("id", "=", id)
      .execute();
  };

  // The JSON array's brackets; each kept rejection adds its own length and a comma.
  let keptBytes = 2;
  let batch: HashEntry[] = [];
  const write = async () => {
    if (!batch.length) return;
    const entries = batch;
    batch = [];
    if (mode === "add") {
      const r = await db.transaction().execute((trx) => addEntries(trx, listId, entries));
      report.added += r.added;
      report.duplicates += r.duplicates;
    } else {
      const r = await db.transaction().execute((trx) => removeEntries(trx, listId, entries));
      report.removed += r.removed;
      report.duplicates += r.missing;
    }
    await save(false);
  };

  try {
    for await (const parsed of parseHashFile(input, { format: options.format, defaults: { source: options.source ?? null } })) {
      report.lines = parsed.line;
      if ("error" in parsed) {
        report.rejected += 1;
        if (report.rejections.length < KEPT_REJECTIONS) {
          const rejection = { line: parsed.line, code: parsed.error, ...(parsed.detail ? { detail: parsed.detail } : {}) };
          const bytes = Buffer.byteLength(JSON.stringify(rejection)) + 1;
          if (keptBytes + bytes <= KEPT_REJECTION_BYTES) {
            keptBytes += bytes;
            report.rejections.push(rejection);
          }
        }
        continue;
      }
      batch.push(parsed.entry);
      if (batch.length >= BATCH) await write();
    }
    await write();
    report.status = "done";
  } catch (error) {
    // What was written stays written (and reported); the rest of the file is not read.
    report.status = "failed";
    report.error = error instanceof AppError ? error.code : "import_failed";
    if (!(error instanceof AppError)) throw error;
  } finally {
    report.finishedAt = Date.now();
    await save(true);
    await recordAudit(db, actor, {
      action: mode === "add" ? "hashlist.imported" : "hashlist.removed",
      targetType: "hash_list",
      targetId: String(listId),
      details: { import: id, file: report.fileName, status: report.status, lines: report.lines, added: report.added, removed: report.removed, duplicates: report.duplicates, rejected: report.rejected },
    });
  }
  // Clients that download the snapshot next need its checksum: compute it now, not on their time.
  const after = await getHashList(db, listId);
  if (after && (report.added || report.removed)) await snapshotChecksum(db, listId, after.lastSeq, null);
  return report;
}

type ImportRow = { id: string; list_id: number; file_name: string; format: ImportFormat; mode: "add" | "remove"; status: "running" | "done" | "failed"; lines: number; added: number; removed: number; duplicates: number; rejected: number; rejections: string | null; error: string | null; started_at: number; finished_at: number | null; started_by: string | null };

const toReport = (r: ImportRow): ImportReport => ({
  id: r.id,
  listId: Number(r.list_id),
  fileName: r.file_name,
  format: r.format,
  mode: r.mode,
  status: r.status,
  lines: Number(r.lines),
  added: Number(r.added),
  removed: Number(r.removed),
  duplicates: Number(r.duplicates),
  rejected: Number(r.rejected),
  rejections: fromJson(r.rejections, []),
  error: r.error,
  startedAt: Number(r.started_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  startedBy: r.started_by,
});

export async function listImports(db: Db, listId: number | null, limit = 50): Promise<ImportReport[]> {
  let q = db.selectFrom("hash_import").selectAll().orderBy("started_at", "desc").orderBy("id", "desc").limit(limit);
  if (listId !== null) q = q.where("list_id", "=", listId);
  return (await q.execute()).map(toReport);
}

export async function getImport(db: Db, id: string): Promise<ImportReport | null> {
  const row = await db.selectFrom("hash_import").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toReport(row) : null;
}
