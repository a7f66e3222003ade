/**
 * What the benchmarks (bench/*.ts) share: plain HTTP requests with full control of the headers, the
 * built server as a child process, CPU readings from /proc, medians and percentiles, and the Markdown
 * tables they print. Their data is in bench/seed.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon, { type Result } from "autocannon";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function log(line: string) {
  process.stdout.write(`${line}\n`);
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request with full control of Host, Origin and Cookie (fetch would not send Origin as given).
 * With an `agent` (keep-alive) the connection is reused, as a browser would.
 */
export function request(port: number, method: string, urlPath: string, headers: Record<string, string>, body?: string, agent?: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path: urlPath, agent, headers: body ? { ...headers, "Content-Length": Buffer.byteLength(body) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function waitUntilUp(port: number, child: ChildProcess, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before it answered.`);
    try {
      if ((await request(port, "GET", "/healthz", {})).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("The server did not answer /healthz in time.");
}

/**
 * Starts the BUILT server (`node build/server.js`) as in production: NODE_ENV=production, a random
 * APP_SECRET, a log line per request (to `serverLog`), the given SQLite file (or `databaseUrl`, e.g.
 * `mysql://root@127.0.0.1:3306/db`). `extraEnv` adds to that environment; BENCH_SERVER_ARGS adds node
 * arguments (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). `ownSession` starts it in a session of its
 * own (setsid), as a separately started service would run: with Linux's autogroup scheduling
 * (/proc/sys/kernel/sched_autogroup_enabled), a busy machine shares its CPU between sessions, so
 * servers in the benchmark's session would share one share with it.
 */
export async function startBuiltServer(
  options: { port: number; serverLog: string; extraEnv?: Record<string, string>; timeoutMs?: number; ownSession?: boolean } & ({ databaseFile: string } | { databaseUrl: string }),
): Promise<ChildProcess> {
  const out = fs.openSync(options.serverLog, "a");
  const extraArgs = process.env.BENCH_SERVER_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extraArgs, path.join(root, "build/server.js")], {
    cwd: root,
    stdio: ["ignore", out, out],
    detached: options.ownSession ?? false,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: String(options.port),
      HOST: "127.0.0.1",
      APP_URL: "https://bench.invalid",
      APP_SECRET: crypto.randomBytes(48).toString("base64"),
      DATABASE_URL: "databaseUrl" in options ? options.databaseUrl : `sqlite:${options.databaseFile}`,
      LOG_LEVEL: "info",
      ...options.extraEnv,
    },
  });
  fs.closeSync(out);
  await waitUntilUp(options.port, child, options.timeoutMs);
  return child;
}

/** Stops the server gracefully (it closes the database; a --cpu-prof profile is written). */
export async function stopServer(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 12_000))]);
}

/** Signs in through POST /login (the real flow) and returns the Cookie header to send afterwards. */
export async function signIn(port: number, email: string, password: string): Promise<string> {
  const host = `127.0.0.1:${port}`;
  const headers = { Host: host, Origin: `http://${host}`, "Content-Type": "application/x-www-form-urlencoded" };
  const reply = await request(port, "POST", "/login", headers, new URLSearchParams({ email, password }).toString());
  const setCookies = reply.headers["set-cookie"] ?? [];
  const cookie = setCookies.map((c) => c.split(";")[0]).join("; ");
  if (reply.status !== 302 || reply.headers.location !== "/app" || !cookie.includes("__Host-pp_session=")) {
    throw new Error(`Sign-in of ${email} failed: ${reply.status} ${reply.headers.location ?? ""} ${JSON.stringify(setCookies)}\n${reply.body.slice(0, 500)}`);
  }
  return cookie;
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux); null elsewhere. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5) (utime, stime), counted from after the command name; USER_HZ is 100 on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Resident memory of a process from /proc/<pid>/status (Linux), bytes: now (VmRSS) and its peak (VmHWM); null elsewhere. */
export function processMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    const rss = kb("VmRSS");
    const peak = kb("VmHWM");
    return Number.isFinite(rss) && Number.isFinite(peak) ? { rss, peak } : null;
  } catch {
    return null;
  }
}

