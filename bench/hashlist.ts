/**
 * The hash-list API's benchmark (`npm run bench:hashlist`, which builds first; not part of
 * `npm run bench`: it takes 7–8 minutes): the snapshot, deltas, matching and key verification over
 * real HTTP against the BUILT server, each against a baseline measured in the same run, on MariaDB
 * and on SQLite. See docs/benchmarks.md ("Hash lists").
 *
 * Per engine:
 * 1. A fresh database (MariaDB: `pp_bench_<random>` on BENCH_MYSQL_URL, dropped at the end; SQLite: a
 *    temp file), migrated; the data-use agreement and the test list published (as at start-up), a list
 *    "industry" created, an approved company that accepted the agreement and was granted the list, and
 *    an API key (scopes hashlist:read and hashlist:match) – all through the app's own services.
 * 2. BENCH_HASHLIST_ENTRIES synthetic entries (default 1,000,000; seeded, so every run sees the same
 *    data) written straight into hash_entry in multi-row inserts of 2,000 (checkpoints 1…N, the list's
 *    last_seq and live_count updated in the same transactions): sha256 50 %, md5 20 %, sha1 10 %,
 *    pdq 20 % (quality 50–100). Then 20,000 changes through the app's addEntries and removeEntries
 *    (10 rounds of 1,000 additions and 1,000 removals), so that deltas have both kinds.
 * 3. Starts `node build/server.js` on that database (RATE_LIMIT_FACTOR=1000000) and checks: GET
 *    /api/v1/lists (entries, checkpoint), a whole snapshot (its entries, order and the SHA-256 over
 *    `algorithm,value` lines against the Hashlist-Checksum header), a delta page, an exact match batch
 *    (every planted hit found, nothing else) and a PDQ match.
 * 4. Measures:
 *    - snapshot, GET /api/v1/lists/industry/snapshot (CSV): the first download (which also computes the
 *      checkpoint's checksum) and BENCH_HASHLIST_SNAPSHOTS more (default 3; median), rows per second,
 *      against `mariadb --quick -N -B` (SQLite: `sqlite3 -batch`) running the server's SELECT, once per
 *      algorithm, on the same database (median of as many runs); also the server's keyset pages read
 *      in this process through Kysely (where the time goes). Peak server memory: VmHWM of the server,
 *      reset before (/proc/<pid>/clear_refs), and VmRSS polled every 20 ms; with a client that reads as
 *      fast as it can, and with one that stops reading after the first chunk for BENCH_HASHLIST_STALL
 *      seconds (default: 1.2 × the snapshot's time, so the server could have produced all of it), as a
 *      congested link or a client that writes to a slow disk would; and GET /healthz every 100 ms on
 *      another connection while a snapshot streams (does a download hold up other requests?);
 *    - a delta page of 10,000 changes (GET …/changes?since=<checkpoint after the bulk load>&limit=10000),
 *      p50 of 20, against the snapshot computed from the database (the first download) and served from
 *      its file (the median);
 *    - exact match of 1,000 hashes (625 sha256, 250 md5, 125 sha1; half of them on the list), POST
 *      /api/v1/match, p50/p95 of BENCH_HASHLIST_REQUESTS (default 200), interleaved with the server's
 *      own SQL run through Kysely in this process (the database-only look-up of the same batch);
 *    - POST /api/v1/match with 1 PDQ hash against the list's ~200,000 PDQ entries: the first (which
 *      builds the in-memory index), then p50/p95 interleaved with GET /healthz, and req/s of both with
 *      autocannon (BENCH_DURATION s, default 5, at 10 connections);
 *    - key verification: GET …/changes?limit=100 over HTTP (p50), and in this process the delta's own
 *      work without a key (the list's checkpoint, then readChanges) against verifyApiKey (which gives
 *      the checkpoint) + readChanges, as the server does it (API_KEY_CACHE_MS) and with the cache off,
 *      interleaved, on the same database (p50 of 1,000 each), with verifyApiKey alone and `SELECT 1`
 *      (one round trip) for scale.
 * 5. Prints a table per engine (scenario, figure, baseline, ratio, goal, met?), and how much CPU other
 *    processes used meanwhile (the figures are disturbed when that is high).
 *
 * With BENCH_HASHLIST_BIG=1, the MariaDB run then adds entries up to BENCH_HASHLIST_BIG_ENTRIES (default
 * 3,000,000), restarts the server and measures the snapshot again: the first download and one more,
 * once the CLI baseline, the stalled client (with MariaDB's default 128 MB buffer pool, about 30 more
 * minutes: the pages then read from disk).
 *
 * Environment (all optional): BENCH_HASHLIST_ENGINES (default "mysql,sqlite"), BENCH_MYSQL_URL
 * (default mysql://root@127.0.0.1:3306), BENCH_HASHLIST_ENTRIES, BENCH_HASHLIST_BIG,
 * BENCH_HASHLIST_BIG_ENTRIES, BENCH_HASHLIST_SNAPSHOTS, BENCH_HASHLIST_REQUESTS, BENCH_HASHLIST_STALL,
 * BENCH_DURATION, BENCH_HASHLIST_JSON (write the results there), BENCH_KEEP=1 (keep the temp dir and the
 * MariaDB database), BENCH_SERVER_ARGS (extra node arguments for the server, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof").
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import { sql } from "kysely";
import { createDb, type Db, type Engine } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { withCheckDigit } from "#db/seed/demo";
import { publishMissingAgreements } from "~/modules/agreements/agreements.server";
import { verifyApiKey, VerifiedKeys } from "~/modules/api-keys/verify.server";
import { parseEnv } from "~/utils/env.server";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { insertUser } from "~/modules/auth/users.server";
import { readChanges, snapshotPages, SNAPSHOT_ALGORITHMS } from "~/modules/hashlist/feed.server";
import { addEntries, createHashList, ensureTestList, getHashList, removeEntries, type HashList } from "~/modules/hashlist/lists.server";
import { ALGORITHM_CODE, bytesToHex, type Algorithm } from "~/modules/hashlist/values";
import { addMembership } from "~/modules/members/members.server";
import { newId } from "~/utils/ids";
import { autocannonVersion, findProcess, fmt, percentile, freePort, log, machineBusySeconds, printTable, processCpuSeconds, processMemory, request, resetPeakMemory, root, startBuiltServer, stopServer } from "./lib";
import { BYTES, bulkLoad, createBenchDatabase, grantListWithKey, randomBytes, syntheticEntry, type Rand, type Sample } from "./seed";
import { mulberry32 } from "../test/support/prng";

const ENTRIES = Number(process.env.BENCH_HASHLIST_ENTRIES ?? 1_000_000);
const BIG = process.env.BENCH_HASHLIST_BIG === "1";
const BIG_ENTRIES = Number(process.env.BENCH_HASHLIST_BIG_ENTRIES ?? 3_000_000);
const ENGINES = (process.env.BENCH_HASHLIST_ENGINES ?? "mysql,sqlite").split(",").map((e) => e.trim()).filter(Boolean) as Engine[];
const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const SNAPSHOTS = Number(process.env.BENCH_HASHLIST_SNAPSHOTS ?? 3);
const REQUESTS = Number(process.env.BENCH_HASHLIST_REQUESTS ?? 200);
/** Seconds the stalled client stops reading; unset: 1.2 × the snapshot's median time. */
const STALL = process.env.BENCH_HASHLIST_STALL ? Number(process.env.BENCH_HASHLIST_STALL) : null;
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const KEEP = process.env.BENCH_KEEP === "1";
const RATE_LIMIT_FACTOR = 1_000_000;

