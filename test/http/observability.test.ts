/**
 * Health, readiness and metrics over real HTTP, on the engine the suite runs on (SQLite, or MariaDB
 * with TEST_DATABASE_URL): /readyz with a database that is current, behind, ahead or gone; /metrics
 * behind its token, its counts moving, its labels bounded; the answers once shutdown has begun.
 */
import crypto from "node:crypto";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "#db/dialect";
import { createMigrator } from "#db/migrate";
import { migrations } from "#db/migrations/index";
import { Lifecycle } from "~/http/lifecycle";
import { routeLabeller } from "~/http/route-label";
import { Scheduler } from "~/modules/jobs/scheduler.server";
import { isLoopback, metricsAccess, metricsRegistry, recordJobRun, tokenMatches } from "~/modules/metrics/metrics.server";
import { checkReadiness } from "~/modules/ops/readiness.server";
import { useTestDb } from "../support/db";
import { createCompany, createUser, sessionCookie } from "../support/factories";
import { followDb } from "../support/personas";
import { loadBuild, startTestServer, type TestServer } from "../support/server";
import { scratchDatabase } from "../support/spawn";

const ctx = useTestDb();
const TOKEN = "metrics-token-for-tests-0123456789abcdef";
let server: TestServer;
const others: TestServer[] = [];
const scratches: { drop(): Promise<void> }[] = [];

beforeAll(async () => {
  server = await startTestServer(followDb(ctx), { env: { METRICS_TOKEN: TOKEN } });
});
afterEach(async () => {
  for (const s of others.splice(0)) await s.close();
  for (const s of scratches.splice(0)) await s.drop();
});
afterAll(async () => server?.close());

