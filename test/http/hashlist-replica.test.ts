/**
 * The hash-list API with a read replica (DATABASE_REPLICA_URL), on both engines: the replica is a
 * second real database that holds the hash lists as of the last "replication" (a copy of the two
 * tables), so that it lags behind the primary the way a real replica does. Changes and matches are
 * read from the replica with the replica's own heads; a client ahead of the replica, and every read
 * while the replica is down, is served by the primary; keys are checked on the primary (the replica
 * has none).
 */
import crypto from "node:crypto";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "#db/dialect";
import { bytesToHex, type HashEntry } from "~/modules/hashlist/values";
import { useTestDb } from "../support/db";
import { createUser, sessionCookie } from "../support/factories";
import { addToList, companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";
import { startTestServer, type TestServer } from "../support/server";
import { scratchDatabase } from "../support/spawn";

const ctx = useTestDb();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function sha256Entry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`replica-${n}`).digest());
  return { algorithm: "sha256", value, text: bytesToHex(value), quality: null, category: "A", source: "test" };
}
function pdqEntry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`replica-pdq-${n}`).digest());
  return { algorithm: "pdq", value, text: bytesToHex(value), quality: 90, category: "B", source: null };
}

/** The replica catches up: it gets the primary's hash lists as they are now. */
async function replicate(primary: Db, replica: Db) {
  const lists = await primary.selectFrom("hash_list").selectAll().execute();
  const entries = await primary.selectFrom("hash_entry").selectAll().execute();
  await replica.transaction().execute(async (trx) => {
    await trx.deleteFrom("hash_entry").execute();
    await trx.deleteFrom("hash_list").execute();
    await trx.insertInto("hash_list").values(lists).execute();
    for (let i = 0; i < entries.length; i += 500) await trx.insertInto("hash_entry").values(entries.slice(i, i + 500)).execute();
  });
}

async function setUp() {
  const replica = await scratchDatabase();
  cleanups.push(() => replica.drop());
  const { test, industry } = await setUpHashLists(ctx.db);
  await addToList(ctx.db, industry.id, [sha256Entry(1), sha256Entry(2), pdqEntry(1)]);
  const company = await companyWithAccess(ctx.db, [industry.id]);
  const { secret } = await keyFor(ctx.db, company, { listIds: [industry.id, test.id] });
  await replicate(ctx.db, replica.db);
  // Written after the last replication: the replica lags behind by these two checkpoints.
  await addToList(ctx.db, industry.id, [sha256Entry(3), pdqEntry(2)]);
  const server: TestServer = await startTestServer(ctx.db, { replica: replica.db });
  cleanups.push(() => server.close());
  const get = async (path: string) => {
    const res = await server.fetch(path, { headers: { Authorization: `Bearer ${secret}` } });
    return { status: res.status, body: (await res.json()) as { head: number; next: number; more: boolean; changes: { seq: number; op: string; value: string }[] } };
  };
  const match = async (entries: HashEntry[]) => {
    const res = await server.fetch("/api/v1/match", {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
      body: JSON.stringify({ lists: ["industry"], hashes: entries.map((e) => ({ algorithm: e.algorithm, value: e.text, ...(e.algorithm === "pdq" ? { quality: 90 } : {}) })) }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { matches: { index: number }[] }).matches.map((m) => m.index);
  };
  const staff = await createUser(ctx.db, { staffRole: "staff" });
  const staffCookie = await sessionCookie(ctx.db, staff.id);
  const statusPage = async () => (await server.fetch("/staff/status", { cookie: staffCookie })).text();
  return { replica, get, match, statusPage };
}

describe("the hash-list API with a read replica", () => {
  it("reads changes from the replica up to the replica's head, and from the primary for a client ahead of the replica", async () => {
    const { get } = await setUp();
    // From the replica: it has checkpoints 1–3, the primary 1–5. The page ends where the replica's data ends.
    const early = await get("/api/v1/lists/industry/changes?since=0");
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ head: 3, next: 3, more: false });
    expect(early.body.changes.map((c) => c.value)).toEqual([sha256Entry(1).text, sha256Entry(2).text, pdqEntry(1).text]);
    // A client that synchronised through the primary a moment ago holds checkpoint 4: the replica has
    // not reached it, so the primary answers (not checkpoint_invalid, not an empty page from the past).
    const ahead = await get("/api/v1/lists/industry/changes?since=4");
    expect(ahead.status).toBe(200);
    expect(ahead.body).toMatchObject({ head: 5, next: 5, more: false });
    expect(ahead.body.changes.map((c) => c.value)).toEqual([pdqEntry(2).text]);
    // A checkpoint the list never had is still refused, by the primary.
    expect((await get("/api/v1/lists/industry/changes?since=6")).status).toBe(400);
  });

  it("matches against the replica's state and catches up with it, PDQ index included", async () => {
    const { replica, match } = await setUp();
    const all = [sha256Entry(1), sha256Entry(3), pdqEntry(1), pdqEntry(2)];
    // The replica does not have sha256 3 and PDQ 2 yet.
    expect(await match(all)).toEqual([0, 2]);
    await replicate(ctx.db, replica.db);
    // The PDQ index was built as of the replica's head (3), not the primary's (5), so it now takes in checkpoints 4–5.
    expect(await match(all)).toEqual([0, 1, 2, 3]);
  });

  it("falls back to the primary when the replica fails in the middle of a read, then leaves the replica alone for a while", async () => {
    const { replica, get, match } = await setUp();
    // The heads can still be read on the replica, the entries cannot.
    await sql`DROP TABLE hash_entry`.execute(replica.db);
    const page = await get("/api/v1/lists/industry/changes?since=0");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ head: 5, more: false });
    expect(page.body.changes).toHaveLength(5);
    // Left alone: the primary answers at once, also for a read the replica's heads alone could serve.
    const again = await get("/api/v1/lists/industry/changes?since=3");
    expect(again.body).toMatchObject({ head: 5 });
    expect(await match([sha256Entry(3), pdqEntry(2)])).toEqual([0, 1]);
  });

  it("is served by the primary while the replica cannot be reached; the status page says how far behind the replica is, or that it is down", async () => {
    const { replica, get, match, statusPage } = await setUp();
    expect(await statusPage()).toContain("2 kontrollpunkter efter databasen");
    await replicate(ctx.db, replica.db);
    expect(await statusPage()).toContain("I fas med databasen");
    await addToList(ctx.db, (await ctx.db.selectFrom("hash_list").select("id").where("slug", "=", "industry").executeTakeFirstOrThrow()).id, [sha256Entry(4)]);
    await replica.db.destroy();
    expect(await statusPage()).toContain("Nås inte");
    const page = await get("/api/v1/lists/industry/changes?since=0");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ head: 6, more: false });
    expect(page.body.changes).toHaveLength(6);
    expect(await match([sha256Entry(3), pdqEntry(2), sha256Entry(4)])).toEqual([0, 1, 2]);
  });
});
