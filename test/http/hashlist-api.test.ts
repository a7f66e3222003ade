/**
 * The hash-list API over real HTTP, on the built portal: keys and their gates, the snapshot with its
 * checksum and ETag, delta pages, exact and PDQ matching, problem+json errors and rate limits.
 */
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey, rollApiKey } from "~/modules/api-keys/api-keys.server";
import { setHashlistGrants } from "~/modules/hashlist/access.server";
import { removeEntries } from "~/modules/hashlist/lists.server";
import { bytesToHex, type HashEntry } from "~/modules/hashlist/values";
import { decideOrganisation } from "~/modules/organisations/organisations.server";
import { systemActor } from "~/modules/audit/audit.server";
import { useTestDb } from "../support/db";
import { outbox } from "../support/factories";
import { addToList, companyWithAccess, engineerActor, keyFor, setUpHashLists } from "../support/hashlist";
import { startTestServer, type TestServer } from "../support/server";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { changesResponseSchema, listsResponseSchema, matchResponseSchema, problemSchema } from "~/modules/api/schemas";
import { followDb } from "../support/personas";

const ctx = useTestDb();
let server: TestServer;
/** The database as the server sees it: its API usage is counted per database object. */
const served = followDb(ctx);
const usageOfServer = () => server.apiUsage;
beforeAll(async () => {
  server = await startTestServer(served);
});
// What a test's requests counted belongs to that test's database: write it there before the next test.
afterEach(async () => server.apiUsage.flush(served));
afterAll(async () => server?.close());

const staff = systemActor("test staff");

function sha256Entry(n: number, category = "A"): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`api-${n}`).digest());
  return { algorithm: "sha256", value, text: bytesToHex(value), quality: null, category: category as HashEntry["category"], source: "test" };
}
function pdqEntry(n: number): HashEntry {
  const value = new Uint8Array(crypto.createHash("sha256").update(`pdq-${n}`).digest());
  return { algorithm: "pdq", value, text: bytesToHex(value), quality: 90, category: "B", source: null };
}
/** The hex of a PDQ value with `bits` of its bits flipped. */
function flip(hex: string, bits: number): string {
  const bytes = Buffer.from(hex, "hex");
  // Bits 0, 7, 14, … of the 256: distinct for up to 36 flips.
  for (let i = 0; i < bits; i++) bytes[(i * 7) >> 3]! ^= 0x80 >> ((i * 7) & 7);
  return bytes.toString("hex");
}

const get = (path: string, key: string | null, headers: Record<string, string> = {}) => server.fetch(path, { headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } });
const post = (path: string, key: string | null, body: unknown, headers: Record<string, string> = {}) =>
  server.fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers }, body: JSON.stringify(body) });

async function problem(res: Response) {
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return (await res.json()) as { code: string; status: number; title: string; errors?: { pointer: string }[] };
}

async function setUp() {
  const { test, industry } = await setUpHashLists(ctx.db);
  await addToList(ctx.db, industry.id, [sha256Entry(1), sha256Entry(2, "B"), sha256Entry(3), pdqEntry(1), pdqEntry(2)]);
  const company = await companyWithAccess(ctx.db, [industry.id]);
  const { secret } = await keyFor(ctx.db, company, { listIds: [industry.id, test.id] });
  return { test, industry, company, key: secret };
}

