import crypto from "node:crypto";
import { sql, type SqlBool } from "kysely";
import type { Db } from "#db/dialect";
import { AppError } from "~/utils/errors";
import { ALGORITHM_CODE, algorithmOfCode, valueToText, type Algorithm } from "./values";

/**
 * The feed a client keeps its copy of a list in sync with: a snapshot as of a checkpoint, then the
 * changes after it (docs/api.md, docs/decisions/0012-hash-list-storage.md).
 *
 * A snapshot as of checkpoint S is every entry added at or before S and not removed by S. Entries are
 * never deleted (a removal is a tombstone) and checkpoints are committed in order, so the snapshot as of
 * S is the same whenever it is read: it is read in short keyset pages, with no long transaction and no
 * connection held between pages, and it cannot be torn by imports running meanwhile.
 */

/** The order of a snapshot and of its checksum: by algorithm name, then by value (= the lines' byte order). */
export const SNAPSHOT_ALGORITHMS: readonly Algorithm[] = ["md5", "pdq", "photodna", "sha1", "sha256"];

const PAGE = 2000;

/**
 * An entry live as of checkpoint `seq` (added at or before it, checked by the caller): not removed, or
 * removed later. Written with COALESCE rather than `removed_seq IS NULL OR removed_seq > ?` because
 * SQLite, once it has statistics (ANALYZE), plans the OR as a multi-index scan of the removals' index
 * and sorts – five times slower, and growing with the list (docs/benchmarks.md, "Hash lists").
 */
export const liveAt = (seq: number) => sql<SqlBool>`coalesce(removed_seq, 9223372036854775807) > ${seq}`;

/** Lets other requests run between pages: better-sqlite3 answers synchronously (docs/benchmarks.md). */
export const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

export interface SnapshotRow {
  algorithm: Algorithm;
  value: Uint8Array;
  quality: number | null;
  category: string;
}

/**
 * The entries of a list as of a checkpoint, in snapshot order, page by page. The next page is asked for
 * as soon as the current one is known (its last value is the next page's key), so that on MariaDB the
 * database reads it while the caller formats and writes this one.
 */
export async function* snapshotPages(db: Db, listId: number, seq: number, algorithm: Algorithm | null): AsyncGenerator<SnapshotRow[]> {
  type Page = Promise<{ value: Uint8Array; quality: number | null; category: string }[]>;
  const page = (code: number, after: Uint8Array | null): Page => {
    let q = db
      .selectFrom("hash_entry")
      .select(["value", "quality", "category"])
      .where("list_id", "=", listId)
      .where("algorithm", "=", code)
      .where("added_seq", "<=", seq)
      .where(liveAt(seq));
    if (after) q = q.where("value", ">", after);
    const rows = q.orderBy("value").limit(PAGE).execute();
    // Awaited below; if the caller stops early, its failure must not go unhandled.
    rows.catch(() => undefined);
    return rows;
  };
  for (const alg of algorithm ? [algorithm] : SNAPSHOT_ALGORITHMS) {
    const code = ALGORITHM_CODE[alg];
    let next: Page | null = page(code, null);
    while (next) {
      const rows: Awaited<Page> = await next;
      next = rows.length === PAGE ? page(code, rows[rows.length - 1]!.value) : null;
      if (rows.length) yield rows.map((r) => ({ algorithm: alg, value: r.value, quality: r.quality === null ? null : Number(r.quality), category: r.category }));
      await yieldToEventLoop();
    }
  }
}

/** The line the checksum is computed over: `algorithm,value` (the first two CSV columns). */
export const canonicalLine = (r: SnapshotRow) => `${r.algorithm},${valueToText(r.algorithm, r.value)}\n`;

/**
 * The SHA-256 over the canonical lines of the snapshot as of `seq`, in snapshot order, and the number of
 * entries; computed once per checkpoint and kept. A client checks its copy with
 * `cut -d, -f1,2 | LC_ALL=C sort | sha256sum` (docs/api.md).
 */
export async function snapshotChecksum(db: Db, listId: number, seq: number, algorithm: Algorithm | null): Promise<SnapshotChecksum> {
  const known = await knownChecksum(db, listId, seq, algorithm);
  if (known) return known;
  const hash = crypto.createHash("sha256");
  let entries = 0;
  for await (const page of snapshotPages(db, listId, seq, algorithm)) {
    hash.update(page.map(canonicalLine).join(""));
    entries += page.length;
  }
  const computed = { sha256: hash.digest("hex"), entries };
  await rememberChecksum(db, listId, seq, algorithm, computed);
  return computed;
}

export interface SnapshotChecksum {
  sha256: string;
  entries: number;
}

