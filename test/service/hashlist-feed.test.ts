import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import fs from "node:fs";
import { readChanges, snapshotChecksum, snapshotPages, CSV_HEADER } from "~/modules/hashlist/feed.server";
import { SnapshotFiles } from "~/modules/hashlist/snapshot-files.server";
import { addEntries, canaryEntries, createHashList, ensureTestList, getHashList, PRUNE_GRACE_MS, pruneTombstones, removeEntries, TEST_LIST_SLUG } from "~/modules/hashlist/lists.server";
import { matchHashes } from "~/modules/hashlist/match.server";
import { bytesToHex, type HashEntry } from "~/modules/hashlist/values";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";

const ctx = useTestDb();
const actor = systemActor("test");

function sha256Entry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`entry-${n}`).digest());
  return { algorithm: "sha256", value, text: bytesToHex(value), quality: null, category: "B", source: "test" };
}
function md5Entry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("md5").update(`entry-${n}`).digest());
  return { algorithm: "md5", value, text: bytesToHex(value), quality: null, category: "A", source: null };
}
function pdqEntry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`pdq-${n}`).digest());
  return { algorithm: "pdq", value, text: bytesToHex(value), quality: 80 + (n % 20), category: "C", source: null };
}
const line = (e: { algorithm: string; text: string }) => `${e.algorithm},${e.text}`;

async function newList(slug = "industry") {
  return createHashList(ctx.db, actor, { slug, name: { sv: "Lista", en: "List" } });
}

async function snapshotSet(listId: number, seq: number): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const page of snapshotPages(ctx.db, listId, seq, null)) for (const r of page.rows) out.add(`${page.algorithm},${r.hex}`);
  return out;
}

const files = SnapshotFiles.temporary();
const readFile = (file: { path: string }) => fs.readFileSync(file.path, "utf8");