describe("hash-list API", () => {
  it("lists the key's lists; the snapshot streams sorted lines with a checksum that verifies, and 304 while unchanged", async () => {
    const { key } = await setUp();
    const lists = await get("/api/v1/lists", key);
    expect(lists.status).toBe(200);
    const body = (await lists.json()) as { lists: { list: string; entries: number; checkpoint: number; test: boolean }[] };
    expect(body.lists.map((l) => [l.list, l.entries, l.checkpoint, l.test])).toEqual([
      ["test", 20, 20, true],
      ["industry", 5, 5, false],
    ]);
    expect(lists.headers.get("RateLimit")).toMatch(/^limit=1200, remaining=\d+, reset=\d+$/);

    const snap = await get("/api/v1/lists/industry/snapshot", key);
    expect(snap.status).toBe(200);
    expect(snap.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(snap.headers.get("Hashlist-Checkpoint")).toBe("5");
    expect(snap.headers.get("Hashlist-Entries")).toBe("5");
    const csv = await snap.text();
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe("algorithm,value,quality,category");
    const canonical = lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","));
    expect(canonical).toEqual([...canonical].sort());
    const sum = crypto.createHash("sha256").update(canonical.map((l) => `${l}\n`).join("")).digest("hex");
    expect(snap.headers.get("Hashlist-Checksum")).toBe(`sha256=${sum}`);

    const etag = snap.headers.get("ETag")!;
    const again = await get("/api/v1/lists/industry/snapshot", key, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    const jsonl = await get("/api/v1/lists/industry/snapshot?algorithm=pdq", key, { Accept: "application/x-ndjson" });
    expect(jsonl.headers.get("Content-Type")).toMatch(/^application\/x-ndjson/);
    const objects = (await jsonl.text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(objects.map((o) => o.algorithm)).toEqual(["pdq", "pdq"]);
    expect(objects[0].quality).toBe(90);
    expect(jsonl.headers.get("ETag")).not.toBe(etag);
  });

  it("snapshot + changes reproduce the list after additions and removals; a stale checkpoint is told to start over", async () => {
    const { key, industry } = await setUp();
    const snap = await get("/api/v1/lists/industry/snapshot", key);
    const checkpoint = Number(snap.headers.get("Hashlist-Checkpoint"));
    const copy = new Set((await snap.text()).trimEnd().split("\n").slice(1).map((l) => l.split(",").slice(0, 2).join(",")));
    await addToList(ctx.db, industry.id, [sha256Entry(10), sha256Entry(11)]);
    await ctx.db.transaction().execute((trx) => removeEntries(trx, industry.id, [sha256Entry(1)]));
    let since = checkpoint;
    for (;;) {
      const res = await get(`/api/v1/lists/industry/changes?since=${since}&limit=2`, key);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { next: number; more: boolean; changes: { op: string; algorithm: string; value: string }[] };
      for (const c of page.changes) (c.op === "add" ? copy.add.bind(copy) : copy.delete.bind(copy))(`${c.algorithm},${c.value}`);
      since = page.next;
      if (!page.more) break;
    }
    const now = await get("/api/v1/lists/industry/snapshot", key);
    expect(Number(now.headers.get("Hashlist-Checkpoint"))).toBe(since);
    const truth = (await now.text()).trimEnd().split("\n").slice(1).map((l) => l.split(",").slice(0, 2).join(","));
    expect([...copy].sort()).toEqual(truth);

    expect((await problem(await get(`/api/v1/lists/industry/changes?since=${since + 1}`, key))).code).toBe("checkpoint_invalid");
    const bad = await problem(await get("/api/v1/lists/industry/changes?since=abc&limit=0", key));
    expect(bad.code).toBe("invalid_request");
    expect(bad.errors!.map((e) => e.pointer).sort()).toEqual(["#/query/limit", "#/query/since"]);
    await ctx.db.updateTable("hash_list").set({ min_seq: 3 }).where("id", "=", industry.id).execute();
    const gone = await get("/api/v1/lists/industry/changes?since=2", key);
    expect(gone.status).toBe(410);
    expect((await problem(gone)).code).toBe("snapshot_required");
  });

  it("matches exact hashes and PDQ near-duplicates with their distance, and refuses what cannot be matched", async () => {
    const { key } = await setUp();
    const near = flip(pdqEntry(1).text, 12);
    const far = flip(pdqEntry(2).text, 34);
    const res = await post("/api/v1/match", key, {
      hashes: [
        { algorithm: "sha256", value: sha256Entry(2).text.toUpperCase() },
        { algorithm: "sha256", value: sha256Entry(99).text },
        { algorithm: "pdq", value: near, quality: 80 },
        { algorithm: "pdq", value: far, quality: 80 },
        { algorithm: "pdq", value: pdqEntry(2).text, quality: 20 },
        { algorithm: "md5", value: "xyz" },
        { algorithm: "sha256", value: crypto.createHash("sha256").update("partnerportalen-canary-1").digest("hex") },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checked: number; matches: { index: number; list: string; distance: number; category: string; value: string }[]; refused: { index: number; code: string }[] };
    expect(body.checked).toBe(5);
    expect(body.matches.map((m) => [m.index, m.list, m.distance, m.category])).toEqual([
      [0, "industry", 0, "B"],
      [2, "industry", 12, "B"],
      [6, "test", 0, "unknown"],
    ]);
    expect(body.matches[1]!.value).toBe(pdqEntry(1).text);
    expect(body.refused).toEqual([
      { index: 4, code: "quality_too_low" },
      { index: 5, code: "value_not_hex" },
    ]);
    // A closer limit excludes the near-duplicate at 12.
    const strict = (await (await post("/api/v1/match", key, { hashes: [{ algorithm: "pdq", value: near, quality: 80 }], maxDistance: 10 })).json()) as { matches: unknown[] };
    expect(strict.matches).toEqual([]);
    // Only the lists asked for; a list the key may not use is 403.
    expect((await problem(await post("/api/v1/match", key, { hashes: [{ algorithm: "md5", value: "0".repeat(32) }], lists: ["other"] }))).code).toBe("list_not_allowed");
    for (const [body, code, status] of [
      [{ hashes: [] }, "invalid_request", 400],
      [{ hashes: Array.from({ length: 10_001 }, () => ({ algorithm: "md5", value: "0".repeat(32) })) }, "invalid_request", 400],
      [{ hashes: [{ algorithm: "md5", value: "0".repeat(32), extra: 1 }] }, "invalid_request", 400],
      [{ hashes: [{ algorithm: "pdq", value: near, quality: 80 }], maxDistance: 32 }, "invalid_request", 400],
    ] as const) {
      const r = await post("/api/v1/match", key, body);
      expect(r.status).toBe(status);
      expect((await problem(r)).code).toBe(code);
    }
    const notJson = await server.fetch("/api/v1/match", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "text/plain" }, body: "hello" });
    expect(notJson.status).toBe(415);
    const broken = await server.fetch("/api/v1/match", { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: "{" });
    expect((await problem(broken)).code).toBe("invalid_request");
    expect((await get("/api/v1/match", key)).status).toBe(405);
    // Nothing about the hashes that did not match is kept: the log has counts, not values.
    await usageOfServer().flush(served);
    const logged = JSON.stringify(await ctx.db.selectFrom("api_access_log").selectAll().execute());
    expect(logged).not.toContain(sha256Entry(99).text);
    expect(logged).not.toContain(far);
  });

  it("answers 401 for a missing, malformed, made-up, unknown, expired or revoked key, saying nothing more", async () => {
    const { key, company, industry } = await setUp();
    const forged = `${key.slice(0, 10)}${key[10] === "a" ? "b" : "a"}${key.slice(11)}`;
    const { secret: expired, id: expiredId } = await keyFor(ctx.db, company, { listIds: [industry.id] });
    await ctx.db.updateTable("api_key").set({ expires_at: Date.now() - 1 }).where("id", "=", expiredId).execute();
    const { secret: revoked, id: revokedId } = await keyFor(ctx.db, company, { listIds: [industry.id] });
    await revokeApiKey(ctx.db, engineerActor(company), company.organisation.id, revokedId);
    const unknown = "pphl_" + "A".repeat(32);
    for (const [label, headers] of [
      ["missing", {}],
      ["not bearer", { Authorization: `Basic ${key}` }],
      ["malformed", { Authorization: "Bearer nonsense" }],
      ["checksum", { Authorization: `Bearer ${forged}` }],
      ["unknown", { Authorization: `Bearer ${unknown}${"0".repeat(6)}` }],
      ["expired", { Authorization: `Bearer ${expired}` }],
      ["revoked", { Authorization: `Bearer ${revoked}` }],
    ] as const) {
      const res = await get("/api/v1/lists", null, headers);
      expect(res.status, label).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="hashlist"');
      const p = await problem(res);
      expect(p.code).toBe("invalid_key");
      expect(p.title).toBe("The API key is missing, malformed, unknown, expired or revoked.");
    }
    expect((await get("/api/v1/nothing-here", key)).status).toBe(404);
  });

  it("stops a revoked key on the very next request, and a rolled key after its grace period", async () => {
    const { key, company, industry } = await setUp();
    const { secret, id } = await keyFor(ctx.db, company, { listIds: [industry.id] });
    expect((await get("/api/v1/lists", secret)).status).toBe(200);
    await revokeApiKey(ctx.db, engineerActor(company), company.organisation.id, id);
    expect((await get("/api/v1/lists", secret)).status).toBe(401);

    const keys = await ctx.db.selectFrom("api_key").select(["id", "secret_sha256"]).execute();
    const original = keys.find((k) => k.secret_sha256 === crypto.createHash("sha256").update(key).digest("hex"))!;
    const rolled = await rollApiKey(ctx.db, engineerActor(company), company.organisation.id, original.id, 2);
    expect((await get("/api/v1/lists", key)).status).toBe(200); // in its grace period
    expect((await get("/api/v1/lists", rolled.secret)).status).toBe(200);
    await ctx.db.updateTable("api_key").set({ revoked_at: Date.now() - 1 }).where("id", "=", original.id).execute(); // the grace period is over
    expect((await get("/api/v1/lists", key)).status).toBe(401);
    const immediate = await rollApiKey(ctx.db, engineerActor(company), company.organisation.id, rolled.id, 0);
    expect((await get("/api/v1/lists", rolled.secret)).status).toBe(401);
    expect((await get("/api/v1/lists", immediate.secret)).status).toBe(200);
  });

  it("403 for a scope, a list or an address not allowed, and for an organisation whose access has lapsed", async () => {
    const { key, company, industry, test } = await setUp();
    const { secret: readOnly } = await keyFor(ctx.db, company, { listIds: [test.id], scopes: ["hashlist:read"], cidrs: ["192.0.2.0/24"] });
    const { secret: matchOnly } = await keyFor(ctx.db, company, { listIds: [test.id], scopes: ["hashlist:match"] });
    expect((await problem(await get("/api/v1/lists", readOnly))).code).toBe("address_not_allowed");
    const { secret: local } = await keyFor(ctx.db, company, { listIds: [test.id], scopes: ["hashlist:read"], cidrs: ["127.0.0.0/8", "::1/128"] });
    expect((await get("/api/v1/lists", local)).status).toBe(200);
    expect((await problem(await get("/api/v1/lists/industry/snapshot", local))).code).toBe("list_not_allowed");
    expect((await problem(await post("/api/v1/match", local, { hashes: [{ algorithm: "md5", value: "0".repeat(32) }] }))).code).toBe("scope_not_allowed");
    expect((await problem(await get("/api/v1/lists", matchOnly))).code).toBe("scope_not_allowed");

    // Staff withdraw the grants: every key stops at once, and the engineers are told.
    await setHashlistGrants(ctx.db, staff, company.organisation.id, []);
    const lapsed = await get("/api/v1/lists", key);
    expect(lapsed.status).toBe(403);
    expect((await problem(lapsed)).code).toBe("access_inactive");
    const mail = await outbox(ctx.db);
    expect(mail.filter((m) => m.to_address === company.members.engineer.email && m.template === "hashlist_access_lost")).toHaveLength(1);

    // Granted again, then the organisation is suspended: stopped again.
    await setHashlistGrants(ctx.db, staff, company.organisation.id, [industry.id]);
    expect((await get("/api/v1/lists", key)).status).toBe(200);
    await decideOrganisation(ctx.db, staff, company.organisation.id, "suspend", "Test");
    expect((await problem(await get("/api/v1/lists", key))).code).toBe("access_inactive");
  });

  it("with the production setting, keeps the database's answer about a key for a moment: checkpoints stay current, and a change made through the portal holds from the next request", async () => {
    const { key, company, industry } = await setUp();
    const cached = await startTestServer(served, { apiKeyCacheMs: 60_000 });
    try {
      const lists = async () => ((await (await cached.fetch("/api/v1/lists", { headers: { Authorization: `Bearer ${key}` } })).json()) as { lists: { list: string; checkpoint: number }[] }).lists;
      expect((await lists()).find((l) => l.list === "industry")!.checkpoint).toBe(5);
      // The key's answer is kept, the list's checkpoint is not.
      await addToList(ctx.db, industry.id, [sha256Entry(10)]);
      expect((await lists()).find((l) => l.list === "industry")!.checkpoint).toBe(6);
      // Access withdrawn behind the server's back (another server, a script): the kept answer still stands…
      await setHashlistGrants(ctx.db, staff, company.organisation.id, []);
      expect((await cached.fetch("/api/v1/lists", { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
      // …until this server handles any change: then the next request asks the database again.
      expect((await cached.fetch("/lang", { form: { lng: "en", redirectTo: "/" } })).status).toBe(302);
      const refused = await cached.fetch("/api/v1/lists", { headers: { Authorization: `Bearer ${key}` } });
      expect(refused.status).toBe(403);
      expect((await problem(refused)).code).toBe("access_inactive");
    } finally {
      await cached.apiUsage.flush(served);
      await cached.close();
    }
  });

  it("one company's key never reaches another company's lists or usage", async () => {
    const { key, industry } = await setUp();
    const other = await companyWithAccess(ctx.db, [industry.id], { name: "Annat AB" });
    const { secret: otherKey } = await keyFor(ctx.db, other, { listIds: [industry.id] });
    // A list only the other company was granted.
    const { createHashList } = await import("~/modules/hashlist/lists.server");
    const privateList = await createHashList(ctx.db, staff, { slug: "private", name: { sv: "Privat", en: "Private" } });
    await setHashlistGrants(ctx.db, staff, other.organisation.id, [industry.id, privateList.id]);
    expect((await problem(await get("/api/v1/lists/private/snapshot", key))).code).toBe("list_not_allowed");
    expect((await problem(await get("/api/v1/lists/private/changes?since=0", otherKey))).code).toBe("list_not_allowed"); // granted, but not one of this key's lists
    await get("/api/v1/lists", key);
    await get("/api/v1/lists", otherKey);
    await get("/api/v1/lists", otherKey);
    await usageOfServer().flush(served);
    const usage = await ctx.db.selectFrom("api_key_usage as u").innerJoin("api_key as k", "k.id", "u.key_id").select(["k.organisation_id", "u.ok", "u.refused"]).execute();
    const ofOther = usage.filter((u) => u.organisation_id === other.organisation.id);
    expect(ofOther.reduce((n, u) => n + Number(u.ok), 0)).toBe(2);
    expect(ofOther.reduce((n, u) => n + Number(u.refused), 0)).toBe(1);
  });

  it("rate-limits each key with 429, Retry-After and RateLimit headers; the daily quota too", async () => {
    const { key, company, test } = await setUp();
    const usage = usageOfServer();
    usage.setLimits({ perMinute: 3, perDay: 5 });
    try {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 5; i++) {
        const r = await get("/api/v1/lists", key);
        statuses.push(r.status);
        if (r.status === 429) limited = r;
      }
      // The minute window may roll over during the loop; either way at most 3 a minute pass.
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
      if (limited) {
        expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
        expect(limited.headers.get("RateLimit")).toMatch(/remaining=0/);
        expect((await problem(limited)).code).toBe("rate_limited");
      }
      // Another key of the same company has limits of its own.
      const { secret } = await keyFor(ctx.db, company, { listIds: [test.id] });
      expect((await get("/api/v1/lists", secret)).status).toBe(200);
      // The daily quota counts every process's requests once flushed.
      await usage.flush(served);
      await ctx.db.updateTable("api_key_usage").set({ ok: 5 }).execute();
      await usage.flush(served);
      await get("/api/v1/lists", secret); // counted, then flushed: the totals come back
      await usage.flush(served);
      const over = await get("/api/v1/lists", secret);
      expect(over.status).toBe(429);
      expect((await problem(over)).code).toBe("quota_exceeded");
    } finally {
      usage.setLimits(null);
    }
  });

  it("publishes an OpenAPI 3.1 document generated from the schemas, and real answers conform to them", async () => {
    const { key, industry } = await setUp();
    const doc = (await (await server.fetch("/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/lists", "/lists/{list}/changes", "/lists/{list}/snapshot", "/match"]);
    expect(Object.keys(doc.paths["/lists/{list}/changes"]!.get!.responses).sort()).toEqual(["200", "400", "401", "403", "410", "429"]);
    expect(Object.keys(doc.components.schemas.MatchRequest!.properties!)).toEqual(["hashes", "lists", "maxDistance"]);
    listsResponseSchema.parse(await (await get("/api/v1/lists", key)).json());
    changesResponseSchema.parse(await (await get(`/api/v1/lists/${industry.slug}/changes?since=0`, key)).json());
    matchResponseSchema.parse(await (await post("/api/v1/match", key, { hashes: [{ algorithm: "sha256", value: sha256Entry(1).text }] })).json());
    problemSchema.parse(await (await get("/api/v1/lists", null)).json());
  });

  it("the reference client keeps a verified local copy in sync with snapshot and changes", async () => {
    const { key, industry } = await setUp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-sync-"));
    const sync = () =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/hashlist-sync.ts", "--url", server.url, "--list", "industry", "--dir", dir], {
        env: { ...process.env, PARTNERPORTALEN_API_KEY: key },
      });
    try {
      expect((await sync()).stdout).toMatch(/Snapshot of "industry": 5 entries at checkpoint 5, checksum verified\./);
      await addToList(ctx.db, industry.id, [sha256Entry(20), pdqEntry(20)]);
      await ctx.db.transaction().execute((trx) => removeEntries(trx, industry.id, [sha256Entry(1)]));
      expect((await sync()).stdout).toMatch(/3 changes applied, now 6 entries at checkpoint 8, checksum verified\./);
      const local = fs.readFileSync(path.join(dir, "industry.csv"), "utf8");
      const served = await (await get("/api/v1/lists/industry/snapshot", key)).text();
      expect(local).toBe(served);
      expect((await sync()).stdout).toMatch(/0 changes applied, now 6 entries at checkpoint 8/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
