import crypto from "node:crypto";
import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { lockRows } from "#db/lock";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { AppError } from "~/utils/errors";
import { ALGORITHM_CODE, ALGORITHMS, bytesToHex, type Algorithm, type HashEntry } from "./values";

export interface HashList {
  id: number;
  slug: string;
  name: { sv: string; en: string };
  description: { sv: string | null; en: string | null };
  isTest: boolean;
  /** The list's checkpoint: the number of the last addition or removal. */
  lastSeq: number;
  /** Deltas are available after this checkpoint; a client behind it takes the snapshot. */
  minSeq: number;
  liveCount: number;
  updatedAt: number;
}

const columns = ["id", "slug", "name_sv", "name_en", "description_sv", "description_en", "is_test", "last_seq", "min_seq", "live_count", "updated_at"] as const;
type Row = { id: number; slug: string; name_sv: string; name_en: string; description_sv: string | null; description_en: string | null; is_test: number; last_seq: number; min_seq: number; live_count: number; updated_at: number };
const toList = (r: Row): HashList => ({
  id: Number(r.id),
  slug: r.slug,
  name: { sv: r.name_sv, en: r.name_en },
  description: { sv: r.description_sv, en: r.description_en },
  isTest: Number(r.is_test) === 1,
  lastSeq: Number(r.last_seq),
  minSeq: Number(r.min_seq),
  liveCount: Number(r.live_count),
  updatedAt: Number(r.updated_at),
});

export async function listHashLists(db: Db): Promise<HashList[]> {
  return (await db.selectFrom("hash_list").select(columns).orderBy("is_test", "desc").orderBy("slug").execute()).map(toList);
}

export async function getHashList(db: Db, idOrSlug: number | string): Promise<HashList | null> {
  const q = db.selectFrom("hash_list").select(columns);
  const row = await (typeof idOrSlug === "number" ? q.where("id", "=", idOrSlug) : q.where("slug", "=", idOrSlug)).executeTakeFirst();
  return row ? toList(row) : null;
}

export const TEST_LIST_SLUG = "test";

