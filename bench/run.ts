/**
 * `npm run bench` (which builds first): throughput and p99 latency of the signed-in home page and of a
 * failed sign-in, against the minimal route /healthz of the same build, measured in the same run.
 * See docs/benchmarks.md.
 *
 * 1. Seeds a fresh SQLite file in a temp dir: BENCH_ORGS organisations (default 1,000) with members,
 *    status histories, invitations, audit events and sessions (bench/seed.ts).
 * 2. Starts the BUILT server (`node build/server.js`) as a child process with NODE_ENV=production.
 * 3. Signs the benchmark user in through POST /login and checks that GET /app answers 200 with their
 *    organisation on it, that a wrong password answers 400 and that GET /login answers 200.
 * 4. For each scenario: a warm-up, then a fixed measurement with autocannon's programmatic API; any
 *    response with another status (a redirect, 429, 503 …) or any error aborts the run.
 * 5. Prints a table with absolute numbers and ratios against /healthz (measured first and last), the
 *    server's CPU time per request, and whether the goal is met.
 *
 * Environment (all optional): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3),
 * BENCH_CONNECTIONS (default 20), BENCH_ORGS (default 1000), BENCH_JSON (write the results there),
 * BENCH_KEEP=1 (keep the temp dir with the database and the server log), BENCH_SERVER_ARGS (extra node
 * arguments for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { hashPassword } from "~/modules/auth/password.server";
import { autocannonVersion, escapeHtml, fmt, freePort, log, machineBusySeconds, printTable, processCpuSeconds, request, root, startBuiltServer, stopServer } from "./lib";
import { BENCH_PASSWORD, seedBench } from "./seed";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
/** Multiplies every throttle's limit in the server, so failed sign-ins reach argon2 every time. */
const RATE_LIMIT_FACTOR = 1_000_000;
/** The goal: the signed-in home serves at least this share of the minimal route's throughput. */
const GOAL = 0.5;

interface Scenario {
  key: string;
  label: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: number;
}

interface Measurement {
  scenario: Scenario;
  /** Server process CPU time (user + system, all its threads) per request, ms; null off Linux. */
  serverCpuPerRequest: number | null;
  /** Server CPU time over wall time: 1.0 is one core fully busy. */
  serverCpu: number | null;
  /** CPU used by this process (autocannon) over wall time. */
  clientCpu: number;
  /** CPU used by the whole machine over wall time (so: server + autocannon + anything else running). */
  machineCpu: number | null;
  rps: number;
  p50: number;
  p99: number;
  total: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

async function measure(port: number, s: Scenario, seconds: number): Promise<Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}${s.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    method: s.method,
    headers: s.headers,
    body: s.body,
    timeout: 30,
  });
}

function statusesOf(result: Result): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, v]) => [code, v.count]));
}

/** A measurement only counts when every response had the expected status and nothing failed. */
function assertClean(s: Scenario, result: Result, phase: string) {
  const statuses = statusesOf(result);
  const unexpected = Object.entries(statuses).filter(([code]) => Number(code) !== s.expectStatus);
  if (unexpected.length || result.errors || result.timeouts) {
    throw new Error(
      `${s.label} (${phase}): expected only ${s.expectStatus}, got statuses ${JSON.stringify(statuses)}, ${result.errors} errors, ${result.timeouts} timeouts. The figures would be meaningless.`,
    );
  }
}

