/**
 * Issue 5's benchmark (`npm run bench:collaboration`): the NGO's yearly overview of collaborative
 * actions and a company's timeline, with 100,000 actions in the database, p50/p99 and throughput
 * against the minimal route /healthz of the same server, measured in the same run. See
 * docs/benchmarks.md.
 *
 * 1. Seeds a fresh SQLite file as bench/run.ts does (BENCH_ORGS organisations with members, …), then
 *    BENCH_ACTIONS collaborative actions (default 100,000) with their first revision, in batches: the
 *    benchmark company gets BENCH_COMPANY_ACTIONS of them (default 2,000), the rest are spread over the
 *    other organisations; five years, every type, status and confirmation state. (Bulk inserts: the
 *    services would take minutes for this many; the service tests cover the rules.) A staff account
 *    with a session that has given its second factor is made too.
 * 2. Starts the BUILT server, signs the company's admin in through POST /login, and checks what each
 *    scenario answers (the timeline shows 50 actions and a next page; the overview shows its charts
 *    and the year's count).
 * 3. Measures, each after a warm-up (autocannon, 20 connections; anything but 200 aborts the run):
 *    GET /healthz (baseline, first and last); the company's timeline, first page; its 20th page (a
 *    keyset cursor); the timeline filtered by year, type and text; the staff overview of last year
 *    (about a fifth of all actions); the staff list of every company's actions with the queue.
 * 4. Prints req/s, p50, p99, their ratios to the baseline and the server's CPU per request.
 *
 * Environment (all optional): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3),
 * BENCH_CONNECTIONS (default 20), BENCH_ORGS (default 1000), BENCH_ACTIONS (default 100000),
 * BENCH_COMPANY_ACTIONS (default 2000), BENCH_KEEP=1 (keep the temp dir), BENCH_SERVER_ARGS.
 */
import fs from "node:fs";
import path from "node:path";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { hashPassword } from "~/modules/auth/password.server";
import { createSession } from "~/modules/auth/session.server";
import { newId } from "~/utils/ids";
import { autocannonVersion, fmt, freePort, log, logMachine, measureGet, printTable, request, root, runInTempDir, signIn, startBuiltServer, type Measurement, type Scenario } from "./lib";
import { actionRows, BENCH_PASSWORD, insertBatched, seedBench } from "./seed";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 100_000);
const COMPANY_ACTIONS = Number(process.env.BENCH_COMPANY_ACTIONS ?? 2000);
const YEAR = new Date().getUTCFullYear();
const YEARS = 5;
const USER_AGENT = "Mozilla/5.0 (bench)";

