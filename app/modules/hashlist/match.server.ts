import type { Db } from "#db/dialect";
import { liveAt, yieldToEventLoop } from "./feed.server";
import { bruteForce, PdqIndex, PDQ_MAX_DISTANCE, PDQ_WORDS, type PdqMatch } from "./pdq-index";
import { ALGORITHM_CODE, bytesToHex, type Algorithm, type HashEntry } from "./values";

/**
 * Matching a batch of hashes against lists: exact look-ups in the database for cryptographic hashes
 * (and PhotoDNA, which we can store but not compare), a Hamming-distance search in memory for PDQ.
 * Nothing about the hashes that did not match is kept anywhere.
 */
export interface MatchList {
  id: number;
  slug: string;
  lastSeq: number;
  minSeq: number;
}

export interface MatchResult {
  /** The position of the hash in the request. */
  index: number;
  list: string;
  algorithm: Algorithm;
  /** The value on the list (for PDQ, the near-duplicate found). */
  value: string;
  category: string;
  distance: number;
}

const PDQ = ALGORITHM_CODE.pdq;
const CHUNK = 1000;

// ——— PDQ: an index per list and process, kept current from the list's changes ———

/** Additions since the index was built wait in a small overflow, searched by brute force. */
interface PdqState {
  seq: number;
  index: PdqIndex;
  extraIds: number[];
  extraHashes: Uint32Array;
  extraRemoved: Set<number>;
}

const OVERFLOW_REBUILD = 20_000;
const states = new WeakMap<Db, Map<number, Promise<PdqState>>>();

function toWords(value: Uint8Array, into: Uint32Array, offset: number) {
  for (let w = 0; w < PDQ_WORDS; w++) {
    const b = w * 4;
    into[offset + w] = ((value[b]! << 24) | (value[b + 1]! << 16) | (value[b + 2]! << 8) | value[b + 3]!) >>> 0;
  }
}

async function buildState(db: Db, listId: number, seq: number): Promise<PdqState> {
  // Live as of seq, read in keyset pages by added_seq (the entries' ids here).
  const ids: number[] = [];
  let hashes = new Uint32Array(1024 * PDQ_WORDS);
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("hash_entry")
      .select(["added_seq", "value"])
      .where("list_id", "=", listId)
      .where("algorithm", "=", PDQ)
      .where("added_seq", ">", after)
      .where("added_seq", "<=", seq)
      .where(liveAt(seq))
      .orderBy("added_seq")
      .limit(10_000)
      .execute();
    await yieldToEventLoop();
    for (const r of rows) {
      if ((ids.length + 1) * PDQ_WORDS > hashes.length) {
        const grown = new Uint32Array(hashes.length * 2);
        grown.set(hashes);
        hashes = grown;
      }
      toWords(r.value, hashes, ids.length * PDQ_WORDS);
      ids.push(Number(r.added_seq));
    }
    if (rows.length < 10_000) break;
    after = Number(rows[rows.length - 1]!.added_seq);
  }
  return { seq, index: PdqIndex.build(ids, hashes.subarray(0, ids.length * PDQ_WORDS)), extraIds: [], extraHashes: new Uint32Array(0), extraRemoved: new Set() };
}

/** Brings a state up to `head` with the PDQ additions and removals after its checkpoint. */
async function advance(db: Db, listId: number, state: PdqState, head: number): Promise<PdqState> {
  if (head <= state.seq) return state;
  const [added, removed] = await Promise.all([
    db.selectFrom("hash_entry").select(["added_seq", "value"]).where("list_id", "=", listId).where("algorithm", "=", PDQ).where("added_seq", ">", state.seq).where("added_seq", "<=", head).execute(),
    db.selectFrom("hash_entry").select(["added_seq"]).where("list_id", "=", listId).where("algorithm", "=", PDQ).where("removed_seq", ">", state.seq).where("removed_seq", "<=", head).execute(),
  ]);
  if (state.extraIds.length + added.length > OVERFLOW_REBUILD) return buildState(db, listId, head);
  const extraHashes = new Uint32Array((state.extraIds.length + added.length) * PDQ_WORDS);
  extraHashes.set(state.extraHashes);
  const extraIds = [...state.extraIds];
  for (const r of added) {
    toWords(r.value, extraHashes, extraIds.length * PDQ_WORDS);
    extraIds.push(Number(r.added_seq));
  }
  const extraRemoved = new Set(state.extraRemoved);
  for (const r of removed) {
    const id = Number(r.added_seq);
    // An entry added and removed since the build is in the overflow; older ones are in the index.
    if (!state.index.remove(id)) extraRemoved.add(id);
  }
  return { seq: head, index: state.index, extraIds, extraHashes, extraRemoved };
}