/** The checksum kept for a checkpoint (algorithm null: the whole list), if it was computed before. */
export async function knownChecksum(db: Db, listId: number, seq: number, algorithm: Algorithm | null): Promise<SnapshotChecksum | null> {
  const row = await db
    .selectFrom("hash_snapshot")
    .select(["sha256", "entries"])
    .where("list_id", "=", listId)
    .where("seq", "=", seq)
    .where("algorithm", "=", algorithm ? ALGORITHM_CODE[algorithm] : 0)
    .executeTakeFirst();
  return row ? { sha256: row.sha256, entries: Number(row.entries) } : null;
}

/**
 * Keeps a checksum computed from the entries. One is kept already when another request computed it at
 * the same time (the same figures), or when the database was restored from a backup and the checkpoint
 * number now holds other entries: then the entries are right and the kept figures are replaced.
 */
export async function rememberChecksum(db: Db, listId: number, seq: number, algorithm: Algorithm | null, checksum: SnapshotChecksum): Promise<void> {
  const code = algorithm ? ALGORITHM_CODE[algorithm] : 0;
  try {
    await db.insertInto("hash_snapshot").values({ list_id: listId, seq, algorithm: code, entries: checksum.entries, sha256: checksum.sha256, created_at: Date.now() }).execute();
  } catch {
    await db
      .updateTable("hash_snapshot")
      .set({ entries: checksum.entries, sha256: checksum.sha256, created_at: Date.now() })
      .where("list_id", "=", listId)
      .where("seq", "=", seq)
      .where("algorithm", "=", code)
      .where("sha256", "<>", checksum.sha256)
      .execute();
  }
}

export type SnapshotFormat = "csv" | "jsonl";

export const CSV_HEADER = "algorithm,value,quality,category\n";

/**
 * A page of the snapshot as the lines of the format (CSV without its header) and as the canonical lines
 * of the checksum, in one pass (a snapshot file is written and its checksum computed together).
 */
export function formatPage(rows: SnapshotRow[], format: SnapshotFormat): { text: string; canonical: string } {
  let text = "";
  let canonical = "";
  for (const r of rows) {
    const hex = valueToText(r.algorithm, r.value);
    canonical += `${r.algorithm},${hex}\n`;
    text += format === "csv" ? `${r.algorithm},${hex},${r.quality ?? ""},${r.category}\n` : `{"algorithm":"${r.algorithm}","value":"${hex}","quality":${r.quality ?? "null"},"category":"${r.category}"}\n`;
  }
  return { text, canonical };
}

export interface Change {
  seq: number;
  op: "add" | "remove";
  algorithm: Algorithm;
  value: string;
  quality: number | null;
  category: string;
}


/**
 * The changes after checkpoint `since`, oldest first: those up to checkpoint `since + limit` (or the
 * list's current checkpoint `head`, read first, so a page never reaches past what was committed when it
 * was read). Every addition and every removal takes a checkpoint of its own, so that is at most `limit`
 * changes, read exactly: additions from the primary key, removals from their index, merged. `next` is
 * the checkpoint to ask from next time; `more` says whether changes remain up to `head`.
 */
export async function readChanges(
  db: Db,
  list: { id: number; lastSeq: number; minSeq: number },
  since: number,
  limit: number,
): Promise<{ from: number; next: number; head: number; more: boolean; changes: Change[] }> {
  if (!Number.isSafeInteger(since) || since < 0 || since > list.lastSeq) throw new AppError("checkpoint_invalid", 400);
  if (since < list.minSeq) throw new AppError("snapshot_required", 410);
  const head = list.lastSeq;
  const upTo = Math.min(head, since + limit);
  const between = (column: "added_seq" | "removed_seq") =>
    db
      .selectFrom("hash_entry")
      .select([`${column} as seq`, "algorithm", "value", "quality", "category"])
      .where("list_id", "=", list.id)
      .where(column, ">", since)
      .where(column, "<=", upTo)
      .orderBy(column)
      .execute();
  const [added, removed] = await Promise.all([between("added_seq"), between("removed_seq")]);
  const changes = [...added.map((r) => toChange(r, "add")), ...removed.map((r) => toChange(r, "remove"))].sort((a, b) => a.seq - b.seq);
  return { from: since, next: upTo, head, more: upTo < head, changes };
}

function toChange(r: { seq: number | null; algorithm: number; value: Uint8Array; quality: number | null; category: string }, op: Change["op"]): Change {
  const algorithm = algorithmOfCode(Number(r.algorithm));
  return { seq: Number(r.seq), op, algorithm, value: valueToText(algorithm, r.value), quality: r.quality === null ? null : Number(r.quality), category: r.category };
}