async function main() {
  for (const [name, value, min, max] of [
    ["BENCH_DURATION", DURATION, 1, 3600],
    ["BENCH_WARMUP", WARMUP, 1, 3600],
    ["BENCH_CONNECTIONS", CONNECTIONS, 1, 200],
    ["BENCH_ORGS", ORGS, 100, 1e6],
    ["BENCH_ACTIONS", ACTIONS, 1000, 1e7],
    ["BENCH_COMPANY_ACTIONS", COMPANY_ACTIONS, 1000, ACTIONS],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
  if (!fs.existsSync(path.join(root, "build/server.js")) || !fs.existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npm run bench:collaboration` (which builds first) or `npm run build`.");
  }
  await runInTempDir("partnerportalen-bench-collaboration-", async ({ file, serverLog, started }) => {
    logMachine("Partnerportalen benchmark: collaborative actions, the NGO's overview and a company's timeline (issue 5)");

    // 1. Data.
    const db = createDb(`sqlite:${file}`);
    const prepared = await (async () => {
      try {
        await migrateToLatest(db);
        const passwordHash = await hashPassword(BENCH_PASSWORD);
        const seeded = await seedBench(db, { organisations: ORGS, passwordHash });
        const started = performance.now();
        const user = await db.selectFrom("user").select("id").where("email", "=", seeded.user.email).executeTakeFirstOrThrow();
        const organisations = (await db.selectFrom("organisation").select("id").execute()).map((o) => o.id);
        const { actions, revisions } = actionRows(organisations, seeded.organisation.id, user.id, { actions: ACTIONS, companyActions: COMPANY_ACTIONS, years: YEARS });
        await db.transaction().execute(async (trx) => {
          await insertBatched(trx, "collab_action", actions);
          await insertBatched(trx, "collab_revision", revisions);
        });
        // NGO staff with a session that has given its second factor (staff sign-in needs TOTP).
        const now = Date.now();
        const staffId = newId();
        await db
          .insertInto("user")
          .values({ id: staffId, email: "bench.staff@ngo.example", name: "Bench Staff", password_hash: passwordHash, email_verified_at: now, locale: "sv", staff_role: "staff", totp_secret: "bench", totp_enabled_at: now, totp_last_step: null, disabled_at: null, created_at: now, updated_at: now })
          .execute();
        const { cookie } = await createSession(db, staffId, { ip: null, userAgent: USER_AGENT, twoFactorAt: now });
        const ms = performance.now() - started;
        return { seeded, ms, staffCookie: `__Host-pp_session=${cookie.split(";")[0]!.split("=")[1]}` };
      } finally {
        await db.destroy();
      }
    })();
    log(`Seeded ${fmt(ORGS)} organisations in ${fmt(prepared.seeded.ms)} ms (as bench/run.ts), then ${fmt(ACTIONS)} collaborative actions with a revision each in ${fmt(prepared.ms)} ms (${fmt(COMPANY_ACTIONS)} of them ${prepared.seeded.organisation.name}'s, ${YEARS} years).`);

    // 2. The built server.
    const port = await freePort();
    const child = await startBuiltServer({ port, databaseFile: file, serverLog, extraEnv: { RATE_LIMIT_FACTOR: "1000000" } });
    started(child);
    const pid = child.pid!;
    log(`Server: node build/server.js (pid ${pid}), NODE_ENV=production, SQLite, port ${port}, log ${serverLog}`);
    const host = `127.0.0.1:${port}`;
    const companyCookie = await signIn(port, prepared.seeded.user.email, BENCH_PASSWORD);
    const company = (p: string, key: string, label: string): Scenario => ({ key, label, path: p, headers: { Host: host, Cookie: companyCookie, Accept: "text/html", "User-Agent": USER_AGENT } });
    const staff = (p: string, key: string, label: string): Scenario => ({ key, label, path: p, headers: { Host: host, Cookie: prepared.staffCookie, Accept: "text/html", "User-Agent": USER_AGENT } });

    // Walk the timeline to its 20th page, checking every page on the way.
    let cursor: string | undefined;
    let firstPage = "";
    for (let pageNo = 1; pageNo < 20; pageNo++) {
      const reply = await request(port, "GET", `/app/collaboration${cursor ? `?after=${encodeURIComponent(cursor)}` : ""}`, company("", "", "").headers);
      const items = reply.body.match(/<li><h2><a /g)?.length ?? 0;
      const next = /href="\/app\/collaboration\?after=([^"]+)"/.exec(reply.body)?.[1];
      if (reply.status !== 200 || items !== 50 || !next) throw new Error(`Timeline page ${pageNo}: status ${reply.status}, ${items} actions, next page ${next ?? "none"}.`);
      if (pageNo === 1) firstPage = reply.body;
      cursor = decodeURIComponent(next.replace(/&amp;/g, "&"));
    }
    const overviewYear = YEAR - 1;
    const overview = await request(port, "GET", `/staff/collaboration/overview?year=${overviewYear}`, staff("", "", "").headers);
    const counted = /(\d[\d\s\u00a0]*) aktiviteter \(/.exec(overview.body)?.[1]?.replace(/\D/g, "");
    if (overview.status !== 200 || (overview.body.match(/<svg[^>]*role="img"/g)?.length ?? 0) !== 4 || !counted || Number(counted) < ACTIONS / YEARS / 2) {
      throw new Error(`The overview is not what it should be: status ${overview.status}, ${counted ?? "no"} actions counted.`);
    }
    log(`Checked: the timeline → 200, ${fmt(firstPage.length)} bytes, 50 actions a page, 20 pages walked by keyset; the ${overviewYear} overview → 200, ${fmt(overview.body.length)} bytes, 4 charts, ${fmt(Number(counted))} actions counted.`);

    // 3. Measure.
    const options = { warmup: WARMUP, duration: DURATION, connections: CONNECTIONS };
    log(`\nEach scenario: ${WARMUP} s warm-up, then ${DURATION} s at ${CONNECTIONS} connections; autocannon ${autocannonVersion()} (no pipelining).`);
    const baseline: Scenario = { key: "healthz", label: "GET /healthz (baseline)", path: "/healthz", headers: { Host: host } };
    const before = await measureGet(port, pid, baseline, options);
    const rows: Measurement[] = [before];
    for (const s of [
      company("/app/collaboration", "timeline", "Company timeline, first page (document)"),
      company(`/app/collaboration?after=${encodeURIComponent(cursor!)}`, "timeline_deep", "Company timeline, 20th page (keyset)"),
      company(`/app/collaboration?year=${overviewYear}&type=training&q=kundtj`, "timeline_filtered", "Company timeline, year + type + text"),
      staff(`/staff/collaboration/overview?year=${overviewYear}`, "overview", `Staff overview ${overviewYear} (charts + tables)`),
      staff(`/staff/collaboration/overview.csv?year=${overviewYear}`, "overview_csv", `Staff overview ${overviewYear}, CSV`),
      staff("/staff/collaboration", "staff_list", "Staff list: queue + all companies' actions"),
    ]) {
      rows.push(await measureGet(port, pid, s, options));
    }
    const after = await measureGet(port, pid, { ...baseline, key: "healthz_after", label: "GET /healthz (baseline again)" }, options);
    rows.push(after);

    // 4. Report.
    const baseRps = (before.rps + after.rps) / 2;
    const baseP50 = (before.p50 + after.p50) / 2;
    const baseP99 = (before.p99 + after.p99) / 2;
    const cpuPerRequest = (m: Measurement) => (m.cpu.server === null ? null : (m.cpu.server * 1000) / m.total);
    log("");
    printTable(
      ["Scenario", "Requests", "Req/s", "p50 ms", "p99 ms", "× baseline req/s", "× baseline p50", "× baseline p99", "Server CPU ms/req"],
      rows.map((m) => [m.label, fmt(m.total), fmt(m.rps), fmt(m.p50), fmt(m.p99), `${fmt(m.rps / baseRps, 2)}×`, `${fmt(m.p50 / baseP50, 1)}×`, `${fmt(m.p99 / baseP99, 1)}×`, fmt(cpuPerRequest(m) ?? 0, 2)]),
    );
    log(`\nBaseline = mean of the two /healthz runs: ${fmt(baseRps)} req/s, p50 ${fmt(baseP50, 1)} ms, p99 ${fmt(baseP99, 1)} ms (drift between them: ${fmt(((after.rps - before.rps) / before.rps) * 100, 1)} %).`);
    const busiest = Math.max(...rows.map((m) => (m.cpu.machine === null || m.cpu.server === null ? 0 : Math.max(0, (m.cpu.machine - m.cpu.server - m.cpu.client) / m.cpu.wall))));
    if (busiest > 0.25) log(`Warning: other processes used up to ${fmt(busiest, 2)} cores during the measurements: rerun on a quiet machine.`);
  });
}

await main();
