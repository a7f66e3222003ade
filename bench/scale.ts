/**
 * Issue 7's benchmark (`npm run bench:scale`, which builds first; about 5 minutes): the hash-list API
 * and the signed-in pages with ONE and with TWO app processes on one MariaDB database, on this machine,
 * as ratios two/one. See docs/benchmarks.md ("One and two app processes") and docs/operations.md
 * ("Several app instances").
 *
 * 1. A fresh MariaDB database `pp_bench_<random>` on BENCH_MYSQL_URL (dropped at the end), migrated,
 *    seeded as bench/run.ts does (BENCH_ORGS organisations with members, invitations, audit events …);
 *    the data-use agreement and the test list published, a list "industry" with BENCH_SCALE_ENTRIES
 *    synthetic entries (default 200,000; as bench/hashlist.ts writes them), then 500 additions and 500
 *    removals through the app's services; the benchmark company accepts the agreement, is granted the
 *    list and gets an API key (bench/seed.ts); BENCH_ACTIONS collaborative actions (default 20,000,
 *    2,000 of them the benchmark company's).
 * 2. Starts TWO built servers (`node build/server.js`) on two ports with the same DATABASE_URL and
 *    APP_SECRET, as two instances behind a load balancer would run, each in a session of its own (as two
 *    separately started services: see SHARED_SESSION below); rate limits raised by environment
 *    (RATE_LIMIT_FACTOR, API_RATE_PER_MINUTE, API_DAILY_QUOTA, as scripts/security/sqlmap.sh does).
 *    Signs the company's admin in through POST /login on the first, and checks every workload on the
 *    second with that cookie (a session in the database serves any instance).
 * 3. No proxy: the load generator splits its connections. Every measurement runs two autocannon
 *    instances of BENCH_CONNECTIONS/2 connections each, in this process, at the same time: with "one
 *    process" both aim at the first server (the second stays up, idle), with "two processes" one aims
 *    at each. The generator does the same work either way; what changes is how many servers answer.
 *    Requests/s are added up; p50 and p99 are taken over every response's latency of both instances.
 * 4. Workloads: GET /healthz (reference: what the generator and the machine allow at all); POST
 *    /api/v1/match with 100 hashes (half on the list); GET …/changes of 1,000 changes; GET /app (the
 *    company dashboard); GET /app/collaboration (the company's timeline, 50 actions). Each is warmed up
 *    once on both servers, then measured BENCH_ROUNDS times (default 3) in turn one, two, one, two …
 *    (BENCH_DURATION s each, default 6); the table gives the medians and the ratio two/one. Any response
 *    that is not 2xx, any error or timeout aborts the run.
 * 5. Prints, per measurement and in the table, the CPU of the servers, of mariadbd, of this process
 *    (the load generator) and of anything else, and the machine's load average: on 2 cores they all
 *    compete. From the CPU per response it also gives a ceiling: what two ÷ one could be on this
 *    machine if nothing else ran (one event loop uses at most a core; everything shares the cores).
 *
 * Environment (all optional): BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306), BENCH_DURATION
 * (s, default 6), BENCH_WARMUP (s, default 3), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 20,
 * even), BENCH_ORGS (default 1000), BENCH_SCALE_ENTRIES (default 200000), BENCH_ACTIONS (default
 * 20000), BENCH_SCALE_JSON (write the results there), BENCH_KEEP=1 (keep the temp dir and the
 * database), BENCH_SCALE_SHARED_SESSION=1 (start the servers in the benchmark's own session), BENCH_SERVER_ARGS
 * (extra node arguments for the servers).
 */
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import { sql } from "kysely";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { publishMissingAgreements } from "~/modules/agreements/agreements.server";
import { systemActor } from "~/modules/audit/audit.server";
import { hashPassword } from "~/modules/auth/password.server";
import { addEntries, createHashList, ensureTestList, getHashList, removeEntries } from "~/modules/hashlist/lists.server";
import { bytesToHex, type Algorithm } from "~/modules/hashlist/values";
import { autocannonVersion, escapeHtml, findProcess, fmt, freePort, log, logMachine, median, percentile, printTable, request, root, signIn, startBuiltServer, stopServer, withCpu, type CpuWindow } from "./lib";
import { actionRows, BENCH_PASSWORD, BYTES, bulkLoad, createBenchDatabase, grantListWithKey, insertBatched, randomBytes, seedBench, syntheticEntry, type Sample } from "./seed";
import { mulberry32 } from "../test/support/prng";