const scrape = async (s = server) => {
  const res = await s.fetch("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
/** The value of one sample in Prometheus' text format (0 when it is not there yet). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? "").split(/,(?=[a-z_]+=")/).filter(Boolean).sort();
    if (JSON.stringify(got) === JSON.stringify(want)) return Number(m[3]);
  }
  return 0;
}

/** A database of its own that has only the first `count` migrations. */
async function behindBy(count: number): Promise<Db> {
  const scratch = await scratchDatabase({ migrate: false });
  scratches.push(scratch);
  const names = Object.keys(migrations);
  const { error } = await createMigrator(scratch.db).migrateTo(names[names.length - 1 - count]!);
  if (error) throw error;
  return scratch.db;
}

describe("/healthz and /readyz", () => {
  it("/healthz answers without the database; /readyz is ready with a current database", async () => {
    const health = await server.fetch("/healthz");
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");
    const ready = await server.fetch("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.headers.get("content-type")).toMatch(/application\/json/);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("answers 503 naming the migrations a database lacks", async () => {
    const db = await behindBy(2);
    const names = Object.keys(migrations);
    const behind = await startTestServer(db);
    others.push(behind);
    const res = await behind.fetch("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not_ready", reason: "migrations_behind", detail: names.slice(-2) });
    // Once brought up to date, the same server is ready.
    await createMigrator(db).migrateToLatest();
    expect((await behind.fetch("/readyz")).status).toBe(200);
  });

  it("answers 503 when the database has a migration this code does not know", async () => {
    const scratch = await scratchDatabase();
    scratches.push(scratch);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES (${"9999_from_the_future"}, ${new Date().toISOString()})`.execute(scratch.db);
    expect(await checkReadiness(scratch.db)).toEqual({ ready: false, reason: "migrations_unknown", detail: ["9999_from_the_future"] });
  });

  it("answers 503 when the database cannot be reached", async () => {
    let db: Db;
    if (process.env.TEST_DATABASE_URL) {
      // A port nobody listens on: the pool cannot connect.
      const u = new URL(process.env.TEST_DATABASE_URL);
      u.port = "9";
      db = createDb(u.toString(), { poolSize: 1 });
    } else {
      const scratch = await scratchDatabase();
      scratches.push(scratch);
      db = scratch.db;
      await db.destroy();
    }
    const gone = await startTestServer(db);
    others.push(gone);
    const res = await gone.fetch("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not_ready", reason: "database_unreachable" });
    // Liveness is not readiness: the process still answers.
    expect((await gone.fetch("/healthz")).status).toBe(200);
    if (process.env.TEST_DATABASE_URL) await db.destroy();
  });

  it("once shutdown has begun: /readyz is 503 and every new request gets 503 with Connection: close", async () => {
    const lifecycle = new Lifecycle();
    const s = await startTestServer(followDb(ctx), { lifecycle });
    others.push(s);
    expect((await s.fetch("/readyz")).status).toBe(200);
    await lifecycle.begin(null);
    const ready = await s.fetch("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.headers.get("connection")).toBe("close");
    expect(await ready.json()).toEqual({ status: "not_ready", reason: "shutting_down" });
    const page = await s.fetch("/login");
    expect(page.status).toBe(503);
    expect(page.headers.get("connection")).toBe("close");
    expect(page.headers.get("retry-after")).toBe("5");
  });
});

describe("/metrics", () => {
  it("needs the bearer token when one is configured (401 otherwise), compared in constant time", async () => {
    expect((await server.fetch("/metrics")).status).toBe(401);
    expect((await server.fetch("/metrics", { headers: { Authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await server.fetch("/metrics", { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    const ok = await server.fetch("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    // Default process metrics and ours.
    for (const name of ["process_cpu_seconds_total", "nodejs_eventloop_lag_seconds", "http_requests_total", "http_request_duration_seconds_bucket", "api_requests_total", "jobs_runs_total"]) expect(text).toContain(name);
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches("", TOKEN)).toBe(false);
  });

  it("without a token: 404 in production; open only from loopback elsewhere", async () => {
    const prod = await startTestServer(followDb(ctx), { env: { METRICS_TOKEN: undefined, isProduction: true } });
    others.push(prod);
    expect((await prod.fetch("/metrics")).status).toBe(404);
    const dev = await startTestServer(followDb(ctx), { env: { METRICS_TOKEN: undefined } });
    others.push(dev);
    expect((await dev.fetch("/metrics")).status).toBe(200);
    // From elsewhere (the socket's address decides, never X-Forwarded-For).
    expect(metricsAccess({ token: undefined, isProduction: false, authorization: null, clientIp: "203.0.113.9" })).toBe("forbidden");
    expect((await dev.fetch("/metrics", { headers: { "X-Forwarded-For": "203.0.113.9" } })).status).toBe(200);
    for (const ip of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(ip)).toBe(true);
    for (const ip of ["10.0.0.1", "::ffff:10.0.0.1", "", null]) expect(isLoopback(ip)).toBe(false);
  });

  it("counts requests by route id and status class, and API requests by endpoint and outcome", async () => {
    const before = await scrape();
    const health = { method: "GET", route: "routes/healthz", status_class: "2xx" };
    const missing = { method: "GET", route: "unmatched", status_class: "4xx" };
    const refused = { endpoint: "match", outcome: "invalid_key" };
    for (let i = 0; i < 3; i++) await server.fetch("/healthz");
    await server.fetch("/no/such/page");
    await server.fetch("/api/v1/match", { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer pphl_nothing" }, body: "{}" });
    const after = await scrape();
    expect(sample(after, "http_requests_total", health) - sample(before, "http_requests_total", health)).toBe(3);
    expect(sample(after, "http_requests_total", missing) - sample(before, "http_requests_total", missing)).toBe(1);
    expect(sample(after, "api_requests_total", refused) - sample(before, "api_requests_total", refused)).toBe(1);
    expect(sample(after, "http_request_duration_seconds_count", health) - sample(before, "http_request_duration_seconds_count", health)).toBe(3);
  });

  it("records scheduled job runs for the scheduler", async () => {
    const before = await scrape();
    recordJobRun("ops-test-job", "ok", 0.25);
    recordJobRun("ops-test-job", "failed", 1.5);
    const after = await scrape();
    expect(sample(after, "jobs_runs_total", { job: "ops-test-job", outcome: "ok" }) - sample(before, "jobs_runs_total", { job: "ops-test-job", outcome: "ok" })).toBe(1);
    expect(sample(after, "jobs_runs_total", { job: "ops-test-job", outcome: "failed" })).toBe(1);
    expect(sample(after, "jobs_run_duration_seconds_count", { job: "ops-test-job" })).toBe(2);
    // The scheduler records its own runs.
    await new Scheduler(ctx.db, { log: { info: () => undefined, error: () => undefined }, leaseMs: 60_000, intervals: {} }).runDue();
    const ran = await scrape();
    expect(sample(ran, "jobs_runs_total", { job: "cleanup", outcome: "ok" }) - sample(after, "jobs_runs_total", { job: "cleanup", outcome: "ok" })).toBe(1);
  });

  it("never has a label holding an id or a path: routes are route ids", async () => {
    const staff = await createUser(ctx.db, { staffRole: "staff" });
    const cookie = await sessionCookie(ctx.db, staff.id);
    const { organisation } = await createCompany(ctx.db);
    const ids = [organisation.id, crypto.randomUUID(), "12345678"];
    await server.fetch(`/staff/organisations/${organisation.id}`, { cookie });
    await server.fetch(`/staff/organisations/${ids[1]}.data`, { cookie });
    await server.fetch(`/staff/hashlists/${ids[2]}?q=${ids[1]}`, { cookie });
    await server.fetch(`/api/v1/lists/${ids[1]}/changes`);
    await server.fetch(`/build/${ids[1]}.js`);
    const text = await scrape();
    for (const id of ids) expect(text).not.toContain(id);
    const build = await loadBuild();
    const allowedRoutes = new Set([...Object.keys(build.routes), "unmatched", "static", "metrics"]);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!));
    expect(routes.has("routes/staff+/organisations_.$organisationId")).toBe(true);
    expect(routes.has("routes/api+/v1.lists.$list.changes")).toBe(true);
    expect([...routes].filter((r) => !allowedRoutes.has(r))).toEqual([]);
    const labelValues = [...text.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1]!);
    expect(labelValues.filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}|\d{5,}/i.test(v))).toEqual([]);
    // The registry is one per process, shared by the server's and the Remix build's copies of the module.
    expect(metricsRegistry().getSingleMetric("http_requests_total")).toBeDefined();
  });

  it("labels paths with the deepest matching route id, as Remix matches them", async () => {
    const label = routeLabeller(await loadBuild());
    expect(label("/")).toBe("routes/_index");
    expect(label("/_root.data")).toBe("routes/_index");
    expect(label("/staff/organisations/abc")).toBe("routes/staff+/organisations_.$organisationId");
    expect(label("/staff/organisations/abc.data")).toBe("routes/staff+/organisations_.$organisationId");
    expect(label("/staff/status")).toBe("routes/staff+/status");
    expect(label("/api/v1/nothing/here")).toBe("routes/api+/$");
    expect(label("/metrics")).toBe("metrics");
    expect(label("/favicon.ico")).toBe("static");
    expect(label("/nothing")).toBe("unmatched");
  });
});