/** 10 rounds of 1,000 additions and 1,000 removals through the app's services. */
const CHANGE_ROUNDS = 10;
const CHANGE_BATCH = 1000;
const DELTA_PAGE = 10_000;
const SMALL_DELTA = 100;
const MATCH_BATCH = { sha256: 625, md5: 250, sha1: 125 } as const;
const KEY_ITERATIONS = 1000;
/** Every SAMPLE_EVERY-th entry written is remembered (about 40,000): removals, match hits and PDQ queries come from them. */
const SAMPLE_EVERY = Math.max(1, Math.floor(ENTRIES / 40_000));

const GOALS = { snapshotRatio: 0.8, peakMb: 150, deltaRatio: 0.05, matchRatio: 3, keyShare: 0.1 };

// ---------------------------------------------------------------------------------------------
// Measuring.

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => percentile(sorted(xs), 50);
const MB = 1024 * 1024;

/** CPU seconds of this process and of the children it has waited for (the CLI baselines), from /proc; null off Linux. */
function ownCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime: fields 14–17 of proc(5), counted from after the command name.
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return null;
  }
}

/**
 * Runs the functions in turn, `warmup` rounds not counted then `n` rounds, and returns each one's
 * times (ms). Interleaving puts the baseline and the figure under the same conditions.
 */
async function interleaved(n: number, warmup: number, fns: (() => Promise<unknown>)[]): Promise<number[][]> {
  const times = fns.map(() => [] as number[]);
  for (let round = 0; round < warmup + n; round++) {
    for (const [i, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      if (round >= warmup) times[i]!.push(performance.now() - t0);
    }
  }
  return times;
}

/** Polls the server's VmRSS every 20 ms (and resets its VmHWM first) while `run` runs. */
async function withMemory<T>(pid: number, run: () => Promise<T>): Promise<{ result: T; peakRss: number; hwm: number | null; before: number }> {
  const before = processMemory(pid)?.rss ?? NaN;
  const reset = resetPeakMemory(pid);
  let peakRss = before;
  const timer = setInterval(() => {
    const m = processMemory(pid);
    if (m && m.rss > peakRss) peakRss = m.rss;
  }, 20);
  try {
    const result = await run();
    const m = processMemory(pid);
    if (m && m.rss > peakRss) peakRss = m.rss;
    return { result, peakRss, hwm: reset && m ? m.peak : null, before };
  } finally {
    clearInterval(timer);
  }
}

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  lines: number;
  ms: number;
  firstByteMs: number;
  /** With `verify`: the SHA-256 over the `algorithm,value` lines, and whether they were in order. */
  checksum?: string;
  ordered?: boolean;
  perAlgorithm?: Record<string, number>;
}

/**
 * Downloads a snapshot, counting bytes and lines as they arrive (nothing is kept). `verify` also
 * computes the checksum a client would; `stallMs` stops reading for that long after the first chunk.
 */
function download(port: number, urlPath: string, headers: Record<string, string>, options: { verify?: boolean; stallMs?: number } = {}): Promise<Download> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = NaN;
    const req = http.request({ host: "127.0.0.1", port, method: "GET", path: urlPath, headers }, (res) => {
      let bytes = 0;
      let lines = 0;
      const hash = options.verify ? crypto.createHash("sha256") : null;
      let rest = "";
      let header = true;
      let previous = "";
      let ordered = true;
      const perAlgorithm: Record<string, number> = {};
      let stalled = false;
      res.on("data", (chunk: Buffer) => {
        if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - started;
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        if (hash) {
          const text = rest + chunk.toString("utf8");
          const parts = text.split("\n");
          rest = parts.pop()!;
          for (const line of parts) {
            if (header) {
              header = false;
              continue;
            }
            const first = line.indexOf(",");
            const canonical = line.slice(0, line.indexOf(",", first + 1));
            if (canonical <= previous) ordered = false;
            previous = canonical;
            hash.update(`${canonical}\n`);
            const algorithm = line.slice(0, first);
            perAlgorithm[algorithm] = (perAlgorithm[algorithm] ?? 0) + 1;
          }
        }
        if (options.stallMs && !stalled) {
          stalled = true;
          res.pause();
          setTimeout(() => res.resume(), options.stallMs);
        }
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes,
          lines,
          ms: performance.now() - started,
          firstByteMs,
          ...(hash ? { checksum: hash.digest("hex"), ordered: ordered && rest === "", perAlgorithm } : {}),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function runCommand(command: string, args: string[]): Promise<{ ms: number; lines: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve({ ms: performance.now() - started, lines, bytes }) : reject(new Error(`${command} exited with ${code}: ${stderr.slice(0, 500)}`))));
  });
}

/** The server's snapshot SELECT for one algorithm, whole (no keyset page, no limit), with its numbers inlined. */
function snapshotSql(db: Db, listId: number, seq: number, algorithm: Algorithm): string {
  const compiled = db
    .selectFrom("hash_entry")
    .select(["value", "quality", "category"])
    .where("list_id", "=", listId)
    .where("algorithm", "=", ALGORITHM_CODE[algorithm])
    .where("added_seq", "<=", seq)
    .where((eb) => eb.or([eb("removed_seq", "is", null), eb("removed_seq", ">", seq)]))
    .orderBy("value")
    .compile();
  let i = 0;
  return compiled.sql.replace(/\?/g, () => String(Number(compiled.parameters[i++])));
}

// ---------------------------------------------------------------------------------------------
// One engine.

interface Row {
  key: string;
  scenario: string;
  figure: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: string;
  values: Record<string, number | null>;
}

interface Setup {
  db: Db;
  engine: Engine;
  databaseUrl: string;
  cliArgs: (sqlText: string) => [string, string[]];
  list: HashList;
  secret: string;
  samples: Sample[];
  removed: Sample[];
  base: number;
  rand: Rand;
  loadMs: number;
  changesMs: number;
}

const staff = systemActor("bench");

/** What to undo if the run is interrupted (Ctrl-C): stop the server, drop the MariaDB database. */
const onInterrupt = new Set<() => Promise<void>>();