/** Resets a process's peak resident memory (VmHWM) to its current size (Linux ≥ 4.0, same user); false if it cannot. */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The pid of a process whose command name matches (e.g. the database server), or null. */
export function findProcess(name: RegExp): number | null {
  try {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (name.test(fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim())) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return null;
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat); null off Linux. */
export function machineBusySeconds(): number | null {
  try {
    const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return null;
  }
}

/** CPU used over a measured window: the server(s), this process (the load generator), the database and the machine. */
export interface CpuWindow {
  /** Server process CPU seconds (all the servers given, added up); null off Linux. */
  server: number | null;
  /** The database server's CPU seconds, when its pid was given; null off Linux or when it was not found. */
  database?: number | null;
  /** CPU seconds this process (the load generator) used. */
  client: number;
  /** Busy CPU seconds of the whole machine; null off Linux. */
  machine: number | null;
  /** Wall time, s. */
  wall: number;
}

/** Runs `run` and reports the CPU used meanwhile by the server(s) (one pid or several), this process, the database (its pid, if given) and the machine. */
export async function withCpu<T>(serverPids: number | number[], run: () => Promise<T>, databasePid?: number | null): Promise<{ result: T; cpu: CpuWindow }> {
  const pids = Array.isArray(serverPids) ? serverPids : [serverPids];
  const serversCpu = () => pids.reduce<number | null>((sum, pid) => {
    const s = processCpuSeconds(pid);
    return sum === null || s === null ? null : sum + s;
  }, 0);
  const databaseCpu = () => (databasePid ? processCpuSeconds(databasePid) : null);
  const serverBefore = serversCpu();
  const databaseBefore = databaseCpu();
  const machineBefore = machineBusySeconds();
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await run();
  const wall = (performance.now() - wallBefore) / 1000;
  const serverAfter = serversCpu();
  const databaseAfter = databaseCpu();
  const machineAfter = machineBusySeconds();
  const client = process.cpuUsage(clientBefore);
  return {
    result,
    cpu: {
      server: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
      ...(databasePid === undefined ? {} : { database: databaseBefore === null || databaseAfter === null ? null : databaseAfter - databaseBefore }),
      client: (client.user + client.system) / 1e6,
      machine: machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore,
      wall,
    },
  };
}

/** A Markdown table, numbers right-aligned (it can be pasted into docs/benchmarks.md as it is). */
export function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  log(line(header));
  log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of rows) log(line(r));
}

export function escapeHtml(s: string) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function autocannonVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "node_modules/autocannon/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** A GET scenario: the path and the headers (Host, Cookie …) every request sends. */
export interface Scenario {
  key: string;
  label: string;
  path: string;
  headers: Record<string, string>;
}

export interface Measurement {
  key: string;
  label: string;
  client: "autocannon" | "custom";
  rps: number;
  p50: number;
  p99: number;
  total: number;
  cpu: CpuWindow;
  statuses: Record<string, number>;
}

export interface LoadOptions {
  /** Seconds of warm-up, then of measurement. */
  warmup: number;
  duration: number;
  connections: number;
}

function autocannonGet(port: number, s: Scenario, seconds: number, connections: number): Promise<Result> {
  return autocannon({ url: `http://127.0.0.1:${port}${s.path}`, connections, duration: seconds, method: "GET", headers: s.headers, timeout: 30 });
}

function statusesOf(result: Result): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, v]) => [code, v.count]));
}

function assertClean(s: Scenario, result: Result, phase: string) {
  const statuses = statusesOf(result);
  if (Object.keys(statuses).some((code) => code !== "200") || result.errors || result.timeouts) {
    throw new Error(`${s.label} (${phase}): expected only 200, got ${JSON.stringify(statuses)}, ${result.errors} errors, ${result.timeouts} timeouts.`);
  }
}

/** A GET scenario under autocannon: a warm-up, then the measurement; anything but 200 aborts the run. */
export async function measureGet(port: number, serverPid: number, s: Scenario, options: LoadOptions): Promise<Measurement> {
  process.stdout.write(`  ${s.label.padEnd(52)} warm-up ${options.warmup} s … `);
  assertClean(s, await autocannonGet(port, s, options.warmup, options.connections), "warm-up");
  process.stdout.write(`measuring ${options.duration} s … `);
  const { result, cpu } = await withCpu(serverPid, () => autocannonGet(port, s, options.duration, options.connections));
  assertClean(s, result, "measurement");
  log(`${fmt(result.requests.average)} req/s`);
  return { key: s.key, label: s.label, client: "autocannon", rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.latency.totalCount, cpu, statuses: statusesOf(result) };
}

/** The lines every benchmark run starts with: what it measures, the machine and its load. */
export function logMachine(title: string) {
  const cpus = os.cpus();
  log(`\n${title}`);
  log(`Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
  log(`Load average before the run: ${os.loadavg().map((l) => fmt(l, 2)).join(", ")} (1, 5, 15 min)`);
}

export interface BenchDir {
  tmp: string;
  /** The SQLite file to seed and serve. */
  file: string;
  serverLog: string;
  /** Tells the run which server to stop at the end. */
  started(child: ChildProcess): void;
}

/**
 * Runs a benchmark in a fresh temp dir: afterwards (also after Ctrl-C) the server it started is
 * stopped and the dir removed (kept with BENCH_KEEP=1); on failure the last lines of the server's
 * log are printed and the process exits with 1.
 */
export async function runInTempDir(prefix: string, run: (dir: BenchDir) => Promise<void>): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let child: ChildProcess | undefined;
  const dir: BenchDir = { tmp, file: path.join(tmp, "bench.sqlite"), serverLog: path.join(tmp, "server.log"), started: (c) => (child = c) };
  const cleanup = async () => {
    await stopServer(child);
    if (process.env.BENCH_KEEP === "1") log(`Kept ${tmp} (database and server log).`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });
  try {
    await run(dir);
  } catch (error) {
    if (fs.existsSync(dir.serverLog)) {
      const tail = fs.readFileSync(dir.serverLog, "utf8").split("\n").slice(-20).join("\n");
      process.stderr.write(`\nLast lines of the server log:\n${tail}\n`);
    }
    process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

/** The median of some measurements (the middle one, or the mean of the two middle ones). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