export async function createHashList(
  db: Db,
  actor: Actor,
  input: { slug: string; name: { sv: string; en: string }; description?: { sv: string; en: string } | null; isTest?: boolean },
): Promise<HashList> {
  return db.transaction().execute(async (trx) => {
    if (await getHashList(trx, input.slug)) throw new AppError("list_slug_taken", 409, { fieldErrors: { slug: "list_slug_taken" } });
    // A small integer id, the next free one: lists are few, and their id keys millions of entries.
    const max = await trx.selectFrom("hash_list").select((eb) => eb.fn.max("id").as("max")).executeTakeFirst();
    const id = Number(max?.max ?? 0) + 1;
    const now = Date.now();
    await trx
      .insertInto("hash_list")
      .values({
        id,
        slug: input.slug,
        name_sv: input.name.sv,
        name_en: input.name.en,
        description_sv: input.description?.sv ?? null,
        description_en: input.description?.en ?? null,
        is_test: input.isTest ? 1 : 0,
        last_seq: 0,
        min_seq: 0,
        min_seq_raised_at: 0,
        live_count: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, actor, { action: "hashlist.created", targetType: "hash_list", targetId: String(id), details: { slug: input.slug } });
    return (await getHashList(trx, id))!;
  });
}

/**
 * Takes the list's row lock and returns its checkpoint: additions and removals are numbered after it.
 * On MariaDB the lock must come before the transaction's first plain read (which fixes its snapshot).
 */
async function lockList(trx: Db, listId: number): Promise<{ lastSeq: number; liveCount: number }> {
  await lockRows(trx, { table: "hash_list", where: sql`id = ${listId}` });
  const row = await trx.selectFrom("hash_list").select(["last_seq", "live_count"]).where("id", "=", listId).executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return { lastSeq: Number(row.last_seq), liveCount: Number(row.live_count) };
}

const keyOf = (algorithm: Algorithm | number, value: Uint8Array) => `${typeof algorithm === "number" ? algorithm : ALGORITHM_CODE[algorithm]}:${bytesToHex(value)}`;

/** Which of these (algorithm, value) pairs are live on the list, as keys `code:hex`. */
async function liveKeys(trx: Db, listId: number, items: { algorithm: Algorithm; value: Uint8Array }[]): Promise<Set<string>> {
  const live = new Set<string>();
  for (const algorithm of ALGORITHMS) {
    const values = items.filter((i) => i.algorithm === algorithm).map((i) => i.value);
    if (!values.length) continue;
    const rows = await trx
      .selectFrom("hash_entry")
      .select(["value"])
      .where("list_id", "=", listId)
      .where("algorithm", "=", ALGORITHM_CODE[algorithm])
      .where("live", "=", 1)
      .where("value", "in", values)
      .execute();
    for (const r of rows) live.add(keyOf(algorithm, r.value));
  }
  return live;
}

/**
 * Adds entries to a list, in one transaction with the list's row lock held: each new entry takes the
 * next checkpoint number, so checkpoints are committed in order and a delta never skips one. Values
 * already live on the list (or twice in the batch) are counted as duplicates, not errors. Call with a
 * transaction, in batches of a few thousand.
 */
export async function addEntries(trx: Db, listId: number, entries: HashEntry[], now = Date.now()): Promise<{ added: number; duplicates: number; lastSeq: number }> {
  const { lastSeq } = await lockList(trx, listId);
  const live = await liveKeys(trx, listId, entries);
  let seq = lastSeq;
  const rows = [];
  for (const e of entries) {
    const key = keyOf(e.algorithm, e.value);
    if (live.has(key)) continue;
    live.add(key);
    rows.push({
      list_id: listId,
      added_seq: ++seq,
      algorithm: ALGORITHM_CODE[e.algorithm],
      value: e.value,
      quality: e.quality,
      category: e.category,
      source: e.source,
      added_at: now,
      removed_seq: null,
      removed_at: null,
      live: 1,
    });
  }
  // 12 columns a row: stay under SQLite's 32,766 bound parameters and MySQL's packet size.
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto("hash_entry").values(rows.slice(i, i + 1000)).execute();
  if (rows.length) {
    await trx
      .updateTable("hash_list")
      .set((eb) => ({ last_seq: seq, live_count: eb("live_count", "+", rows.length), updated_at: now }))
      .where("id", "=", listId)
      .execute();
  }
  return { added: rows.length, duplicates: entries.length - rows.length, lastSeq: seq };
}

/** Removes entries (tombstones: the row stays, with the checkpoint of its removal). */
export async function removeEntries(trx: Db, listId: number, items: { algorithm: Algorithm; value: Uint8Array }[], now = Date.now()): Promise<{ removed: number; missing: number; lastSeq: number }> {
  const { lastSeq } = await lockList(trx, listId);
  const live = await liveKeys(trx, listId, items);
  let seq = lastSeq;
  const done = new Set<string>();
  for (const item of items) {
    const key = keyOf(item.algorithm, item.value);
    if (!live.has(key) || done.has(key)) continue;
    done.add(key);
    await trx
      .updateTable("hash_entry")
      .set({ removed_seq: ++seq, removed_at: now, live: null })
      .where("list_id", "=", listId)
      .where("algorithm", "=", ALGORITHM_CODE[item.algorithm])
      .where("value", "=", item.value)
      .where("live", "=", 1)
      .execute();
  }
  if (done.size) {
    await trx
      .updateTable("hash_list")
      .set((eb) => ({ last_seq: seq, live_count: eb("live_count", "-", done.size), updated_at: now }))
      .where("id", "=", listId)
      .execute();
  }
  return { removed: done.size, missing: items.length - done.size, lastSeq: seq };
}

/**
 * Staff strike single entries from a list (tombstones, like an import in remove mode), audited with
 * the values. The test list keeps its documented canaries: it cannot be changed.
 */
export async function removeEntriesByStaff(db: Db, actor: Actor, listId: number, items: { algorithm: Algorithm; value: Uint8Array }[]): Promise<{ removed: number; missing: number; lastSeq: number }> {
  return db.transaction().execute(async (trx) => {
    // The list's lock before any read: on MariaDB the first plain read fixes the transaction's
    // snapshot, and one taken before the lock would miss a concurrent removal (the entry counted and
    // audited twice, the checkpoint numbered from a stale last_seq).
    await lockRows(trx, { table: "hash_list", where: sql`id = ${listId}` });
    const list = await getHashList(trx, listId);
    if (!list) throw new AppError("not_found", 404);
    if (list.isTest) throw new AppError("test_list_fixed", 409);
    const result = await removeEntries(trx, listId, items);
    if (result.removed) {
      await recordAudit(trx, actor, {
        action: "hashlist.entries_removed",
        targetType: "hash_list",
        targetId: String(listId),
        details: { removed: result.removed, missing: result.missing, values: items.slice(0, 20).map((i) => `${i.algorithm}:${bytesToHex(i.value)}`) },
      });
    }
    return result;
  });
}

/** The harmless canaries of the test list: hashes of short texts anyone can compute (docs/api.md). */
export function canaryEntries(): HashEntry[] {
  const entries: HashEntry[] = [];
  for (let n = 1; n <= 5; n++) {
    const text = `partnerportalen-canary-${n}`;
    for (const algorithm of ["md5", "sha1", "sha256"] as const) {
      const value = new Uint8Array(crypto.createHash(algorithm).update(text).digest());
      entries.push({ algorithm, value, text: bytesToHex(value), quality: null, category: "unknown", source: "canary" });
    }
    // Not a PDQ hash of an image: 256 fixed bits, for testing PDQ matching end to end.
    const pdq = new Uint8Array(crypto.createHash("sha256").update(`partnerportalen-canary-pdq-${n}`).digest());
    entries.push({ algorithm: "pdq", value: pdq, text: bytesToHex(pdq), quality: 100, category: "unknown", source: "canary" });
  }
  return entries;
}

/** The test list exists on every portal, with its canaries. Idempotent (start-up). */
export async function ensureTestList(db: Db, actor: Actor): Promise<HashList> {
  const existing = await getHashList(db, TEST_LIST_SLUG);
  if (existing) return existing;
  const list = await createHashList(db, actor, {
    slug: TEST_LIST_SLUG,
    name: { sv: "Testlista", en: "Test list" },
    description: {
      sv: "Ofarliga kanariehashar för att prova integrationen från början till slut. Ingår för alla organisationer med åtkomst.",
      en: "Harmless canary hashes for testing an integration end to end. Included for every organisation with access.",
    },
    isTest: true,
  });
  await db.transaction().execute((trx) => addEntries(trx, list.id, canaryEntries()));
  return (await getHashList(db, list.id))!;
}

/**
 * Prunes a list's old tombstones, in two steps at least PRUNE_GRACE_MS apart, so that no reader is
 * ever served a delta with a hole in it:
 * 1. Tombstones at or before `min_seq` are deleted (in batches, each its own statement), once
 *    `min_seq` has been where it is for PRUNE_GRACE_MS: every delta since then that reached back that
 *    far was refused with 410 `snapshot_required`, and no request still running can have passed the
 *    check against the older `min_seq` (however soon the job is run again, e.g. by hand).
 * 2. `min_seq` is raised to the last removal older than `days` (under the list's row lock, so it never
 *    passes a checkpoint being written), and the time is kept. From then on a client behind it takes
 *    the snapshot again.
 * An entry added and removed before `min_seq` appears in no snapshot and no delta that is still served,
 * so deleting its row changes no answer. The test list is never pruned (its canaries stay put).
 */
export const PRUNE_GRACE_MS = 3_600_000;

export async function pruneTombstones(db: Db, now: number, days: number): Promise<{ lists: number; deleted: number; raised: number }> {
  const lists = await db.selectFrom("hash_list").select(["id", "min_seq", "min_seq_raised_at"]).where("is_test", "=", 0).orderBy("id").execute();
  let deleted = 0;
  let raised = 0;
  for (const list of lists) {
    // Both steps wait until min_seq has stood for the grace period: it is also raised at most once a
    // period, so that a short interval cannot keep postponing step 1.
    if (now - Number(list.min_seq_raised_at) < PRUNE_GRACE_MS) continue;
    const minSeq = Number(list.min_seq);
    for (;;) {
      const rows = await db
        .selectFrom("hash_entry")
        .select("added_seq")
        .where("list_id", "=", list.id)
        .where("removed_seq", "<=", minSeq)
        .orderBy("removed_seq")
        .limit(5000)
        .execute();
      if (!rows.length) break;
      const result = await db
        .deleteFrom("hash_entry")
        .where("list_id", "=", list.id)
        .where(
          "added_seq",
          "in",
          rows.map((r) => r.added_seq),
        )
        .where("removed_seq", "<=", minSeq)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
      if (rows.length < 5000) break;
    }
    const cutoff = await db
      .selectFrom("hash_entry")
      .select((eb) => eb.fn.max("removed_seq").as("seq"))
      .where("list_id", "=", list.id)
      .where("removed_seq", "is not", null)
      .where("removed_at", "<", now - days * 86_400_000)
      .executeTakeFirst();
    const seq = Number(cutoff?.seq ?? 0);
    if (seq > minSeq) {
      await db.transaction().execute(async (trx) => {
        await lockList(trx, list.id);
        await trx.updateTable("hash_list").set({ min_seq: seq, min_seq_raised_at: now }).where("id", "=", list.id).where("min_seq", "<", seq).execute();
      });
      raised++;
    }
  }
  return { lists: lists.length, deleted, raised };
}
