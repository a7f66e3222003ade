import crypto from "node:crypto";
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

const PAGE = 5000;

export interface SnapshotRow {
  algorithm: Algorithm;
  value: Uint8Array;
  quality: number | null;
  category: string;
}

/** The entries of a list as of a checkpoint, in snapshot order, page by page. */
export async function* snapshotPages(db: Db, listId: number, seq: number, algorithm: Algorithm | null): AsyncGenerator<SnapshotRow[]> {
  for (const alg of algorithm ? [algorithm] : SNAPSHOT_ALGORITHMS) {
    const code = ALGORITHM_CODE[alg];
    let after: Uint8Array | null = null;
    for (;;) {
      let q = db
        .selectFrom("hash_entry")
        .select(["value", "quality", "category"])
        .where("list_id", "=", listId)
        .where("algorithm", "=", code)
        .where("added_seq", "<=", seq)
        .where((eb) => eb.or([eb("removed_seq", "is", null), eb("removed_seq", ">", seq)]));
      if (after) q = q.where("value", ">", after);
      const rows = await q.orderBy("value").limit(PAGE).execute();
      if (rows.length) yield rows.map((r) => ({ algorithm: alg, value: r.value, quality: r.quality === null ? null : Number(r.quality), category: r.category }));
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.value;
      // better-sqlite3 answers synchronously, so without this the whole snapshot (or checksum) ran
      // in one stretch of microtasks: other requests waited for it, and the response piled up in
      // memory because the socket was never flushed meanwhile (docs/benchmarks.md, "Hash lists").
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The line the checksum is computed over: `algorithm,value` (the first two CSV columns). */
const canonicalLine = (r: SnapshotRow) => `${r.algorithm},${valueToText(r.algorithm, r.value)}\n`;

/**
 * The SHA-256 over the canonical lines of the snapshot as of `seq`, in snapshot order, and the number of
 * entries; computed once per checkpoint and kept. A client checks its copy with
 * `cut -d, -f1,2 | LC_ALL=C sort | sha256sum` (docs/api.md).
 */
export async function snapshotChecksum(db: Db, listId: number, seq: number, algorithm: Algorithm | null): Promise<{ sha256: string; entries: number }> {
  const code = algorithm ? ALGORITHM_CODE[algorithm] : 0;
  const cached = await db.selectFrom("hash_snapshot").select(["sha256", "entries"]).where("list_id", "=", listId).where("seq", "=", seq).where("algorithm", "=", code).executeTakeFirst();
  if (cached) return { sha256: cached.sha256, entries: Number(cached.entries) };
  const hash = crypto.createHash("sha256");
  let entries = 0;
  for await (const page of snapshotPages(db, listId, seq, algorithm)) {
    hash.update(page.map(canonicalLine).join(""));
    entries += page.length;
  }
  const sha256 = hash.digest("hex");
  try {
    await db.insertInto("hash_snapshot").values({ list_id: listId, seq, algorithm: code, entries, sha256, created_at: Date.now() }).execute();
  } catch {
    // Another request computed it at the same time: the same figures.
  }
  return { sha256, entries };
}

export type SnapshotFormat = "csv" | "jsonl";

export const CSV_HEADER = "algorithm,value,quality,category\n";

function formatRows(rows: SnapshotRow[], format: SnapshotFormat): string {
  if (format === "csv") return rows.map((r) => `${r.algorithm},${valueToText(r.algorithm, r.value)},${r.quality ?? ""},${r.category}\n`).join("");
  return rows.map((r) => `{"algorithm":"${r.algorithm}","value":"${valueToText(r.algorithm, r.value)}","quality":${r.quality ?? "null"},"category":"${r.category}"}\n`).join("");
}

/** The snapshot as a byte stream (pulled page by page: memory does not grow with the list). */
export function snapshotStream(db: Db, listId: number, seq: number, algorithm: Algorithm | null, format: SnapshotFormat, onDone?: (entries: number) => void): ReadableStream<Uint8Array> {
  const pages = snapshotPages(db, listId, seq, algorithm);
  const encoder = new TextEncoder();
  let entries = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (format === "csv") controller.enqueue(encoder.encode(CSV_HEADER));
      }
      const next = await pages.next();
      if (next.done) {
        onDone?.(entries);
        controller.close();
        return;
      }
      entries += next.value.length;
      controller.enqueue(encoder.encode(formatRows(next.value, format)));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
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
 * The changes after checkpoint `since`, oldest first, at most `limit`: additions from the primary key,
 * removals from their index, merged by checkpoint. `next` is the checkpoint to ask from next time;
 * `more` says whether changes remain up to the list's current checkpoint `head` (read first, so a page
 * never reaches past what was committed when it was read).
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
  const [added, removed] = await Promise.all([
    db
      .selectFrom("hash_entry")
      .select(["added_seq as seq", "algorithm", "value", "quality", "category"])
      .where("list_id", "=", list.id)
      .where("added_seq", ">", since)
      .where("added_seq", "<=", head)
      .orderBy("added_seq")
      .limit(limit + 1)
      .execute(),
    db
      .selectFrom("hash_entry")
      .select(["removed_seq as seq", "algorithm", "value", "quality", "category"])
      .where("list_id", "=", list.id)
      .where("removed_seq", ">", since)
      .where("removed_seq", "<=", head)
      .orderBy("removed_seq")
      .limit(limit + 1)
      .execute(),
  ]);
  const all = [
    ...added.map((r) => ({ ...r, seq: Number(r.seq), op: "add" as const })),
    ...removed.map((r) => ({ ...r, seq: Number(r.seq), op: "remove" as const })),
  ].sort((a, b) => a.seq - b.seq);
  const page = all.slice(0, limit);
  const more = all.length > limit;
  const changes = page.map((r): Change => {
    const algorithm = algorithmOfCode(Number(r.algorithm));
    return { seq: r.seq, op: r.op, algorithm, value: valueToText(algorithm, r.value), quality: r.quality === null ? null : Number(r.quality), category: r.category };
  });
  return { from: since, next: more ? page[page.length - 1]!.seq : head, head, more, changes };
}