describe("hash lists", () => {
  it("numbers every addition and removal, counts duplicates, keeps tombstones and allows a value back", async () => {
    const list = await newList();
    const entries = [sha256Entry(1), sha256Entry(2), md5Entry(3), pdqEntry(4)];
    const first = await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [...entries, sha256Entry(1)]));
    expect(first).toEqual({ added: 4, duplicates: 1, lastSeq: 4 });
    const again = await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(2), sha256Entry(5)]));
    expect(again).toEqual({ added: 1, duplicates: 1, lastSeq: 5 });

    const removed = await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [sha256Entry(2), sha256Entry(99), sha256Entry(2)]));
    expect(removed).toEqual({ removed: 1, missing: 2, lastSeq: 6 });
    const back = await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(2)]));
    expect(back).toEqual({ added: 1, duplicates: 0, lastSeq: 7 });

    const after = (await getHashList(ctx.db, list.id))!;
    expect(after.lastSeq).toBe(7);
    expect(after.liveCount).toBe(5);
    const rows = await ctx.db.selectFrom("hash_entry").select(["added_seq", "removed_seq", "live"]).where("list_id", "=", list.id).orderBy("added_seq").execute();
    expect(rows.map((r) => [Number(r.added_seq), r.removed_seq === null ? null : Number(r.removed_seq), r.live === null ? null : Number(r.live)])).toEqual([
      [1, null, 1],
      [2, 6, null],
      [3, null, 1],
      [4, null, 1],
      [5, null, 1],
      [7, null, 1],
    ]);

    // As of checkpoint 6 the value was gone; as of 5 and 7 it was there.
    expect((await snapshotSet(list.id, 5)).has(line(sha256Entry(2)))).toBe(true);
    expect((await snapshotSet(list.id, 6)).has(line(sha256Entry(2)))).toBe(false);
    expect((await snapshotSet(list.id, 7)).size).toBe(5);
  });

  it("serves the snapshot in sorted order with a checksum anyone can recompute, in CSV and JSON lines", async () => {
    const list = await newList();
    const entries = [...Array.from({ length: 30 }, (_, i) => sha256Entry(i)), ...Array.from({ length: 20 }, (_, i) => md5Entry(i)), ...Array.from({ length: 10 }, (_, i) => pdqEntry(i))];
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, entries));
    const { lastSeq } = (await getHashList(ctx.db, list.id))!;

    const csvFile = await files.get(ctx.db, list.id, lastSeq, null, "csv");
    const csv = readFile(csvFile);
    expect(csv.startsWith(CSV_HEADER)).toBe(true);
    const lines = csv.slice(CSV_HEADER.length).trimEnd().split("\n");
    expect(lines).toHaveLength(60);
    const canonical = lines.map((l) => l.split(",").slice(0, 2).join(","));
    // The order is the lines' byte order (what `LC_ALL=C sort` gives).
    expect(canonical).toEqual([...canonical].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
    expect(new Set(canonical)).toEqual(new Set(entries.map(line)));
    const pdqLine = lines.find((l) => l.startsWith("pdq,"))!;
    expect(pdqLine).toMatch(/^pdq,[0-9a-f]{64},\d{2,3},C$/);

    const expected = crypto.createHash("sha256").update(canonical.map((l) => `${l}\n`).join("")).digest("hex");
    expect(csvFile).toMatchObject({ sha256: expected, entries: 60, bytes: Buffer.byteLength(csv) });
    expect(await snapshotChecksum(ctx.db, list.id, lastSeq, null)).toEqual({ sha256: expected, entries: 60 });
    // Kept: the second call reads it back.
    expect(await ctx.db.selectFrom("hash_snapshot").select("sha256").where("list_id", "=", list.id).execute()).toEqual([{ sha256: expected }]);

    const jsonl = readFile(await files.get(ctx.db, list.id, lastSeq, "md5", "jsonl"));
    const objects = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(objects).toHaveLength(20);
    expect(objects[0]).toEqual({ algorithm: "md5", value: expect.stringMatching(/^[0-9a-f]{32}$/), quality: null, category: "A" });
    const md5Sum = await snapshotChecksum(ctx.db, list.id, lastSeq, "md5");
    expect(md5Sum.entries).toBe(20);
    expect(md5Sum.sha256).toBe(crypto.createHash("sha256").update(objects.map((o) => `md5,${o.value}\n`).join("")).digest("hex"));
  });

  it("writes a checkpoint's snapshot file once, replaces it when the list changes, and never serves a file whose entries differ", async () => {
    const list = await newList();
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(1), sha256Entry(2), md5Entry(3)]));
    const seq1 = (await getHashList(ctx.db, list.id))!.lastSeq;
    // Asked for twice at once: written once.
    const [a, b] = await Promise.all([files.get(ctx.db, list.id, seq1, null, "csv"), files.get(ctx.db, list.id, seq1, null, "csv")]);
    expect(b.path).toBe(a.path);
    const written = fs.statSync(a.path).mtimeMs;
    const again = await files.get(ctx.db, list.id, seq1, null, "csv");
    expect(again).toEqual(a);
    expect(fs.statSync(again.path).mtimeMs).toBe(written);

    await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [sha256Entry(1)]));
    const seq2 = (await getHashList(ctx.db, list.id))!.lastSeq;
    const newer = await files.get(ctx.db, list.id, seq2, null, "csv");
    expect(newer.entries).toBe(2);
    expect(readFile(newer)).not.toContain(bytesToHex(sha256Entry(1).value));
    // The two newest checkpoints' files are kept (a download may have just been handed the older one).
    expect(fs.existsSync(a.path)).toBe(true);
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(4)]));
    const seq3 = (await getHashList(ctx.db, list.id))!.lastSeq;
    const newest = await files.get(ctx.db, list.id, seq3, null, "csv");
    expect(fs.existsSync(a.path)).toBe(false);
    expect(fs.existsSync(newer.path)).toBe(true);

    // A database restored from a backup: the same checkpoint number, other entries, no kept checksum.
    const other = md5Entry(77).value;
    await ctx.db.updateTable("hash_entry").set({ value: other }).where("list_id", "=", list.id).where("algorithm", "=", 1).execute();
    await ctx.db.deleteFrom("hash_snapshot").where("list_id", "=", list.id).execute();
    const restored = await files.get(ctx.db, list.id, seq3, null, "csv");
    expect(restored.sha256).not.toBe(newest.sha256);
    expect(readFile(restored)).toContain(bytesToHex(other));
    expect(restored.sha256).toBe((await snapshotChecksum(ctx.db, list.id, seq3, null)).sha256);
  });

  it("reads changes in checkpoint pages and refuses checkpoints it never had or no longer keeps", async () => {
    const list = await newList();
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(1), sha256Entry(2), sha256Entry(3)]));
    await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [sha256Entry(1)]));
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [md5Entry(4)]));
    const head = (await getHashList(ctx.db, list.id))!;
    const page1 = await readChanges(ctx.db, head, 0, 2);
    expect(page1).toMatchObject({ from: 0, next: 2, head: 5, more: true });
    expect(page1.changes.map((c) => [c.seq, c.op])).toEqual([
      [1, "add"],
      [2, "add"],
    ]);
    const page2 = await readChanges(ctx.db, head, page1.next, 10);
    expect(page2).toMatchObject({ from: 2, next: 5, head: 5, more: false });
    expect(page2.changes.map((c) => [c.seq, c.op, c.algorithm])).toEqual([
      [3, "add", "sha256"],
      [4, "remove", "sha256"],
      [5, "add", "md5"],
    ]);
    expect(page2.changes[1]!.value).toBe(sha256Entry(1).text);
    expect(await readChanges(ctx.db, head, 5, 10)).toMatchObject({ next: 5, more: false, changes: [] });

    const code = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AppError ? e.code : String(e)));
    expect(await code(readChanges(ctx.db, head, 6, 10))).toBe("checkpoint_invalid");
    expect(await code(readChanges(ctx.db, head, -1, 10))).toBe("checkpoint_invalid");
    expect(await code(readChanges(ctx.db, { ...head, minSeq: 3 }, 2, 10))).toBe("snapshot_required");
  });

  it("prunes old tombstones a run after raising min_seq: what is still served does not change, older deltas are refused", async () => {
    const DAY = 86_400_000;
    const now = Date.UTC(2026, 10, 1);
    const old = now - 100 * DAY;
    const list = await newList();
    const test = await ensureTestList(ctx.db, actor);
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [1, 2, 3, 4, 5].map(sha256Entry), old));
    await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [sha256Entry(1), sha256Entry(2)], old));
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [sha256Entry(6)], now - DAY));
    await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [sha256Entry(3)], now - DAY));
    await ctx.db.transaction().execute((trx) => removeEntries(trx, test.id, [canaryEntries()[0]!], old));
    const head = (await getHashList(ctx.db, list.id))!;
    const snapshot = await snapshotSet(list.id, head.lastSeq);
    const delta = await readChanges(ctx.db, head, 7, 100);
    const rows = () => ctx.db.selectFrom("hash_entry").select("added_seq").where("list_id", "=", list.id).execute();
    const code = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AppError ? e.code : String(e)));

    // First run: min_seq moves to the last removal older than 90 days (checkpoint 7); nothing is deleted yet.
    expect(await pruneTombstones(ctx.db, now, 90)).toMatchObject({ deleted: 0, raised: 1 });
    const raised = (await getHashList(ctx.db, list.id))!;
    expect(raised.minSeq).toBe(7);
    expect(await rows()).toHaveLength(6);
    expect(await code(readChanges(ctx.db, raised, 6, 100))).toBe("snapshot_required");
    // Run again at once (by hand, say): a delta that passed the old check may still be reading, so nothing goes.
    expect(await pruneTombstones(ctx.db, now + 60_000, 90)).toMatchObject({ deleted: 0, raised: 0 });
    expect(await rows()).toHaveLength(6);
    // A run once min_seq has stood for the grace period: the tombstones behind it go; the snapshot and
    // the deltas still served are the same.
    const later = now + PRUNE_GRACE_MS;
    expect(await pruneTombstones(ctx.db, later, 90)).toMatchObject({ deleted: 2, raised: 0 });
    expect(await rows()).toHaveLength(4);
    expect(await snapshotSet(list.id, head.lastSeq)).toEqual(snapshot);
    expect(await readChanges(ctx.db, raised, 7, 100)).toEqual(delta);
    expect(await pruneTombstones(ctx.db, later, 90)).toMatchObject({ deleted: 0, raised: 0 });
    // The test list keeps its canaries' history.
    expect((await getHashList(ctx.db, test.id))!.minSeq).toBe(0);
  });

  it("does not match a PDQ entry whose removal was pruned before the in-memory index caught up (the index is built again)", async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    const list = await newList();
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, [pdqEntry(1), pdqEntry(2)], now - 200 * DAY));
    const query = [{ index: 0, entry: pdqEntry(1) }];
    const matchList = async () => {
      const l = (await getHashList(ctx.db, list.id))!;
      return matchHashes(ctx.db, [{ id: l.id, slug: l.slug, lastSeq: l.lastSeq, minSeq: l.minSeq }], query, 0);
    };
    expect(await matchList()).toHaveLength(1);
    // Removed long ago and pruned before the index caught up: the index cannot learn of it from a delta.
    await ctx.db.transaction().execute((trx) => removeEntries(trx, list.id, [pdqEntry(1)], now - 100 * DAY));
    await pruneTombstones(ctx.db, now, 90);
    await pruneTombstones(ctx.db, now + PRUNE_GRACE_MS, 90);
    expect(await ctx.db.selectFrom("hash_entry").select("added_seq").where("list_id", "=", list.id).execute()).toHaveLength(1);
    expect(await matchList()).toEqual([]);
  });

  it("snapshot at T0 plus every delta to T1 is exactly the snapshot at T1, while writers run concurrently (property)", async () => {
    const list = await newList();
    await ctx.db.transaction().execute((trx) => addEntries(trx, list.id, Array.from({ length: 20 }, (_, i) => sha256Entry(i))));
    const op = fc.record({ remove: fc.boolean(), ids: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 8 }), md5: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 7 }), async (rounds, pageSize) => {
        const t0 = (await getHashList(ctx.db, list.id))!.lastSeq;
        const copy = await snapshotSet(list.id, t0);
        let checkpoint = t0;
        const apply = async () => {
          for (;;) {
            const current = (await getHashList(ctx.db, list.id))!;
            const page = await readChanges(ctx.db, current, checkpoint, pageSize);
            for (const c of page.changes) {
              const key = `${c.algorithm},${c.value}`;
              if (c.op === "add") copy.add(key);
              else copy.delete(key);
            }
            checkpoint = page.next;
            if (!page.more) return;
          }
        };
        for (const round of rounds) {
          // The writers of a round run at once; the client reads deltas while they do.
          await Promise.all([
            ...round.map((o) =>
              ctx.db.transaction().execute(async (trx): Promise<unknown> => {
                const items = o.ids.map((n) => (o.md5 ? md5Entry(n) : sha256Entry(n)));
                return o.remove ? removeEntries(trx, list.id, items) : addEntries(trx, list.id, items);
              }),
            ),
            apply(),
          ]);
        }
        await apply();
        const t1 = (await getHashList(ctx.db, list.id))!;
        expect(checkpoint).toBe(t1.lastSeq);
        const truth = await snapshotSet(list.id, t1.lastSeq);
        expect(copy).toEqual(truth);
        expect(truth.size).toBe(t1.liveCount);
      }),
      { numRuns: 25, seed: 20261129 },
    );
  });

  it("the test list exists once, with harmless canaries anyone can recompute", async () => {
    const list = await ensureTestList(ctx.db, actor);
    expect(await ensureTestList(ctx.db, actor)).toMatchObject({ id: list.id, slug: TEST_LIST_SLUG, isTest: true });
    expect(list.liveCount).toBe(canaryEntries().length);
    const set = await snapshotSet(list.id, list.lastSeq);
    expect(set.has(`sha256,${crypto.createHash("sha256").update("partnerportalen-canary-1").digest("hex")}`)).toBe(true);
    expect(set.has(`md5,${crypto.createHash("md5").update("partnerportalen-canary-5").digest("hex")}`)).toBe(true);
  });
});
