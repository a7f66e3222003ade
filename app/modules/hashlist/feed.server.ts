import crypto from "node:crypto";
import { sql, type SqlBool } from "kysely";
import type { Db } from "#db/dialect";
import { AppError } from "~/utils/errors";
import { ALGORITHM_CODE, algorithmOfCode, valueToText, type Algorithm } from "./values";

/**
 * The feed a client keeps its copy of a list in sync with: a snapshot as of a checkpoint, then the
 * changes after it (docs/api.md, docs/decisions/0012-hash-list-storage.md).
 *
 * A snapshot as of checkpoint S is every entry added at or before S and not removed by S. A removal is
 * a tombstone, deleted only once it is behind the list's `min_seq` (pruneTombstones), and checkpoints
 * are committed in order, so the snapshot as of any S ≥ `min_seq` is the same whenever it is read: it is read in short keyset pages, with no long transaction and no
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

/** An entry of a snapshot: its value as lower-case hex, as the database gives it (no bytes to convert). */
export interface SnapshotRow {
  hex: string;
  quality: number | null;
  category: string;
}

/** A page of a snapshot: entries of one algorithm, in value order. */
export interface SnapshotPage {
  algorithm: Algorithm;
  rows: SnapshotRow[];
}

/**
 * The entries of a list as of a checkpoint, in snapshot order, page by page. The values come as hex from
 * the database: no per-entry buffers for the garbage collector, no conversion here. The next page is
 * asked for as soon as the current one is known (its last value is the next page's key), so that on
 * MariaDB the database reads it while the caller formats and writes this one.
 */
export async function* snapshotPages(db: Db, listId: number, seq: number, algorithm: Algorithm | null): AsyncGenerator<SnapshotPage> {
  const page = (code: number, after: string | null): Promise<SnapshotRow[]> => {
    let q = db
      .selectFrom("hash_entry")
      .select([sql<string>`lower(hex(value))`.as("hex"), "quality", "category"])
      .where("list_id", "=", listId)
      .where("algorithm", "=", code)
      .where("added_seq", "<=", seq)
      .where(liveAt(seq));
    if (after) q = q.where("value", ">", Buffer.from(after, "hex"));
    const rows = q.orderBy("value").limit(PAGE).execute();
    // Awaited below; if the caller stops early, its failure must not go unhandled.
    rows.catch(() => undefined);
    return rows;
  };
  for (const alg of algorithm ? [algorithm] : SNAPSHOT_ALGORITHMS) {
    const code = ALGORITHM_CODE[alg];
    let next: Promise<SnapshotRow[]> | null = page(code, null);
    while (next) {
      const rows: SnapshotRow[] = await next;
      next = rows.length === PAGE ? page(code, rows[rows.length - 1]!.hex) : null;
      if (rows.length) yield { algorithm: alg, rows };
      await yieldToEventLoop();
    }
  }
}

/**
 * Lines of ASCII text gathered in one buffer, reused from page to page. A page's lines joined into one
 * string (hundreds of kilobytes) would go straight to V8's large-object space, and a million-entry
 * snapshot would leave ~150 MB of them for the next full collection (docs/benchmarks.md).
 */
export class LineBuffer {
  private buffer = Buffer.allocUnsafe(512 * 1024);
  private length = 0;

  add(line: string) {
    if (this.length + line.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + line.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(line, this.length, "latin1");
  }

  /** The lines so far (valid until the next `add` after `clear`). */
  take(): Buffer {
    const view = this.buffer.subarray(0, this.length);
    this.length = 0;
    return view;
  }
}

/** The line the checksum is computed over: `algorithm,value` (the first two CSV columns). */
export const canonicalLine = (algorithm: Algorithm, r: SnapshotRow) => `${algorithm},${r.hex}\n`;

/** A snapshot line in the format (CSV without its header). */
export function formatLine(algorithm: Algorithm, r: SnapshotRow, format: SnapshotFormat): string {
  return format === "csv"
    ? `${algorithm},${r.hex},${r.quality ?? ""},${r.category}\n`
    : `{"algorithm":"${algorithm}","value":"${r.hex}","quality":${r.quality ?? "null"},"category":"${r.category}"}\n`;
}

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
  const lines = new LineBuffer();
  for await (const page of snapshotPages(db, listId, seq, algorithm)) {
    for (const r of page.rows) lines.add(canonicalLine(page.algorithm, r));
    hash.update(lines.take());
    entries += page.rows.length;
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