const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
const ENTRIES = Number(process.env.BENCH_SCALE_ENTRIES ?? 200_000);
const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 20_000);
const COMPANY_ACTIONS = 2000;
/** The load generator: this many autocannon instances, CONNECTIONS / GENERATORS connections each. */
const GENERATORS = 2;
const MATCH_HASHES = { sha256: 62, md5: 25, sha1: 13 } as const;
const CHANGES = 500;
const USER_AGENT = "Mozilla/5.0 (bench)";
/**
 * Each server runs in a session of its own, as two separately started services would (Linux shares a
 * busy machine's CPU between sessions: autogroup); BENCH_SCALE_SHARED_SESSION=1 keeps them in this one.
 */
const SHARED_SESSION = process.env.BENCH_SCALE_SHARED_SESSION === "1";
/** As scripts/security/sqlmap.sh: no throttle, key rate limit or quota answers 429 during the run. */
const UNTHROTTLED = { RATE_LIMIT_FACTOR: "1000000", API_RATE_PER_MINUTE: "1000000", API_DAILY_QUOTA: "1000000000" };

interface Workload {
  key: string;
  label: string;
  method: "GET" | "POST";
  path: string;
  /** The headers for a server on `port` (Host names it). */
  headers: (port: number) => Record<string, string>;
  body?: string;
}

interface Run {
  workload: string;
  processes: 1 | 2;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  responses: number;
  cpu: CpuWindow;
  /** The machine's 1-minute load average at the end of the measurement. */
  load: number;
}

/**
 * GENERATORS autocannon instances at once, their connections split evenly; instance i aims at
 * ports[i % ports.length]. Throws on any response that is not 2xx, any error or timeout.
 */
async function generate(w: Workload, ports: number[], seconds: number): Promise<{ rps: number; latencies: number[]; responses: number }> {
  const latencies: number[] = [];
  const results: Result[] = await Promise.all(
    Array.from({ length: GENERATORS }, (_, i) => {
      const port = ports[i % ports.length]!;
      return autocannon({ url: `http://127.0.0.1:${port}${w.path}`, connections: CONNECTIONS / GENERATORS, duration: seconds, method: w.method, headers: w.headers(port), body: w.body, timeout: 30 }).on(
        "response",
        (_client, _status, _bytes, ms) => latencies.push(ms),
      );
    }),
  );
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [code, { count }] of Object.entries(r.statusCodeStats)) statuses[code] = (statuses[code] ?? 0) + count;
  const bad = Object.entries(statuses).filter(([code]) => !code.startsWith("2"));
  const errors = results.reduce((n, r) => n + r.errors + r.timeouts, 0);
  if (bad.length || errors) throw new Error(`${w.label}: ${bad.map(([c, n]) => `${n} × ${c}`).join(", ") || "no non-2xx"}, ${errors} errors and timeouts (statuses ${JSON.stringify(statuses)}). The figures would be meaningless.`);
  return { rps: results.reduce((n, r) => n + r.requests.average, 0), latencies: latencies.sort((a, b) => a - b), responses: results.reduce((n, r) => n + r.latency.totalCount, 0) };
}

/** Whether Linux shares CPU between sessions (autogroup), from /proc. */
function autogroup(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1" ? "on" : "off";
  } catch {
    return "unknown";
  }
}

/** A request's check before measuring: 200, and the body passes `ok`. */
async function check(w: Workload, port: number, ok: (body: string) => boolean): Promise<void> {
  const reply = await request(port, w.method, w.path, w.headers(port), w.body);
  if (reply.status !== 200 || !ok(reply.body)) throw new Error(`${w.label} on port ${port}: ${reply.status} ${reply.headers.location ?? ""}\n${reply.body.slice(0, 400)}`);
}