/**
 * The list's PDQ index as of `head` (built on first use, then kept current). An index older than the
 * list's `minSeq` is built again: the tombstones it would need to catch up may have been pruned.
 */
async function pdqState(db: Db, listId: number, head: number, minSeq: number): Promise<PdqState> {
  let byList = states.get(db);
  if (!byList) states.set(db, (byList = new Map()));
  const previous = byList.get(listId);
  const next = (previous ?? Promise.resolve(null)).then(
    (s) => (s && s.seq >= minSeq ? advance(db, listId, s, head) : buildState(db, listId, head)),
    () => buildState(db, listId, head),
  );
  byList.set(listId, next);
  return next;
}

function searchPdq(state: PdqState, query: Uint32Array, maxDistance: number): PdqMatch[] {
  const found = state.index.query(query, 0, maxDistance);
  if (state.extraIds.length) {
    for (const m of bruteForce(state.extraHashes, state.extraIds, query, 0, maxDistance)) if (!state.extraRemoved.has(m.id)) found.push(m);
  }
  return found;
}

// ——— The batch ———

export async function matchHashes(db: Db, lists: MatchList[], hashes: { index: number; entry: Pick<HashEntry, "algorithm" | "value"> }[], maxDistance = PDQ_MAX_DISTANCE): Promise<MatchResult[]> {
  const results: MatchResult[] = [];
  const listIds = lists.map((l) => l.id);
  const slugOf = new Map(lists.map((l) => [l.id, l.slug]));

  // Exact: one query per algorithm and chunk, over all lists at once.
  for (const algorithm of ["md5", "sha1", "sha256", "photodna"] as const) {
    const batch = hashes.filter((h) => h.entry.algorithm === algorithm);
    for (let i = 0; i < batch.length; i += CHUNK) {
      const chunk = batch.slice(i, i + CHUNK);
      const rows = await db
        .selectFrom("hash_entry")
        .select(["list_id", "value", "category"])
        .where("list_id", "in", listIds)
        .where("algorithm", "=", ALGORITHM_CODE[algorithm])
        .where("live", "=", 1)
        .where(
          "value",
          "in",
          chunk.map((h) => h.entry.value),
        )
        .execute();
      if (!rows.length) continue;
      const byValue = new Map<string, typeof rows>();
      for (const r of rows) {
        const key = bytesToHex(r.value);
        byValue.set(key, [...(byValue.get(key) ?? []), r]);
      }
      for (const h of chunk) {
        const key = bytesToHex(h.entry.value);
        for (const r of byValue.get(key) ?? []) results.push({ index: h.index, list: slugOf.get(Number(r.list_id))!, algorithm, value: key, category: r.category, distance: 0 });
      }
    }
  }

  // PDQ: the in-memory index of each list, then the categories of what was found.
  const pdq = hashes.filter((h) => h.entry.algorithm === "pdq");
  if (pdq.length) {
    const query = new Uint32Array(PDQ_WORDS);
    for (const list of lists) {
      const state = await pdqState(db, list.id, list.lastSeq, list.minSeq);
      const found: { index: number; id: number; distance: number }[] = [];
      for (const h of pdq) {
        toWords(h.entry.value, query, 0);
        for (const m of searchPdq(state, query, maxDistance)) found.push({ index: h.index, id: m.id, distance: m.distance });
      }
      const ids = [...new Set(found.map((f) => f.id))];
      const entries = new Map<number, { value: Uint8Array; category: string }>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await db.selectFrom("hash_entry").select(["added_seq", "value", "category"]).where("list_id", "=", list.id).where("added_seq", "in", ids.slice(i, i + CHUNK)).execute();
        for (const r of rows) entries.set(Number(r.added_seq), { value: r.value, category: r.category });
      }
      for (const f of found) {
        const e = entries.get(f.id);
        if (e) results.push({ index: f.index, list: list.slug, algorithm: "pdq", value: bytesToHex(e.value), category: e.category, distance: f.distance });
      }
    }
  }
  return results.sort((a, b) => a.index - b.index || a.distance - b.distance || a.list.localeCompare(b.list) || a.value.localeCompare(b.value));
}