async function run(port: number, serverPid: number, s: Scenario): Promise<Measurement> {
  process.stdout.write(`  ${s.label.padEnd(40)} warm-up ${WARMUP} s … `);
  assertClean(s, await measure(port, s, WARMUP), "warm-up");
  process.stdout.write(`measuring ${DURATION} s … `);
  const cpuBefore = processCpuSeconds(serverPid);
  const machineBefore = machineBusySeconds();
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await measure(port, s, DURATION);
  const wall = (performance.now() - wallBefore) / 1000;
  const cpuAfter = processCpuSeconds(serverPid);
  const machineAfter = machineBusySeconds();
  const client = process.cpuUsage(clientBefore);
  assertClean(s, result, "measurement");
  const serverCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  log(`${Math.round(result.requests.average)} req/s`);
  return {
    scenario: s,
    serverCpuPerRequest: serverCpu === null ? null : (serverCpu * 1000) / result.latency.totalCount,
    serverCpu: serverCpu === null ? null : serverCpu / wall,
    clientCpu: (client.user + client.system) / 1e6 / wall,
    machineCpu: machineBefore === null || machineAfter === null ? null : (machineAfter - machineBefore) / wall,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.latency.totalCount,
    statuses: statusesOf(result),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function main() {
  for (const [name, value, min] of [["BENCH_DURATION", DURATION, 1], ["BENCH_WARMUP", WARMUP, 1], ["BENCH_CONNECTIONS", CONNECTIONS, 1], ["BENCH_ORGS", ORGS, 1]] as const) {
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${value}).`);
  }
  if (!fs.existsSync(path.join(root, "build/server.js")) || !fs.existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npm run bench` (which builds first) or `npm run build`.");
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-bench-"));
  const file = path.join(tmp, "bench.sqlite");
  const serverLog = path.join(tmp, "server.log");
  let child: ChildProcess | undefined;
  /** Stops the server (gracefully: it closes the database; a --cpu-prof profile is written) and removes the temp dir. */
  const cleanup = async () => {
    await stopServer(child);
    if (process.env.BENCH_KEEP === "1") log(`Kept ${tmp} (database and server log).`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const cpus = os.cpus();
    log("Partnerportalen benchmark");
    log(`Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
    log(`Load average before the run: ${os.loadavg().map((l) => fmt(l, 2)).join(", ")} (1, 5, 15 min)`);
    log("Note: autocannon runs on the same machine as the server and competes with it for the CPU.\n");

    // 1. Data.
    const db = createDb(`sqlite:${file}`);
    const seeded = await (async () => {
      try {
        await migrateToLatest(db);
        return await seedBench(db, { organisations: ORGS, passwordHash: await hashPassword(BENCH_PASSWORD) });
      } finally {
        await db.destroy();
      }
    })();
    log(`Seeded ${fmt(ORGS)} organisations in ${fmt(seeded.ms)} ms: ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}`);

    // 2. The built server, as in production.
    const port = await freePort();
    child = await startBuiltServer({ port, databaseFile: file, serverLog, extraEnv: { RATE_LIMIT_FACTOR: String(RATE_LIMIT_FACTOR) } });
    log(`Server: node build/server.js (pid ${child.pid}), NODE_ENV=production, SQLite, port ${port}, log ${serverLog}`);
    log(`RATE_LIMIT_FACTOR=${fmt(RATE_LIMIT_FACTOR)} in the server's environment: throttling never kicks in, so every failed sign-in does the real argon2id verification.`);

    // 3. Sign in (the real flow), then check what each scenario answers before measuring it.
    const host = `127.0.0.1:${port}`;
    const origin = `http://${host}`;
    const form = (password: string) => new URLSearchParams({ email: seeded.user.email, password }).toString();
    const formHeaders = { Host: host, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" };
    const signIn = await request(port, "POST", "/login", formHeaders, form(BENCH_PASSWORD));
    const setCookies = signIn.headers["set-cookie"] ?? [];
    const cookie = setCookies.map((c) => c.split(";")[0]).join("; ");
    if (signIn.status !== 302 || signIn.headers.location !== "/app" || !cookie.includes("__Host-pp_session=")) {
      throw new Error(`Sign-in failed: ${signIn.status} ${signIn.headers.location ?? ""} ${JSON.stringify(setCookies)}\n${signIn.body.slice(0, 500)}`);
    }

    const baseline: Scenario = { key: "healthz", label: "GET /healthz (baseline)", method: "GET", path: "/healthz", headers: { Host: host }, expectStatus: 200 };
    const home: Scenario = {
      key: "home",
      label: "GET /app (signed-in home)",
      method: "GET",
      path: "/app",
      headers: { Host: host, Cookie: cookie, Accept: "text/html", "User-Agent": "Mozilla/5.0 (bench)" },
      expectStatus: 200,
    };
    // For reference (no goal): the cheapest document page, to tell the cost of rendering any page
    // through Remix and React from the cost of the home page's own data and markup.
    const loginPage: Scenario = {
      key: "login_page",
      label: "GET /login (anonymous page, reference)",
      method: "GET",
      path: "/login",
      headers: { Host: host, Accept: "text/html", "User-Agent": "Mozilla/5.0 (bench)" },
      expectStatus: 200,
    };
    const failedLogin: Scenario = {
      key: "failed_login",
      label: "POST /login (wrong password)",
      method: "POST",
      path: "/login",
      headers: { ...formHeaders, Accept: "text/html", "User-Agent": "Mozilla/5.0 (bench)" },
      body: form("Not-the-right-password-1"),
      expectStatus: 400,
    };

    const homeCheck = await request(port, "GET", home.path, home.headers);
    if (homeCheck.status !== 200 || !homeCheck.body.includes(seeded.user.name) || !homeCheck.body.includes(escapeHtml(seeded.organisation.name))) {
      throw new Error(`GET /app is not the signed-in home (status ${homeCheck.status}, location ${homeCheck.headers.location ?? "-"}).`);
    }
    const loginCheck = await request(port, "POST", failedLogin.path, failedLogin.headers, failedLogin.body);
    if (loginCheck.status !== 400) throw new Error(`A wrong password answered ${loginCheck.status}, not 400.`);
    const loginPageCheck = await request(port, "GET", loginPage.path, loginPage.headers);
    if (loginPageCheck.status !== 200) throw new Error(`GET /login answered ${loginPageCheck.status}, not 200.`);
    log(`Checked: GET /app → 200 (${fmt(homeCheck.body.length)} bytes, greets ${seeded.user.name} of ${seeded.organisation.name}); wrong password → 400; GET /login → 200 (${fmt(loginPageCheck.body.length)} bytes).\n`);

    // 4. Measure. The baseline is measured before and after the others, to show drift.
    log(`Each scenario: ${WARMUP} s warm-up, then ${DURATION} s at ${CONNECTIONS} connections (autocannon ${autocannonVersion()}, no pipelining).`);
    const pid = child.pid!;
    const before = await run(port, pid, baseline);
    const homeResult = await run(port, pid, home);
    const failedLoginResult = await run(port, pid, failedLogin);
    const loginPageResult = await run(port, pid, loginPage);
    const measured = [homeResult, failedLoginResult, loginPageResult];
    const after = await run(port, pid, { ...baseline, key: "healthz_after", label: "GET /healthz (baseline, again)" });

    // 5. Report.
    const baseRps = (before.rps + after.rps) / 2;
    const baseP99 = (before.p99 + after.p99) / 2;
    const rows = [before, ...measured, after];
    log("");
    printTable(
      ["Scenario", "Status", "Requests", "Req/s", "p50 ms", "p99 ms", "× baseline req/s", "× baseline p99"],
      rows.map((m) => [
        m.scenario.label,
        Object.keys(m.statuses).join(","),
        fmt(m.total),
        fmt(m.rps),
        fmt(m.p50),
        fmt(m.p99),
        `${fmt(m.rps / baseRps, 2)}×`,
        `${fmt(m.p99 / baseP99, 1)}×`,
      ]),
    );
    const baseCpu = before.serverCpuPerRequest !== null && after.serverCpuPerRequest !== null ? (before.serverCpuPerRequest + after.serverCpuPerRequest) / 2 : null;
    const others = rows.map((m) => (m.machineCpu === null ? 0 : Math.max(0, m.machineCpu - (m.serverCpu ?? 0) - m.clientCpu)));
    if (baseCpu !== null) {
      log("\nCPU (1.00 = one core busy for the whole measurement; the machine has " + os.availableParallelism() + "):");
      printTable(
        ["Scenario", "Server CPU ms/request", "× baseline", "Server CPU", "autocannon CPU", "Other processes"],
        rows.map((m) => [
          m.scenario.label,
          fmt(m.serverCpuPerRequest ?? 0, 2),
          `${fmt((m.serverCpuPerRequest ?? 0) / baseCpu, 1)}×`,
          fmt(m.serverCpu ?? 0, 2),
          fmt(m.clientCpu, 2),
          m.machineCpu === null ? "–" : fmt(others[rows.indexOf(m)]!, 2),
        ]),
      );
    }
    log(`\nBaseline = mean of the two /healthz runs: ${fmt(baseRps)} req/s, p99 ${fmt(baseP99)} ms (drift between them: ${fmt(((after.rps - before.rps) / before.rps) * 100, 1)} %).`);
    log(
      `Failed sign-in: RATE_LIMIT_FACTOR=${fmt(RATE_LIMIT_FACTOR)}, so no throttling; each request verifies a real argon2id hash (m=19 MiB, t=2, p=1), ` +
        `at most ${os.availableParallelism()} at once (HASH_CONCURRENCY default: one per core).`,
    );

    const homeRatio = homeResult.rps / baseRps;
    const met = homeRatio >= GOAL;
    log(`\nGoal: signed-in home ≥ ${GOAL}× the minimal route's throughput. Measured ${fmt(homeRatio, 2)}× → ${met ? "MET" : "NOT MET"}.`);
    const homeCpu = homeResult.serverCpuPerRequest;
    if (baseCpu !== null && homeCpu !== null) {
      log(
        `Cross-check by server CPU per request (less sensitive to noise): the home page costs ${fmt(homeCpu / baseCpu, 1)}× the baseline, ` +
          `so a CPU-bound server would serve it at ${fmt(baseCpu / homeCpu, 2)}× the baseline's rate (the goal needs ≤ ${fmt(1 / GOAL, 1)}×).`,
      );
    }
    log(
      `For reference: the anonymous page GET /login reaches ${fmt(loginPageResult.rps / baseRps, 2)}× the baseline; ` +
        `the signed-in home reaches ${fmt(homeResult.rps / loginPageResult.rps, 2)}× the anonymous page (what the home page's own data and markup cost).`,
    );
    const busiest = Math.max(...others);
    if (busiest > 0.25) {
      log(`Warning: other processes used up to ${fmt(busiest, 2)} cores during the measurements: the req/s and latency figures are disturbed; rerun on a quiet machine.`);
    }

    if (process.env.BENCH_JSON) {
      const json = {
        at: new Date().toISOString(),
        machine: { cores: os.availableParallelism(), cpu: cpus[0]?.model.trim(), node: process.version },
        settings: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, organisations: ORGS, rateLimitFactor: RATE_LIMIT_FACTOR },
        seeded: seeded.counts,
        baseline: { rps: baseRps, p99: baseP99 },
        results: rows.map((m) => ({ scenario: m.scenario.key, serverCpuPerRequest: m.serverCpuPerRequest, serverCpu: m.serverCpu, clientCpu: m.clientCpu, machineCpu: m.machineCpu, rps: m.rps, p50: m.p50, p99: m.p99, requests: m.total, statuses: m.statuses, ratioRps: m.rps / baseRps, ratioP99: m.p99 / baseP99 })),
        goal: { ratio: GOAL, measured: homeRatio, met },
      };
      fs.writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(json, null, 2)}\n`);
    }
  } catch (error) {
    if (fs.existsSync(serverLog)) {
      const tail = fs.readFileSync(serverLog, "utf8").split("\n").slice(-20).join("\n");
      process.stderr.write(`\nLast lines of the server log:\n${tail}\n`);
    }
    throw error;
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