async function main() {
  for (const [name, value, min, max] of [
    ["BENCH_DURATION", DURATION, 1, 600],
    ["BENCH_WARMUP", WARMUP, 1, 600],
    ["BENCH_ROUNDS", ROUNDS, 1, 100],
    ["BENCH_CONNECTIONS", CONNECTIONS, 2, 400],
    ["BENCH_ORGS", ORGS, 10, 1e6],
    ["BENCH_SCALE_ENTRIES", ENTRIES, 10_000, 1e8],
    ["BENCH_ACTIONS", ACTIONS, COMPANY_ACTIONS, 1e7],
  ] as const) {
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
  if (CONNECTIONS % GENERATORS !== 0) throw new Error(`BENCH_CONNECTIONS must be even (split over ${GENERATORS} autocannon instances; got ${CONNECTIONS}).`);
  if (!fs.existsSync(path.join(root, "build/server.js")) || !fs.existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npm run bench:scale` (which builds first) or `npm run build`.");
  }
  const started = performance.now();
  logMachine("Partnerportalen benchmark: one and two app processes on one MariaDB (issue 7)");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-bench-scale-"));
  const database = await createBenchDatabase(MYSQL_URL);
  const servers: ChildProcess[] = [];
  const cleanup = async () => {
    await Promise.all(servers.map((c) => stopServer(c)));
    await database.drop();
    if (process.env.BENCH_KEEP === "1") log(`Kept ${tmp} (server logs).`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });
  const serverLogs = [path.join(tmp, "server-1.log"), path.join(tmp, "server-2.log")];
  try {
    // 1. Data.
    const databaseUrl = database.url.toString();
    const db = createDb(databaseUrl, { poolSize: 4 });
    const data = await (async () => {
      try {
        const staff = systemActor("bench");
        await migrateToLatest(db);
        const seeded = await seedBench(db, { organisations: ORGS, passwordHash: await hashPassword(BENCH_PASSWORD) });
        const t0 = performance.now();
        await publishMissingAgreements(db, staff);
        await ensureTestList(db, staff);
        let list = await createHashList(db, staff, { slug: "industry", name: { sv: "Branschlistan", en: "Industry list" } });
        const rand = mulberry32(20_261_129);
        const samples: Sample[] = [];
        await bulkLoad(db, list.id, ENTRIES, rand, samples, Math.max(1, Math.floor(ENTRIES / 5000)));
        const base = (await getHashList(db, list.id))!.lastSeq;
        // A delta with both kinds of change, through the app's services.
        const removed = samples.splice(0, CHANGES);
        await db.transaction().execute((trx) => addEntries(trx, list.id, Array.from({ length: CHANGES }, () => syntheticEntry(rand))));
        await db.transaction().execute((trx) => removeEntries(trx, list.id, removed));
        list = (await getHashList(db, list.id))!;
        await sql`ANALYZE TABLE hash_entry`.execute(db);
        const hashlistMs = performance.now() - t0;

        // The benchmark company gets the list and a key; its admin (the signed-in user) creates it.
        const admin = await db.selectFrom("user").select("id").where("email", "=", seeded.user.email).executeTakeFirstOrThrow();
        const actor = { userId: admin.id, label: seeded.user.email, ip: "127.0.0.1", userAgent: USER_AGENT };
        const secret = await grantListWithKey(db, seeded.organisation.id, actor, actor, list.id);

        const t1 = performance.now();
        const organisations = (await db.selectFrom("organisation").select("id").execute()).map((o) => o.id);
        const { actions, revisions } = actionRows(organisations, seeded.organisation.id, admin.id, { actions: ACTIONS, companyActions: COMPANY_ACTIONS, years: 5 });
        await db.transaction().execute(async (trx) => {
          await insertBatched(trx, "collab_action", actions);
          await insertBatched(trx, "collab_revision", revisions);
        });
        const actionsMs = performance.now() - t1;

        // The match batch: 100 exact hashes, half of them on the list (not removed), in random order.
        const live = samples.slice(CHANGES);
        const batch: { algorithm: Algorithm; value: Buffer; hit: boolean }[] = [];
        for (const [algorithm, n] of Object.entries(MATCH_HASHES) as [Algorithm, number][]) {
          const mine = live.filter((x) => x.algorithm === algorithm);
          for (let i = 0; i < n; i++) batch.push(i % 2 === 0 ? { ...mine[(i * 7) % mine.length]!, hit: true } : { algorithm, value: randomBytes(rand, BYTES[algorithm]), hit: false });
        }
        for (let i = batch.length - 1; i > 0; i--) {
          const j = rand() % (i + 1);
          [batch[i], batch[j]] = [batch[j]!, batch[i]!];
        }
        return { seeded, list, base, secret, batch, hashlistMs, actionsMs };
      } finally {
        await db.destroy();
      }
    })();
    log(`Database: MariaDB ${database.name} (dropped at the end). Seeded ${fmt(ORGS)} organisations in ${fmt(data.seeded.ms)} ms (as bench/run.ts).`);
    log(`Hash list "${data.list.slug}": ${fmt(data.list.liveCount)} live entries, checkpoint ${fmt(data.list.lastSeq)} (${fmt(data.hashlistMs / 1000, 1)} s); ${data.seeded.organisation.name} has access and an API key.`);
    log(`Collaborative actions: ${fmt(ACTIONS)}, ${fmt(COMPANY_ACTIONS)} of them ${data.seeded.organisation.name}'s (${fmt(data.actionsMs / 1000, 1)} s).`);

    // 2. Two servers, same database and secret.
    const ports = [await freePort(), await freePort()];
    const extraEnv = { ...UNTHROTTLED, APP_SECRET: crypto.randomBytes(48).toString("base64") };
    for (const [i, port] of ports.entries()) servers.push(await startBuiltServer({ port, databaseUrl, serverLog: serverLogs[i]!, extraEnv, timeoutMs: 60_000, ownSession: !SHARED_SESSION }));
    const pids = servers.map((c) => c.pid!);
    const mariadbPid = findProcess(/^(mariadbd|mysqld)$/);
    log(`Servers: node build/server.js, NODE_ENV=production, pids ${pids.join(" and ")} on ports ${ports.join(" and ")}, DATABASE_URL ${databaseUrl}, ${Object.entries(UNTHROTTLED).map(([k, v]) => `${k}=${v}`).join(" ")}.`);
    log(`Sessions: ${SHARED_SESSION ? "both servers in the benchmark's own (BENCH_SCALE_SHARED_SESSION=1)" : "each server in a session of its own"}; autogroup scheduling ${autogroup()}.`);
    log(`mariadbd: ${mariadbPid === null ? "not found (its CPU is not reported; is it on another machine?)" : `pid ${mariadbPid}`}.`);

    // 3. The workloads, checked on the second server with a session made on the first.
    const cookie = await signIn(ports[0]!, data.seeded.user.email, BENCH_PASSWORD);
    const api = (port: number) => ({ Host: `127.0.0.1:${port}`, Authorization: `Bearer ${data.secret}`, Accept: "application/json" });
    const page = (port: number) => ({ Host: `127.0.0.1:${port}`, Cookie: cookie, Accept: "text/html", "User-Agent": USER_AGENT });
    const hits = data.batch.filter((h) => h.hit).length;
    const workloads: Workload[] = [
      { key: "healthz", label: "GET /healthz (reference)", method: "GET", path: "/healthz", headers: (port) => ({ Host: `127.0.0.1:${port}` }) },
      {
        key: "match",
        label: `API: POST /api/v1/match, ${data.batch.length} hashes`,
        method: "POST",
        path: "/api/v1/match",
        headers: (port) => ({ ...api(port), "Content-Type": "application/json" }),
        body: JSON.stringify({ hashes: data.batch.map((h) => ({ algorithm: h.algorithm, value: bytesToHex(h.value) })) }),
      },
      { key: "changes", label: `API: GET …/changes, ${fmt(2 * CHANGES)} changes`, method: "GET", path: `/api/v1/lists/${data.list.slug}/changes?since=${data.base}&limit=${2 * CHANGES}`, headers: api },
      { key: "dashboard", label: "Signed in: GET /app (dashboard)", method: "GET", path: "/app", headers: page },
      { key: "timeline", label: "Signed in: GET /app/collaboration", method: "GET", path: "/app/collaboration", headers: page },
    ];
    const [healthz, match, changes, dashboard, timeline] = workloads as [Workload, Workload, Workload, Workload, Workload];
    for (const port of ports) {
      await check(healthz, port, () => true);
      await check(match, port, (b) => {
        const r = JSON.parse(b) as { checked: number; matches: unknown[]; refused: unknown[] };
        return r.checked === data.batch.length && r.matches.length === hits && r.refused.length === 0;
      });
      await check(changes, port, (b) => {
        const r = JSON.parse(b) as { changes: { op: string }[] };
        return r.changes.length === 2 * CHANGES && r.changes.filter((c) => c.op === "remove").length === CHANGES;
      });
      await check(dashboard, port, (b) => b.includes(data.seeded.user.name) && b.includes(escapeHtml(data.seeded.organisation.name)));
      await check(timeline, port, (b) => (b.match(/<li><h2><a /g)?.length ?? 0) === 50);
    }
    log(`Checked on both servers (the session made on the first): match → ${hits} of ${data.batch.length} found; changes → ${fmt(2 * CHANGES)} (${fmt(CHANGES)} removals); the dashboard greets ${data.seeded.user.name}; the timeline shows 50 actions.`);

    // 4. Measure: warm-up on both, then rounds of one, two.
    log(
      `\nLoad generator: ${GENERATORS} autocannon ${autocannonVersion()} instances in this process, ${CONNECTIONS / GENERATORS} connections each (${CONNECTIONS} in all), no pipelining, no proxy. ` +
        `Each workload: ${WARMUP} s warm-up on both servers, then ${ROUNDS} rounds of ${DURATION} s with one process, ${DURATION} s with two.`,
    );
    const runs: Run[] = [];
    for (const w of workloads) {
      process.stdout.write(`  warm-up ${w.label} … `);
      await generate(w, ports, WARMUP);
      log("done");
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const w of workloads) {
        for (const processes of [1, 2] as const) {
          const { result, cpu } = await withCpu(pids, () => generate(w, ports.slice(0, processes), DURATION), mariadbPid);
          const run: Run = { workload: w.key, processes, round, rps: result.rps, p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99), responses: result.responses, cpu, load: os.loadavg()[0]! };
          runs.push(run);
          log(
            `  round ${round}  ${w.label.padEnd(44)} ${processes === 1 ? "one" : "two"}: ${fmt(run.rps).padStart(6)} req/s, p50 ${fmt(run.p50, 1).padStart(6)} ms, p99 ${fmt(run.p99, 1).padStart(6)} ms; ` +
              `cores: servers ${fmt((cpu.server ?? NaN) / cpu.wall, 2)}, mariadbd ${fmt((cpu.database ?? NaN) / cpu.wall, 2)}, generator ${fmt(cpu.client / cpu.wall, 2)}, machine ${fmt((cpu.machine ?? NaN) / cpu.wall, 2)}; load ${fmt(run.load, 2)}`,
          );
        }
      }
    }

    // 5. Report: medians over the rounds, and the ratio two/one.
    const of = (w: Workload, processes: 1 | 2) => runs.filter((r) => r.workload === w.key && r.processes === processes);
    const med = (rs: Run[], f: (r: Run) => number) => median(rs.map(f));
    const cores = (rs: Run[], f: (c: CpuWindow) => number | null | undefined) => med(rs, (r) => (f(r.cpu) ?? NaN) / r.cpu.wall);
    const others = (c: CpuWindow) => (c.machine === null || c.server === null ? null : Math.max(0, c.machine - c.server - (c.database ?? 0) - c.client));
    /**
     * What two ÷ one could be on this machine if nothing else ran, from CPU per response (which noise
     * disturbs little): a process's event loop uses at most one core, so one process serves at most
     * 1000 / (its ms per response) req/s; and all of it – servers, mariadbd and the generator – shares
     * the machine's cores. A model, not a measurement: GC and libuv threads let a process use a little
     * more than a core, and contention makes requests dearer.
     */
    const ceiling = (rs: Run[]) => {
      const server = med(rs, (r) => ((r.cpu.server ?? NaN) * 1000) / r.responses);
      const all = server + med(rs, (r) => (((r.cpu.database ?? 0) + r.cpu.client) * 1000) / r.responses);
      const machine = (os.availableParallelism() * 1000) / all;
      return Math.min((2 * 1000) / server, machine) / Math.min(1000 / server, machine);
    };
    const summary = workloads.map((w) => {
      const one = of(w, 1);
      const two = of(w, 2);
      return {
        w,
        one: { rps: med(one, (r) => r.rps), p50: med(one, (r) => r.p50), p99: med(one, (r) => r.p99) },
        two: { rps: med(two, (r) => r.rps), p50: med(two, (r) => r.p50), p99: med(two, (r) => r.p99) },
        ratios: two.map((r, i) => r.rps / one[i]!.rps),
        cpu: ([one, two] as const).map((rs) => ({
          servers: cores(rs, (c) => c.server),
          mariadbd: cores(rs, (c) => c.database),
          generator: cores(rs, (c) => c.client),
          others: cores(rs, others),
          load: med(rs, (r) => r.load),
          /** CPU ms per response: the cost of a request, whatever share of the machine the servers got. */
          serverMs: med(rs, (r) => ((r.cpu.server ?? NaN) * 1000) / r.responses),
          mariadbdMs: med(rs, (r) => ((r.cpu.database ?? NaN) * 1000) / r.responses),
        })),
        ceiling: ceiling([...one, ...two]),
      };
    });
    log(
      `\nMedians of ${ROUNDS} rounds; ${CONNECTIONS} connections in all; ratio = two processes ÷ one (per round, then the median of the rounds' ratios in brackets); ` +
        `CPU ceiling = what the ratio could be on this machine with nothing else running, from the CPU per response (one event loop ≤ 1 core; servers, mariadbd and generator share ${os.availableParallelism()} cores).`,
    );
    printTable(
      ["Workload", "Req/s one", "Req/s two", "Two ÷ one", "CPU ceiling", "p50 ms one", "p50 ms two", "p99 ms one", "p99 ms two"],
      summary.map((s) => [
        s.w.label,
        fmt(s.one.rps),
        fmt(s.two.rps),
        `${fmt(s.two.rps / s.one.rps, 2)}× (${fmt(median(s.ratios), 2)}×)`,
        `${fmt(s.ceiling, 2)}×`,
        fmt(s.one.p50, 1),
        fmt(s.two.p50, 1),
        fmt(s.one.p99, 1),
        fmt(s.two.p99, 1),
      ]),
    );
    log(`\nCPU in cores (1.00 = one core busy all the time; the machine has ${os.availableParallelism()}), medians, one → two processes; load = 1-minute load average at the end of a measurement; ms/req = CPU ms per response:`);
    printTable(
      ["Workload", "Servers", "mariadbd", "Generator", "Other processes", "Load", "Servers ms/req", "mariadbd ms/req"],
      summary.map((s) => {
        const [a, b] = s.cpu as [(typeof s.cpu)[0], (typeof s.cpu)[0]];
        const pair = (x: number, y: number, digits = 2) => `${fmt(x, digits)} → ${fmt(y, digits)}`;
        return [s.w.label, pair(a.servers, b.servers), pair(a.mariadbd, b.mariadbd), pair(a.generator, b.generator), pair(a.others, b.others), pair(a.load, b.load, 1), pair(a.serverMs, b.serverMs), pair(a.mariadbdMs, b.mariadbdMs)];
      }),
    );
    const busiest = Math.max(...summary.flatMap((s) => s.cpu.map((c) => c.others)));
    if (busiest > 0.25) log(`\nWarning: other processes used up to ${fmt(busiest, 2)} cores (median of a workload's measurements): the ratios are disturbed; rerun on a quiet machine.`);
    if (process.env.BENCH_SCALE_JSON) {
      const json = {
        at: new Date().toISOString(),
        machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model.trim(), node: process.version },
        settings: { sharedSession: SHARED_SESSION, duration: DURATION, warmup: WARMUP, rounds: ROUNDS, connections: CONNECTIONS, generators: GENERATORS, organisations: ORGS, entries: ENTRIES, actions: ACTIONS },
        summary: summary.map((s) => ({ workload: s.w.key, label: s.w.label, one: s.one, two: s.two, ratio: s.two.rps / s.one.rps, ratios: s.ratios, ceiling: s.ceiling, cpu: { one: s.cpu[0], two: s.cpu[1] } })),
        runs,
      };
      fs.writeFileSync(process.env.BENCH_SCALE_JSON, `${JSON.stringify(json, null, 2)}\n`);
    }
    log(`\nRun time: ${fmt((performance.now() - started) / 1000)} s (without the build).`);
  } catch (error) {
    for (const file of serverLogs) {
      if (fs.existsSync(file)) process.stderr.write(`\nLast lines of ${path.basename(file)}:\n${fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n")}\n`);
    }
    throw error;
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