/** A company of its own ("Bench Hosting AB": an admin and an engineer) with access to the list and an API key. */
async function createCompanyWithKey(db: Db, listId: number): Promise<string> {
  const organisationId = newId();
  const now = Date.now();
  await db
    .insertInto("organisation")
    .values({
      id: organisationId,
      name: "Bench Hosting AB",
      country: "SE",
      org_number: withCheckDigit("556123456"),
      industry: "hosting",
      website: null,
      size_band: "50-249",
      status: "approved",
      status_reason: null,
      status_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db.insertInto("organisation_status_event").values({ id: newId(), organisation_id: organisationId, from_status: null, to_status: "approved", reason: null, actor_user_id: null, at: now }).execute();
  const people: Record<"admin" | "engineer", Actor & { userId: string }> = {} as never;
  for (const [who, role] of [["admin", "org_admin"], ["engineer", "engineer"]] as const) {
    const email = `${who}@bench-hosting.example`;
    const userId = await insertUser(db, { email, name: `Bench ${who}`, passwordHash: null, locale: "sv", emailVerified: true });
    await addMembership(db, organisationId, userId, [role]);
    people[who] = { userId, label: email, ip: "127.0.0.1", userAgent: "bench" };
  }
  return grantListWithKey(db, organisationId, people.admin, people.engineer, listId);
}

async function prepare(engine: Engine, tmp: string): Promise<Setup & { drop: () => Promise<void> }> {
  let databaseUrl: string;
  let cliArgs: Setup["cliArgs"];
  let drop = async () => {};
  if (engine === "mysql") {
    const database = await createBenchDatabase(MYSQL_URL);
    const { name, url } = database;
    databaseUrl = url.toString();
    cliArgs = (sqlText) => [
      "mariadb",
      ["-h", url.hostname, "-P", url.port || "3306", "-u", decodeURIComponent(url.username || "root"), ...(url.password ? [`-p${decodeURIComponent(url.password)}`] : []), "--quick", "-N", "-B", name, "-e", sqlText],
    ];
    drop = database.drop;
  } else {
    const file = path.join(tmp, "hashlist.sqlite");
    databaseUrl = `sqlite:${file}`;
    cliArgs = (sqlText) => ["sqlite3", ["-batch", "-noheader", file, sqlText]];
  }
  onInterrupt.add(drop);
  const db = createDb(databaseUrl, { poolSize: 10 });
  await migrateToLatest(db);
  await publishMissingAgreements(db, staff);
  await ensureTestList(db, staff);
  let list = await createHashList(db, staff, { slug: "industry", name: { sv: "Branschlistan", en: "Industry list" } });
  const secret = await createCompanyWithKey(db, list.id);

  const rand = mulberry32(20_240_601);
  const samples: Sample[] = [];
  log(`  Writing ${fmt(ENTRIES)} entries …`);
  const loadMs = await bulkLoad(db, list.id, ENTRIES, rand, samples, SAMPLE_EVERY);
  const base = (await getHashList(db, list.id))!.lastSeq;

  // The changes after `base`, through the app's services.
  const t0 = performance.now();
  const removed = samples.splice(0, CHANGE_ROUNDS * CHANGE_BATCH);
  for (let r = 0; r < CHANGE_ROUNDS; r++) {
    const additions = Array.from({ length: CHANGE_BATCH }, () => syntheticEntry(rand));
    await db.transaction().execute((trx) => addEntries(trx, list.id, additions));
    await db.transaction().execute((trx) => removeEntries(trx, list.id, removed.slice(r * CHANGE_BATCH, (r + 1) * CHANGE_BATCH)));
  }
  const changesMs = performance.now() - t0;
  list = (await getHashList(db, list.id))!;
  if (list.lastSeq !== base + 2 * CHANGE_ROUNDS * CHANGE_BATCH || list.liveCount !== ENTRIES) throw new Error(`After the changes the list is at ${list.lastSeq} with ${list.liveCount} live entries, not ${base + 20_000} and ${ENTRIES}.`);
  // InnoDB keeps statistics by itself (and recomputes them in the background after a bulk load): take
  // them now, so every run plans with the same. SQLite has none unless someone runs ANALYZE, and the app
  // never does; with them, SQLite 3.53 plans the snapshot's pages badly (docs/benchmarks.md).
  if (engine === "mysql") await sql`ANALYZE TABLE hash_entry`.execute(db);
  onInterrupt.delete(drop);
  return { db, engine, databaseUrl, cliArgs, list, secret, samples, removed, base, rand, loadMs, changesMs, drop };
}

interface SnapshotFigures {
  entries: number;
  bytes: number;
  coldMs: number;
  coldFirstByteMs: number;
  warmMs: number[];
  /** Peak RSS while the first download wrote the checkpoint's file, and while the others read it. */
  coldPeak: number;
  warmPeak: number;
  idleRss: number;
  warmBefore: number;
  baselineMs: number[];
  baselineRows: number;
  inProcessMs: number;
}

/** Snapshot downloads (the first, then `runs` more) under memory watch, `runs` × the CLI baseline, and the in-process pages. */
async function measureSnapshot(s: Setup, port: number, pid: number, list: HashList, runs: number): Promise<SnapshotFigures> {
  const headers = { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${s.secret}` };
  const snapshotPath = `/api/v1/lists/${list.slug}/snapshot`;
  const coldWatch = await withMemory(pid, () => download(port, snapshotPath, headers));
  const warmWatch = await withMemory(pid, async () => {
    const downloads: Download[] = [];
    for (let i = 0; i < runs; i++) downloads.push(await download(port, snapshotPath, headers));
    return downloads;
  });
  const cold = coldWatch.result;
  const warm = warmWatch.result;
  for (const d of [cold, ...warm]) {
    if (d.status !== 200 || d.lines !== list.liveCount + 1 || Number(d.headers["hashlist-entries"]) !== list.liveCount) {
      throw new Error(`A snapshot answered ${d.status} with ${d.lines} lines (Hashlist-Entries ${String(d.headers["hashlist-entries"])}), not ${list.liveCount} entries and a header.`);
    }
  }
  // The baseline: the database's own client, the server's SELECT per algorithm, as many runs.
  const sqlText = SNAPSHOT_ALGORITHMS.map((a) => `${snapshotSql(s.db, list.id, list.lastSeq, a)};`).join(" ");
  const baselines: { ms: number; lines: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const [command, args] = s.cliArgs(sqlText);
    baselines.push(await runCommand(command, args));
  }
  if (s.engine === "mysql" && baselines.some((b) => b.lines !== list.liveCount)) throw new Error(`mariadb printed ${baselines.map((b) => b.lines).join(", ")} rows, not ${list.liveCount}.`);
  // The server's keyset pages, read in this process through Kysely (no formatting, no HTTP).
  const t0 = performance.now();
  let rows = 0;
  for await (const page of snapshotPages(s.db, list.id, list.lastSeq, null)) rows += page.rows.length;
  const inProcessMs = performance.now() - t0;
  if (rows !== list.liveCount) throw new Error(`snapshotPages gave ${rows} rows, not ${list.liveCount}.`);
  return {
    entries: list.liveCount,
    bytes: cold.bytes,
    coldMs: cold.ms,
    coldFirstByteMs: cold.firstByteMs,
    warmMs: warm.map((d) => d.ms),
    coldPeak: Math.max(coldWatch.peakRss, coldWatch.hwm ?? 0),
    warmPeak: Math.max(warmWatch.peakRss, warmWatch.hwm ?? 0),
    idleRss: coldWatch.before,
    warmBefore: warmWatch.before,
    baselineMs: baselines.map((b) => b.ms),
    baselineRows: baselines[0]?.lines ?? NaN,
    inProcessMs,
  };
}

/** A client that stops reading for `seconds` after the first chunk: how much the server holds meanwhile. */
async function measureStalledClient(s: Setup, port: number, pid: number, list: HashList, seconds: number) {
  const headers = { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${s.secret}` };
  const watched = await withMemory(pid, () => download(port, `/api/v1/lists/${list.slug}/snapshot`, headers, { stallMs: seconds * 1000 }));
  if (watched.result.status !== 200 || watched.result.lines !== list.liveCount + 1) throw new Error(`The stalled snapshot answered ${watched.result.status} with ${watched.result.lines} lines.`);
  return { ms: watched.result.ms, peakRss: Math.max(watched.peakRss, watched.hwm ?? 0), before: watched.before };
}

async function autocannonRun(options: { port: number; path: string; method: "GET" | "POST"; headers: Record<string, string>; body?: string; seconds: number }): Promise<Result> {
  const result = await autocannon({ url: `http://127.0.0.1:${options.port}${options.path}`, connections: 10, duration: options.seconds, method: options.method, headers: options.headers, body: options.body, timeout: 30 });
  const bad = Object.entries(result.statusCodeStats).filter(([code]) => code !== "200");
  if (bad.length || result.errors || result.timeouts) throw new Error(`${options.method} ${options.path}: statuses ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts.`);
  return result;
}

function flipBits(value: Buffer, bits: number, rand: Rand): Buffer {
  const out = Buffer.from(value);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(rand() % 256);
  for (const b of chosen) out[b >>> 3]! ^= 1 << (b & 7);
  return out;
}

async function runEngine(engine: Engine, tmp: string): Promise<{ engine: Engine; rows: Row[]; info: Record<string, unknown> }> {
  const label = engine === "mysql" ? "MariaDB" : "SQLite";
  log(`\n## ${label}`);
  const setup = await prepare(engine, tmp);
  const { db } = setup;
  let list = setup.list;
  let child: ChildProcess | undefined;
  const serverLog = path.join(tmp, `server-${engine}.log`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const undo = async () => {
    await stopServer(child);
    await setup.drop();
  };
  onInterrupt.add(undo);
  const info: Record<string, unknown> = {};
  const rows: Row[] = [];
  try {
    const counts = await db
      .selectFrom("hash_entry")
      .select(["algorithm", (eb) => eb.fn.countAll<number>().as("n")])
      .where("list_id", "=", list.id)
      .where("live", "=", 1)
      .groupBy("algorithm")
      .execute();
    const liveByAlgorithm: Record<string, number> = Object.fromEntries(counts.map((c) => [Object.keys(ALGORITHM_CODE).find((a) => ALGORITHM_CODE[a as Algorithm] === Number(c.algorithm))!, Number(c.n)]));
    log(`  Wrote ${fmt(ENTRIES)} entries in ${fmt(setup.loadMs / 1000, 1)} s (${fmt(ENTRIES / (setup.loadMs / 1000))} rows/s), then ${fmt(2 * CHANGE_ROUNDS * CHANGE_BATCH)} changes through addEntries/removeEntries in ${fmt(setup.changesMs / 1000, 1)} s.`);
    log(`  The list: checkpoint ${fmt(list.lastSeq)}, ${fmt(list.liveCount)} live entries (${Object.entries(liveByAlgorithm).map(([a, n]) => `${a} ${fmt(n)}`).join(", ")}); deltas measured from checkpoint ${fmt(setup.base)}.`);
    if (engine === "mysql") {
      const [pool] = (await sql<{ Value: string }>`SHOW VARIABLES LIKE 'innodb_buffer_pool_size'`.execute(db)).rows;
      const [version] = (await sql<{ v: string }>`SELECT VERSION() AS v`.execute(db)).rows;
      info.mariadb = { version: version?.v, bufferPoolMb: Number(pool?.Value) / MB };
      log(`  MariaDB ${version?.v}, innodb_buffer_pool_size ${fmt(Number(pool?.Value) / MB)} MB.`);
    }
    info.entries = list.liveCount;
    info.live = liveByAlgorithm;
    info.loadSeconds = setup.loadMs / 1000;

    const port = await freePort();
    const startServer = async () => {
      child = await startBuiltServer({ port, databaseUrl: setup.databaseUrl, serverLog, timeoutMs: 60_000, extraEnv: { RATE_LIMIT_FACTOR: String(RATE_LIMIT_FACTOR) } });
      return child.pid!;
    };
    let pid = await startServer();
    log(`  Server: node build/server.js (pid ${pid}), NODE_ENV=production, ${label}, port ${port}, log ${serverLog}`);
    const host = `127.0.0.1:${port}`;
    const auth = { Host: host, Authorization: `Bearer ${setup.secret}` };
    const json = { ...auth, "Content-Type": "application/json" };

    // ——— Checks ———
    const lists = await request(port, "GET", "/api/v1/lists", auth);
    const listed = (JSON.parse(lists.body) as { lists: { list: string; entries: number; checkpoint: number }[] }).lists;
    if (lists.status !== 200 || listed.length !== 1 || listed[0]!.entries !== list.liveCount || listed[0]!.checkpoint !== list.lastSeq) throw new Error(`GET /api/v1/lists answered ${lists.status}: ${lists.body.slice(0, 300)}`);

    // From here on, what the machine's other processes use is watched (they disturb the figures).
    const databasePid = engine === "mysql" ? findProcess(/^(mariadbd|mysqld)$/) : null;
    const cpuNow = () => ({
      machine: machineBusySeconds(),
      server: processCpuSeconds(pid),
      database: databasePid === null ? 0 : processCpuSeconds(databasePid),
      bench: ownCpuSeconds(),
      wall: performance.now(),
    });
    const noiseStart = cpuNow();

    // ——— 1. Snapshot: time and memory, then the checksum check, then a stalled client ———
    log(`  Snapshot: the first download and ${SNAPSHOTS} more, then ${SNAPSHOTS} × the CLI baseline and the pages in-process …`);
    const snap = await measureSnapshot(setup, port, pid, list, SNAPSHOTS);
    const checked = await download(port, `/api/v1/lists/${list.slug}/snapshot`, auth, { verify: true });
    const announced = String(checked.headers["hashlist-checksum"]).replace(/^sha256=/, "");
    if (checked.checksum !== announced || !checked.ordered || Number(checked.headers["hashlist-checkpoint"]) !== list.lastSeq) {
      throw new Error(`The snapshot's lines give checksum ${checked.checksum} (in order: ${checked.ordered}), the header says ${announced}.`);
    }
    log(`  Checked: the snapshot has ${fmt(snap.entries)} entries (${Object.entries(checked.perAlgorithm ?? {}).map(([a, n]) => `${a} ${fmt(n)}`).join(", ")}), ${fmt(snap.bytes / MB, 1)} MB, in order, and its SHA-256 is the Hashlist-Checksum header.`);
    // Does a download hold up other requests? GET /healthz every 100 ms on its own connection while one streams.
    const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const probe = async () => {
      const t0 = performance.now();
      const reply = await request(port, "GET", "/healthz", { Host: host }, undefined, healthAgent);
      if (reply.status !== 200) throw new Error(`/healthz answered ${reply.status}.`);
      return performance.now() - t0;
    };
    const idleProbes: number[] = [];
    for (let i = 0; i < 50; i++) idleProbes.push(await probe());
    const busyProbes: number[] = [];
    let streaming = true;
    const probing = (async () => {
      while (streaming) {
        busyProbes.push(await probe());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await download(port, `/api/v1/lists/${list.slug}/snapshot`, auth).finally(() => (streaming = false));
    await probing;
    healthAgent.destroy();
    const stall = STALL ?? Math.max(5, Math.round((1.2 * median(snap.warmMs)) / 1000));
    log(`  Snapshot with a client that stops reading for ${stall} s after the first chunk …`);
    const stalled = await measureStalledClient(setup, port, pid, list, stall);

    const warmMs = median(snap.warmMs);
    const baseMs = median(snap.baselineMs);
    const rps = snap.entries / (warmMs / 1000);
    const baseRps = snap.entries / (baseMs / 1000);
    const cli = engine === "mysql" ? "mariadb --quick -N -B" : "sqlite3 -batch";
    const peak = snap.warmPeak;
    const stalledPeak = stalled.peakRss;
    rows.push(
      {
        key: "snapshot_rows_per_second",
        scenario: `Snapshot, ${fmt(snap.entries)} entries (CSV, median of ${SNAPSHOTS})`,
        figure: `${fmt(rps)} rows/s (${fmt(warmMs / 1000, 2)} s)`,
        baseline: `${cli}: ${fmt(baseRps)} rows/s (${fmt(baseMs / 1000, 2)} s)`,
        ratio: `${fmt(rps / baseRps, 2)}×`,
        goal: `≥ ${GOALS.snapshotRatio}×`,
        met: rps / baseRps >= GOALS.snapshotRatio ? "yes" : "no",
        values: { rowsPerSecond: rps, ms: warmMs, baselineRowsPerSecond: baseRps, baselineMs: baseMs, ratio: rps / baseRps },
      },
      {
        key: "snapshot_first",
        scenario: "Snapshot, first download (writes the checkpoint's file and checksum)",
        figure: `${fmt(snap.coldMs / 1000, 2)} s (first byte ${fmt(snap.coldFirstByteMs / 1000, 2)} s)`,
        baseline: `${cli}: ${fmt(baseMs / 1000, 2)} s`,
        ratio: `${fmt(baseMs / snap.coldMs, 2)}×`,
        goal: "–",
        met: "–",
        values: { ms: snap.coldMs, firstByteMs: snap.coldFirstByteMs, ratio: baseMs / snap.coldMs },
      },
      {
        key: "snapshot_pages_in_process",
        scenario: "  the server's keyset pages, in-process (Kysely, no HTTP)",
        figure: `${fmt(snap.entries / (snap.inProcessMs / 1000))} rows/s (${fmt(snap.inProcessMs / 1000, 2)} s)`,
        baseline: `${cli}: ${fmt(baseRps)} rows/s`,
        ratio: `${fmt(baseMs / snap.inProcessMs, 2)}×`,
        goal: "–",
        met: "–",
        values: { ms: snap.inProcessMs, ratio: baseMs / snap.inProcessMs },
      },
      {
        key: "snapshot_peak_memory_first",
        scenario: "Snapshot, peak server RSS, first download (writes the file from the database)",
        figure: `${fmt(snap.coldPeak / MB)} MB`,
        baseline: `idle before: ${fmt(snap.idleRss / MB)} MB`,
        ratio: `+${fmt((snap.coldPeak - snap.idleRss) / MB)} MB`,
        goal: `≤ ${GOALS.peakMb} MB`,
        met: snap.coldPeak <= GOALS.peakMb * MB ? "yes" : "no",
        values: { peakMb: snap.coldPeak / MB, idleMb: snap.idleRss / MB },
      },
      {
        key: "snapshot_peak_memory",
        scenario: "Snapshot, peak server RSS, downloads from the file (client at full speed)",
        figure: `${fmt(peak / MB)} MB`,
        baseline: `before: ${fmt(snap.warmBefore / MB)} MB`,
        ratio: `+${fmt((peak - snap.warmBefore) / MB)} MB`,
        goal: `≤ ${GOALS.peakMb} MB`,
        met: peak <= GOALS.peakMb * MB ? "yes" : "no",
        values: { peakMb: peak / MB, beforeMb: snap.warmBefore / MB, idleMb: snap.idleRss / MB },
      },
      {
        key: "snapshot_peak_memory_stalled",
        scenario: `Snapshot, peak server RSS (client stalls ${stall} s)`,
        figure: `${fmt(stalledPeak / MB)} MB (${fmt(stalled.ms / 1000, 1)} s)`,
        baseline: `before: ${fmt(stalled.before / MB)} MB`,
        ratio: `+${fmt((stalledPeak - stalled.before) / MB)} MB`,
        goal: `≤ ${GOALS.peakMb} MB`,
        met: stalledPeak <= GOALS.peakMb * MB ? "yes" : "no",
        values: { peakMb: stalledPeak / MB, beforeMb: stalled.before / MB, ms: stalled.ms },
      },
      {
        key: "healthz_during_snapshot",
        scenario: `GET /healthz during a snapshot download (${busyProbes.length} probes)`,
        figure: `p50 ${fmt(median(busyProbes), 1)} ms, max ${fmt(Math.max(...busyProbes), 0)} ms`,
        baseline: `idle: p50 ${fmt(median(idleProbes), 1)} ms, max ${fmt(Math.max(...idleProbes), 0)} ms`,
        ratio: `${fmt(Math.max(...busyProbes) / Math.max(...idleProbes), 1)}× max`,
        goal: "–",
        met: "–",
        values: { p50: median(busyProbes), max: Math.max(...busyProbes), probes: busyProbes.length, idleP50: median(idleProbes), idleMax: Math.max(...idleProbes) },
      },
    );
    log(`  Snapshot: ${fmt(rps)} rows/s against ${fmt(baseRps)}; peak RSS ${fmt(peak / MB)} MB (${fmt(stalledPeak / MB)} MB with a client that stalls ${stall} s).`);

    // ——— 2. A delta page of 10,000 changes ———
    const deltaPath = `/api/v1/lists/${list.slug}/changes?since=${setup.base}&limit=${DELTA_PAGE}`;
    const deltaCheck = await request(port, "GET", deltaPath, auth, undefined, agent);
    const page = JSON.parse(deltaCheck.body) as { changes: { op: string }[]; more: boolean; next: number };
    const ops = page.changes?.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.op]: (acc[c.op] ?? 0) + 1 }), {});
    if (deltaCheck.status !== 200 || page.changes.length !== DELTA_PAGE || !page.more || page.next !== setup.base + DELTA_PAGE) throw new Error(`The delta page answered ${deltaCheck.status}: ${deltaCheck.body.slice(0, 300)}`);
    const [deltaTimes] = await interleaved(20, 3, [
      async () => {
        const r = await request(port, "GET", deltaPath, auth, undefined, agent);
        if (r.status !== 200) throw new Error(`The delta page answered ${r.status}.`);
      },
    ]);
    const deltaP50 = median(deltaTimes!);
    // A snapshot computed from the database (the first download of a checkpoint, which writes its file)
    // and one served from that file (a byte copy): the delta's cost against each.
    const fromDbMs = snap.coldMs;
    rows.push(
      {
        key: "delta_10000",
        scenario: `Delta page of ${fmt(DELTA_PAGE)} changes (p50 of 20; ${fmt(deltaCheck.body.length / MB, 1)} MB JSON)`,
        figure: `${fmt(deltaP50)} ms`,
        baseline: `snapshot computed from the database: ${fmt(fromDbMs)} ms`,
        ratio: `${fmt(deltaP50 / fromDbMs, 3)}×`,
        goal: `≤ ${GOALS.deltaRatio}×`,
        met: deltaP50 / fromDbMs <= GOALS.deltaRatio ? "yes" : "no",
        values: { p50: deltaP50, snapshotMs: fromDbMs, ratio: deltaP50 / fromDbMs },
      },
      {
        key: "delta_10000_vs_file",
        scenario: "  the same against a snapshot served from its file",
        figure: `${fmt(deltaP50)} ms`,
        baseline: `snapshot from its file: ${fmt(warmMs)} ms`,
        ratio: `${fmt(deltaP50 / warmMs, 3)}×`,
        goal: `≤ ${GOALS.deltaRatio}×`,
        met: deltaP50 / warmMs <= GOALS.deltaRatio ? "yes" : "no",
        values: { p50: deltaP50, snapshotMs: warmMs, ratio: deltaP50 / warmMs },
      },
    );
    log(`  Delta: ${fmt(page.changes.length)} changes (${Object.entries(ops ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(", ")}), p50 ${fmt(deltaP50)} ms.`);

    // ——— 3. Exact match of 1,000 hashes ———
    const batch: Sample[] = [];
    const planted = new Set<Sample>();
    for (const [algorithm, n] of Object.entries(MATCH_BATCH) as [Algorithm, number][]) {
      const mine = setup.samples.filter((x) => x.algorithm === algorithm);
      for (let i = 0; i < n; i++) {
        if (i % 2 === 0) {
          const hit = mine[(i * 7) % mine.length]!;
          batch.push(hit);
          planted.add(hit);
        } else batch.push({ algorithm, value: randomBytes(setup.rand, BYTES[algorithm]) });
      }
    }
    const hits = planted.size;
    for (let i = batch.length - 1; i > 0; i--) {
      const j = setup.rand() % (i + 1);
      [batch[i], batch[j]] = [batch[j]!, batch[i]!];
    }
    const matchBody = JSON.stringify({ hashes: batch.map((h) => ({ algorithm: h.algorithm, value: bytesToHex(h.value) })) });
    const matchCheck = await request(port, "POST", "/api/v1/match", json, matchBody, agent);
    const matched = JSON.parse(matchCheck.body) as { checked: number; matches: { index: number; distance: number }[]; refused: unknown[] };
    const hitIndexes = new Set(batch.flatMap((h, i) => (planted.has(h) ? [i] : [])));
    if (matchCheck.status !== 200 || matched.checked !== batch.length || matched.refused.length || matched.matches.length !== hits || matched.matches.some((m) => !hitIndexes.has(m.index) || m.distance !== 0)) {
      throw new Error(`The match batch answered ${matchCheck.status}: ${matchCheck.body.slice(0, 300)}`);
    }
    // The server's SQL for this batch (match.server.ts: one query per algorithm and chunk of 1,000).
    const byAlgorithm = (["md5", "sha1", "sha256"] as const).map((a) => ({ code: ALGORITHM_CODE[a], values: batch.filter((h) => h.algorithm === a).map((h) => h.value) }));
    const databaseOnly = async () => {
      let n = 0;
      for (const { code, values } of byAlgorithm) {
        n += (await db.selectFrom("hash_entry").select(["list_id", "value", "category"]).where("list_id", "in", [list.id]).where("algorithm", "=", code).where("live", "=", 1).where("value", "in", values).execute()).length;
      }
      if (n !== hits) throw new Error(`The database-only look-up found ${n}, not ${hits}.`);
    };
    const [matchTimes, dbTimes] = await interleaved(REQUESTS, 20, [
      async () => {
        const r = await request(port, "POST", "/api/v1/match", json, matchBody, agent);
        if (r.status !== 200) throw new Error(`The match batch answered ${r.status}.`);
      },
      databaseOnly,
    ]);
    const m = sorted(matchTimes!);
    const d = sorted(dbTimes!);
    const matchRatio = percentile(m, 95) / percentile(d, 95);
    rows.push({
      key: "match_exact_1000",
      scenario: `Exact match, 1,000 hashes (${hits} hits), p95 of ${REQUESTS}`,
      figure: `${fmt(percentile(m, 95), 1)} ms (p50 ${fmt(percentile(m, 50), 1)})`,
      baseline: `database only: ${fmt(percentile(d, 95), 1)} ms (p50 ${fmt(percentile(d, 50), 1)})`,
      ratio: `${fmt(matchRatio, 2)}×`,
      goal: `≤ ${GOALS.matchRatio}×`,
      met: matchRatio <= GOALS.matchRatio ? "yes" : "no",
      values: { p50: percentile(m, 50), p95: percentile(m, 95), baselineP50: percentile(d, 50), baselineP95: percentile(d, 95), ratio: matchRatio, ratioP50: percentile(m, 50) / percentile(d, 50) },
    });
    log(`  Exact match: p95 ${fmt(percentile(m, 95), 1)} ms against ${fmt(percentile(d, 95), 1)} ms database-only.`);

    // ——— 4. PDQ: one hash against the list's PDQ entries ———
    const pdqSamples = setup.samples.filter((x) => x.algorithm === "pdq");
    const pdqBodies = Array.from({ length: 50 }, (_, i) => {
      const value = i % 2 === 0 ? flipBits(pdqSamples[(i * 13) % pdqSamples.length]!.value, i % 16, setup.rand) : randomBytes(setup.rand, 32);
      return JSON.stringify({ hashes: [{ algorithm: "pdq", value: bytesToHex(value), quality: 90 }] });
    });
    const rssBeforeIndex = processMemory(pid)?.rss ?? NaN;
    const pdqFirstStarted = performance.now();
    const pdqFirst = await request(port, "POST", "/api/v1/match", json, pdqBodies[0]!, agent);
    const pdqFirstMs = performance.now() - pdqFirstStarted;
    const rssAfterIndex = processMemory(pid)?.rss ?? NaN;
    const pdqMatches = (JSON.parse(pdqFirst.body) as { matches: { distance: number }[] }).matches;
    if (pdqFirst.status !== 200 || !pdqMatches.some((x) => x.distance === 0)) throw new Error(`The PDQ match answered ${pdqFirst.status}: ${pdqFirst.body.slice(0, 300)}`);
    let turn = 0;
    const [pdqTimes, healthTimes] = await interleaved(REQUESTS, 20, [
      async () => {
        const r = await request(port, "POST", "/api/v1/match", json, pdqBodies[turn++ % pdqBodies.length]!, agent);
        if (r.status !== 200) throw new Error(`The PDQ match answered ${r.status}.`);
      },
      async () => {
        const r = await request(port, "GET", "/healthz", { Host: host }, undefined, agent);
        if (r.status !== 200) throw new Error(`/healthz answered ${r.status}.`);
      },
    ]);
    const p = sorted(pdqTimes!);
    const h = sorted(healthTimes!);
    log(`  PDQ: first request ${fmt(pdqFirstMs)} ms (builds the index; RSS ${fmt(rssBeforeIndex / MB)} → ${fmt(rssAfterIndex / MB)} MB); then autocannon ${DURATION} s each at 10 connections …`);
    const cpu0 = processCpuSeconds(pid);
    const healthAc = await autocannonRun({ port, path: "/healthz", method: "GET", headers: { Host: host }, seconds: DURATION });
    const cpu1 = processCpuSeconds(pid);
    const pdqAc = await autocannonRun({ port, path: "/api/v1/match", method: "POST", headers: json, body: pdqBodies[0], seconds: DURATION });
    const cpu2 = processCpuSeconds(pid);
    const cpuPer = (a: number | null, b: number | null, n: number) => (a === null || b === null ? null : ((b - a) * 1000) / n);
    const healthCpu = cpuPer(cpu0, cpu1, healthAc.latency.totalCount);
    const pdqCpu = cpuPer(cpu1, cpu2, pdqAc.latency.totalCount);
    rows.push(
      {
        key: "match_pdq_1",
        scenario: `PDQ match, 1 hash vs ${fmt(liveByAlgorithm.pdq ?? 0)} PDQ entries, p50 of ${REQUESTS}`,
        figure: `${fmt(percentile(p, 50), 2)} ms (p95 ${fmt(percentile(p, 95), 2)})`,
        baseline: `/healthz: ${fmt(percentile(h, 50), 2)} ms (p95 ${fmt(percentile(h, 95), 2)})`,
        ratio: `${fmt(percentile(p, 50) / percentile(h, 50), 2)}×`,
        goal: "–",
        met: "–",
        values: { p50: percentile(p, 50), p95: percentile(p, 95), baselineP50: percentile(h, 50), baselineP95: percentile(h, 95), ratio: percentile(p, 50) / percentile(h, 50), firstMs: pdqFirstMs, rssBeforeIndexMb: rssBeforeIndex / MB, rssAfterIndexMb: rssAfterIndex / MB },
      },
      {
        key: "match_pdq_1_rps",
        scenario: "PDQ match, 1 hash, autocannon 10 connections",
        figure: `${fmt(pdqAc.requests.average)} req/s${pdqCpu === null ? "" : ` (${fmt(pdqCpu, 2)} ms CPU/req)`}`,
        baseline: `/healthz: ${fmt(healthAc.requests.average)} req/s${healthCpu === null ? "" : ` (${fmt(healthCpu, 2)} ms)`}`,
        ratio: `${fmt(pdqAc.requests.average / healthAc.requests.average, 2)}×`,
        goal: "–",
        met: "–",
        values: { rps: pdqAc.requests.average, baselineRps: healthAc.requests.average, ratio: pdqAc.requests.average / healthAc.requests.average, cpuMsPerRequest: pdqCpu, baselineCpuMsPerRequest: healthCpu },
      },
    );

    // ——— 5. Key verification on a delta of 100 ———
    const smallPath = `/api/v1/lists/${list.slug}/changes?since=${setup.base}&limit=${SMALL_DELTA}`;
    const [httpSmall] = await interleaved(REQUESTS, 20, [
      async () => {
        const r = await request(port, "GET", smallPath, auth, undefined, agent);
        if (r.status !== 200) throw new Error(`The delta of ${SMALL_DELTA} answered ${r.status}.`);
      },
    ]);
    const authorization = `Bearer ${setup.secret}`;
    // As the server does it (API_KEY_CACHE_MS, default 1,000 ms), and with the cache off (0).
    const keys = new VerifiedKeys(parseEnv({}).API_KEY_CACHE_MS);
    const smallPage = async (l: { id: number; lastSeq: number; minSeq: number }) => {
      const c = await readChanges(db, l, setup.base, SMALL_DELTA);
      if (c.changes.length !== SMALL_DELTA) throw new Error("readChanges gave a short page.");
    };
    const verifiedList = async (cache?: VerifiedKeys) => (await verifyApiKey(db, authorization, "127.0.0.1", "hashlist:read", Date.now(), cache)).lists.find((x) => x.slug === list.slug)!;
    const [alone, verified, strict, verifyOnly, roundTrip] = await interleaved(KEY_ITERATIONS, 50, [
      // The delta's own work without a key: the list's checkpoint, then the page.
      async () => smallPage((await getHashList(db, list.id))!),
      async () => smallPage(await verifiedList(keys)),
      async () => smallPage(await verifiedList()),
      () => verifiedList(keys),
      () => sql`SELECT 1`.execute(db),
    ]);
    const aloneP50 = median(alone!);
    const verifiedP50 = median(verified!);
    const strictP50 = median(strict!);
    const verifyP50 = median(verifyOnly!);
    const httpP50 = median(httpSmall!);
    const roundTripP50 = median(roundTrip!);
    const share = (verifiedP50 - aloneP50) / aloneP50;
    const strictShare = (strictP50 - aloneP50) / aloneP50;
    rows.push(
      {
        key: "key_verification_share",
        scenario: `Key verification on a delta of ${SMALL_DELTA}, in-process p50 of ${fmt(KEY_ITERATIONS)} (API_KEY_CACHE_MS=${keys.ttlMs})`,
        figure: `verifyApiKey + readChanges ${fmt(verifiedP50, 2)} ms`,
        baseline: `checkpoint + readChanges ${fmt(aloneP50, 2)} ms`,
        ratio: `${share < 0 ? "" : "+"}${fmt(share * 100, 0)} %`,
        goal: `≤ +${GOALS.keyShare * 100} %`,
        met: share <= GOALS.keyShare ? "yes" : "no",
        values: { verifiedP50, aloneP50, verifyP50, roundTripP50, share },
      },
      {
        key: "key_verification_strict",
        scenario: "  the same with API_KEY_CACHE_MS=0 (the database asked on every request)",
        figure: `verifyApiKey + readChanges ${fmt(strictP50, 2)} ms`,
        baseline: `checkpoint + readChanges ${fmt(aloneP50, 2)} ms`,
        ratio: `${strictShare < 0 ? "" : "+"}${fmt(strictShare * 100, 0)} %`,
        goal: "–",
        met: "–",
        values: { strictP50, aloneP50, share: strictShare },
      },
      {
        key: "key_verification_http",
        scenario: `Key verification in the request GET changes?limit=${SMALL_DELTA} (p50 of ${REQUESTS})`,
        figure: `request ${fmt(httpP50, 2)} ms, of which verifyApiKey ${fmt(verifyP50, 2)} ms`,
        baseline: `request without it: ${fmt(httpP50 - verifyP50, 2)} ms`,
        ratio: `+${fmt((verifyP50 / (httpP50 - verifyP50)) * 100, 0)} %`,
        goal: "–",
        met: "–",
        values: { httpP50, verifyP50, share: verifyP50 / (httpP50 - verifyP50) },
      },
      {
        key: "round_trip",
        scenario: "  one round trip to the database, SELECT 1 (in-process p50)",
        figure: `${fmt(roundTripP50, 2)} ms`,
        baseline: `readChanges ${fmt(aloneP50, 2)} ms`,
        ratio: `${fmt((roundTripP50 / aloneP50) * 100, 0)} % of it`,
        goal: "–",
        met: "–",
        values: { roundTripP50, share: roundTripP50 / aloneP50 },
      },
    );
    log(`  Key verification: checkpoint + readChanges ${fmt(aloneP50, 2)} ms, verifyApiKey + readChanges ${fmt(verifiedP50, 2)} ms (cache off ${fmt(strictP50, 2)} ms; verifyApiKey alone ${fmt(verifyP50, 2)} ms, SELECT 1 ${fmt(roundTripP50, 2)} ms); the HTTP request ${fmt(httpP50, 2)} ms.`);

    const noiseEnd = cpuNow();
    const noiseWall = (noiseEnd.wall - noiseStart.wall) / 1000;
    const used = (k: "machine" | "server" | "database" | "bench") => (noiseStart[k] === null || noiseEnd[k] === null ? null : noiseEnd[k]! - noiseStart[k]!);
    const parts = { machine: used("machine"), server: used("server"), database: used("database"), bench: used("bench") };
    const others = Object.values(parts).some((v) => v === null) ? null : Math.max(0, (parts.machine! - parts.server! - parts.database! - parts.bench!) / noiseWall);
    info.cpuCores = { server: (parts.server ?? NaN) / noiseWall, database: (parts.database ?? NaN) / noiseWall, bench: (parts.bench ?? NaN) / noiseWall, others, seconds: noiseWall };
    if (others !== null) {
      log(
        `  CPU over the ${fmt(noiseWall)} s measured (cores): server ${fmt(parts.server! / noiseWall, 2)}, ${engine === "mysql" ? `mariadbd ${fmt(parts.database! / noiseWall, 2)}, ` : ""}` +
          `this process and its CLI children ${fmt(parts.bench! / noiseWall, 2)}, other processes ${fmt(others, 2)} (the machine has ${os.availableParallelism()}).`,
      );
      if (others > 0.25) log(`  Warning: other processes used ${fmt(others, 2)} cores meanwhile: the figures are disturbed; rerun on a quiet machine.`);
    }

    // ——— Optional: 3,000,000 entries ———
    if (BIG && engine === "mysql" && BIG_ENTRIES > list.liveCount) {
      await stopServer(child);
      const more = BIG_ENTRIES - list.liveCount;
      log(`  BENCH_HASHLIST_BIG: writing ${fmt(more)} more entries …`);
      const bigMs = await bulkLoad(db, list.id, more, setup.rand, [], SAMPLE_EVERY);
      await sql`ANALYZE TABLE hash_entry`.execute(db);
      list = (await getHashList(db, list.id))!;
      pid = await startServer();
      log(`  Wrote them in ${fmt(bigMs / 1000, 1)} s; the list has ${fmt(list.liveCount)} live entries. Server restarted (pid ${pid}).`);
      log(`  Snapshot of ${fmt(list.liveCount)}: the first download and 1 more, the CLI baseline once, the pages in-process, the stalled client …`);
      const big = await measureSnapshot(setup, port, pid, list, 1);
      const bigStall = STALL ?? Math.max(5, Math.round((1.2 * median(big.warmMs)) / 1000));
      const bigStalled = await measureStalledClient(setup, port, pid, list, bigStall);
      const bigWarm = median(big.warmMs);
      const bigBase = median(big.baselineMs);
      const bigPeak = big.warmPeak;
      const bigStalledPeak = bigStalled.peakRss;
      const bigRps = big.entries / (bigWarm / 1000);
      const bigBaseRps = big.entries / (bigBase / 1000);
      rows.push(
        {
          key: "big_snapshot_rows_per_second",
          scenario: `Snapshot, ${fmt(big.entries)} entries (after the first download)`,
          figure: `${fmt(bigRps)} rows/s (${fmt(bigWarm / 1000, 2)} s)`,
          baseline: `${cli}: ${fmt(bigBaseRps)} rows/s (${fmt(bigBase / 1000, 2)} s)`,
          ratio: `${fmt(bigRps / bigBaseRps, 2)}×`,
          goal: `≥ ${GOALS.snapshotRatio}×`,
          met: bigRps / bigBaseRps >= GOALS.snapshotRatio ? "yes" : "no",
          values: { rowsPerSecond: bigRps, ms: bigWarm, baselineRowsPerSecond: bigBaseRps, baselineMs: bigBase, ratio: bigRps / bigBaseRps, firstMs: big.coldMs, inProcessMs: big.inProcessMs },
        },
        {
          key: "big_snapshot_peak_memory_first",
          scenario: `Snapshot of ${fmt(big.entries)}, peak server RSS, first download (writes the file)`,
          figure: `${fmt(big.coldPeak / MB)} MB (idle ${fmt(big.idleRss / MB)} MB)`,
          baseline: `at ${fmt(snap.entries)}: ${fmt(snap.coldPeak / MB)} MB`,
          ratio: `${big.coldPeak - snap.coldPeak >= 0 ? "+" : ""}${fmt((big.coldPeak - snap.coldPeak) / MB)} MB`,
          goal: `≤ ${GOALS.peakMb} MB, ≤ at 1M`,
          met: big.coldPeak <= GOALS.peakMb * MB && big.coldPeak <= snap.coldPeak + 5 * MB ? "yes" : "no",
          values: { peakMb: big.coldPeak / MB, at1MMb: snap.coldPeak / MB, idleMb: big.idleRss / MB },
        },
        {
          key: "big_snapshot_peak_memory",
          scenario: `Snapshot of ${fmt(big.entries)}, peak server RSS, from the file (full speed)`,
          figure: `${fmt(bigPeak / MB)} MB`,
          baseline: `at ${fmt(snap.entries)}: ${fmt(peak / MB)} MB`,
          ratio: `${bigPeak - peak >= 0 ? "+" : ""}${fmt((bigPeak - peak) / MB)} MB`,
          goal: `≤ ${GOALS.peakMb} MB, ≤ at 1M`,
          met: bigPeak <= GOALS.peakMb * MB && bigPeak <= peak + 5 * MB ? "yes" : "no",
          values: { peakMb: bigPeak / MB, at1MMb: peak / MB, beforeMb: big.warmBefore / MB },
        },
        {
          key: "big_snapshot_peak_memory_stalled",
          scenario: `Snapshot of ${fmt(big.entries)}, peak server RSS (client stalls ${bigStall} s)`,
          figure: `${fmt(bigStalledPeak / MB)} MB (${fmt(bigStalled.ms / 1000, 1)} s)`,
          baseline: `at ${fmt(snap.entries)}: ${fmt(stalledPeak / MB)} MB`,
          ratio: `${bigStalledPeak - stalledPeak >= 0 ? "+" : ""}${fmt((bigStalledPeak - stalledPeak) / MB)} MB`,
          goal: `≤ ${GOALS.peakMb} MB, ≤ at 1M`,
          met: bigStalledPeak <= GOALS.peakMb * MB && bigStalledPeak <= stalledPeak + 5 * MB ? "yes" : "no",
          values: { peakMb: bigStalledPeak / MB, at1MMb: stalledPeak / MB },
        },
      );
      log(`  ${fmt(big.entries)}: ${fmt(bigRps)} rows/s against ${fmt(bigBaseRps)}; peak RSS ${fmt(bigPeak / MB)} MB (${fmt(bigStalledPeak / MB)} MB with a client that stalls ${bigStall} s).`);
    }
    return { engine, rows, info };
  } catch (error) {
    if (fs.existsSync(serverLog)) process.stderr.write(`\nLast lines of the server log:\n${fs.readFileSync(serverLog, "utf8").split("\n").slice(-20).join("\n")}\n`);
    throw error;
  } finally {
    onInterrupt.delete(undo);
    agent.destroy();
    await stopServer(child);
    await db.destroy();
    await setup.drop();
  }
}

async function main() {
  for (const [name, value, min] of [
    // The changes remove CHANGE_ROUNDS × CHANGE_BATCH sampled entries; the match needs samples left over.
    ["BENCH_HASHLIST_ENTRIES", ENTRIES, 2 * CHANGE_ROUNDS * CHANGE_BATCH],
    ["BENCH_HASHLIST_SNAPSHOTS", SNAPSHOTS, 1],
    ["BENCH_HASHLIST_REQUESTS", REQUESTS, 10],
    ["BENCH_DURATION", DURATION, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min} (got ${value}).`);
  }
  if (STALL !== null && !(STALL >= 0)) throw new Error(`BENCH_HASHLIST_STALL must be a number of seconds ≥ 0 (got ${process.env.BENCH_HASHLIST_STALL}).`);
  if (!ENGINES.length || ENGINES.some((e) => e !== "mysql" && e !== "sqlite")) throw new Error(`BENCH_HASHLIST_ENGINES must list mysql and/or sqlite (got ${ENGINES.join(",")}).`);
  if (!fs.existsSync(path.join(root, "build/server.js")) || !fs.existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No build: run `npm run bench:hashlist` (which builds first) or `npm run build`.");
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerportalen-bench-hashlist-"));
  const cpus = os.cpus();
  const started = performance.now();
  log("\nPartnerportalen benchmark: the hash-list API (snapshot, deltas, matching, key verification)");
  log(`Machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, autocannon ${autocannonVersion()}`);
  log(`Load average before the run: ${os.loadavg().map((l) => fmt(l, 2)).join(", ")} (1, 5, 15 min)`);
  process.once("SIGINT", () => {
    void Promise.allSettled([...onInterrupt].map((f) => f())).finally(() => {
      if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    });
  });
  const results: Awaited<ReturnType<typeof runEngine>>[] = [];
  const writeJson = () => {
    if (!process.env.BENCH_HASHLIST_JSON) return;
    const json = {
      at: new Date().toISOString(),
      machine: { cores: os.availableParallelism(), cpu: cpus[0]?.model.trim(), node: process.version },
      settings: { entries: ENTRIES, big: BIG ? BIG_ENTRIES : null, snapshots: SNAPSHOTS, requests: REQUESTS, stallSeconds: STALL ?? "auto", duration: DURATION },
      goals: GOALS,
      engines: results.map((r) => ({ engine: r.engine, info: r.info, results: r.rows.map((x) => ({ scenario: x.key, label: x.scenario.trim(), met: x.met, ...x.values })) })),
    };
    fs.writeFileSync(process.env.BENCH_HASHLIST_JSON, `${JSON.stringify(json, null, 2)}\n`);
  };
  const report = (r: Awaited<ReturnType<typeof runEngine>>) => {
    log(`\n${r.engine === "mysql" ? "MariaDB" : "SQLite"}, ${fmt(ENTRIES)} entries${BIG && r.engine === "mysql" ? ` (and ${fmt(BIG_ENTRIES)})` : ""}:`);
    printTable(
      ["Scenario", "Figure", "Baseline (same run)", "Ratio", "Goal", "Met?"],
      r.rows.map((x) => [x.scenario, x.figure, x.baseline, x.ratio, x.goal, x.met]),
    );
  };
  try {
    for (const engine of ENGINES) {
      const result = await runEngine(engine, tmp);
      results.push(result);
      report(result);
      writeJson();
    }
  } finally {
    if (KEEP) log(`Kept ${tmp} (SQLite file and server logs).`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (results.length > 1) {
    log("\nAll engines:");
    for (const r of results) report(r);
  }
  log(`\nRun time: ${fmt((performance.now() - started) / 1000)} s. The PDQ index alone: npx tsx bench/pdq.ts.`);
}

main().catch((error) => {
  process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
