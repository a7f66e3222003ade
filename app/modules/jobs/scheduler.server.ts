/**
 * One scheduler for every app instance (docs/decisions/0017-scheduler-and-backups.md). Each tick, an
 * instance tries to claim each due job with one conditional UPDATE of its `job` row (due, and no lease
 * or an expired one); only the instance whose UPDATE changed the row runs it. While it runs, the lease
 * is extended; when it ends, the lease is given back with the next due time and the run is recorded in
 * `job_run` with its counts. A crashed instance stops extending its lease, the lease expires, and the
 * job is claimed and run again (jobs are idempotent; notices are sent once by the `notice` table).
 */
import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { insertIfAbsent } from "#db/upsert";
import { recordJobRun } from "~/modules/metrics/metrics.server";
import { getEnv, type Env } from "~/utils/env.server";
import { newId } from "~/utils/ids";
import { logger } from "~/utils/logger.server";
import { intervalOf, JOBS, type JobCounts, type JobDefinition } from "./jobs.server";
import type { JobName } from "./names";

/** A failed run is tried again after this long (or its interval, if shorter). */
const RETRY_MS = 15 * 60_000;

interface Log {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RunOutcome {
  job: JobName;
  runId: string;
  outcome: "ok" | "failed";
  counts: JobCounts;
  error: string | null;
  startedAt: number;
  finishedAt: number;
}

export function instanceName(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`.slice(0, 100);
}

/** Creates the rows of jobs that have none yet, due at once. Safe when instances race. */
export async function ensureJobRows(db: Db, now: number, jobs: readonly JobDefinition[] = JOBS): Promise<void> {
  const existing = new Set((await db.selectFrom("job").select("name").execute()).map((r) => r.name));
  for (const job of jobs) {
    if (existing.has(job.name)) continue;
    await insertIfAbsent(db, "job", {
      name: job.name,
      next_due_at: now,
      locked_by: null,
      locked_until: null,
      run_id: null,
      last_started_at: null,
      last_finished_at: null,
      last_outcome: null,
      last_error: null,
      updated_at: now,
    });
  }
}

/**
 * Claims a job for a run: one conditional UPDATE that only one instance can win. `force` claims it
 * even when it is not due (never while another run holds its lease). Returns the run's id, or null.
 */
export async function claimJob(db: Db, name: JobName, options: { instance: string; now: number; leaseMs: number; force?: boolean }): Promise<string | null> {
  const { instance, now, leaseMs } = options;
  const runId = newId();
  let claim = db
    .updateTable("job")
    .set({ locked_by: instance, locked_until: now + leaseMs, run_id: runId, last_started_at: now, updated_at: now })
    .where("name", "=", name)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]));
  if (!options.force) claim = claim.where("next_due_at", "<=", now);
  const result = await claim.executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  // A run still marked as running lost its lease (its instance crashed or stalled).
  await db
    .updateTable("job_run")
    .set({ outcome: "abandoned", finished_at: now, error: "The lease expired before the run finished." })
    .where("job_name", "=", name)
    .where("outcome", "=", "running")
    .execute();
  await db.insertInto("job_run").values({ id: runId, job_name: name, instance, started_at: now, finished_at: null, outcome: "running", error: null, counts: null }).execute();
  return runId;
}

/** Gives the lease back with the next due time (only if the run still holds it) and records the run. */
export async function finishJob(
  db: Db,
  name: JobName,
  runId: string,
  result: { outcome: "ok" | "failed"; counts: JobCounts; error: string | null; startedAt: number; finishedAt: number; intervalMs: number },
): Promise<void> {
  const { outcome, startedAt, finishedAt, intervalMs } = result;
  const nextDue = outcome === "ok" ? Math.max(startedAt + intervalMs, finishedAt) : finishedAt + Math.min(intervalMs, RETRY_MS);
  const error = result.error?.slice(0, 1000) ?? null;
  await db
    .updateTable("job")
    .set({ locked_by: null, locked_until: null, run_id: null, last_finished_at: finishedAt, last_outcome: outcome, last_error: error, next_due_at: nextDue, updated_at: finishedAt })
    .where("name", "=", name)
    .where("run_id", "=", runId)
    .execute();
  await db.updateTable("job_run").set({ finished_at: finishedAt, outcome, error, counts: toJson(result.counts) }).where("id", "=", runId).execute();
}

export interface SchedulerOptions {
  jobs?: readonly JobDefinition[];
  instance?: string;
  intervals?: Env["JOBS_INTERVALS"];
  leaseMs?: number;
  clock?: () => number;
  log?: Log;
}

export class Scheduler {
  readonly instance: string;
  private readonly jobs: readonly JobDefinition[];
  private readonly clock: () => number;
  private readonly leaseMs: number;
  private readonly log: Log;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly options: SchedulerOptions = {},
  ) {
    this.instance = options.instance ?? instanceName();
    this.jobs = options.jobs ?? JOBS;
    this.clock = options.clock ?? Date.now;
    this.leaseMs = options.leaseMs ?? getEnv().JOBS_LEASE_SECONDS * 1000;
    this.log = options.log ?? logger;
  }

  private interval(job: JobDefinition) {
    return intervalOf(job, this.options.intervals ?? getEnv().JOBS_INTERVALS);
  }

  /** Runs every job that is due now and that this instance manages to claim, one after another. */
  async runDue(): Promise<RunOutcome[]> {
    await ensureJobRows(this.db, this.clock(), this.jobs);
    const outcomes: RunOutcome[] = [];
    for (const job of this.jobs) {
      if (this.stopping) break;
      const outcome = await this.tryRun(job, false);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  /** Runs one job now, due or not (unless another run holds its lease: then null). */
  async runJob(name: JobName): Promise<RunOutcome | null> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`Unknown job "${name}"`);
    await ensureJobRows(this.db, this.clock(), this.jobs);
    return this.tryRun(job, true);
  }

  private async tryRun(job: JobDefinition, force: boolean): Promise<RunOutcome | null> {
    const startedAt = this.clock();
    let runId: string | null;
    try {
      runId = await claimJob(this.db, job.name, { instance: this.instance, now: startedAt, leaseMs: this.leaseMs, force });
    } catch (err) {
      // Another instance's transaction may hold the row (SQLite: busy); the next tick tries again.
      this.log.error({ err, job: job.name }, "job claim failed");
      return null;
    }
    if (!runId) return null;
    // Keep the lease while the run lasts; a crash stops this and the lease expires.
    const heartbeat = setInterval(() => {
      this.db
        .updateTable("job")
        .set({ locked_until: this.clock() + this.leaseMs })
        .where("name", "=", job.name)
        .where("run_id", "=", runId)
        .execute()
        .catch((err) => this.log.error({ err, job: job.name }, "job lease extension failed"));
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    let outcome: RunOutcome;
    try {
      const counts = await job.run(this.db, startedAt);
      outcome = { job: job.name, runId, outcome: "ok", counts, error: null, startedAt, finishedAt: this.clock() };
      this.log.info({ job: job.name, counts, ms: outcome.finishedAt - startedAt }, "job finished");
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      outcome = { job: job.name, runId, outcome: "failed", counts: {}, error, startedAt, finishedAt: this.clock() };
      this.log.error({ err, job: job.name }, "job failed");
    } finally {
      clearInterval(heartbeat);
    }
    await finishJob(this.db, job.name, runId, { ...outcome, intervalMs: this.interval(job) });
    recordJobRun(job.name, outcome.outcome, (outcome.finishedAt - startedAt) / 1000);
    return outcome;
  }

  /** Ticks every `tickMs` (the first at once); a tick still running makes the next one skip. */
  start(tickMs: number): void {
    const tick = () => {
      if (this.ticking || this.stopping) return;
      this.ticking = this.runDue()
        .catch((err) => this.log.error({ err }, "scheduler tick failed"))
        .finally(() => (this.ticking = null));
    };
    this.timer = setInterval(tick, tickMs);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Stops ticking and waits for a job that is running to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }
}

let current: Scheduler | null = null;

/** Starts this process's scheduler (unless JOBS_ENABLED is off). Called once by the HTTP server. */
export function start(db: Db, env: Env = getEnv(), log: Log = logger): Scheduler | null {
  if (!env.JOBS_ENABLED || current) return current;
  current = new Scheduler(db, { intervals: env.JOBS_INTERVALS, leaseMs: env.JOBS_LEASE_SECONDS * 1000, log });
  current.start(env.JOBS_TICK_SECONDS * 1000);
  log.info({ instance: current.instance, tickSeconds: env.JOBS_TICK_SECONDS }, "scheduler started");
  return current;
}

/** Stops the scheduler started by `start`, waiting for a running job (called on shutdown). */
export async function stop(): Promise<void> {
  const scheduler = current;
  current = null;
  await scheduler?.stop();
}

export interface JobStatus {
  name: JobName;
  description: string;
  intervalMs: number;
  nextDueAt: number | null;
  /** The instance running it now (its lease has not expired), if any. */
  runningOn: string | null;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastOutcome: "ok" | "failed" | null;
  lastError: string | null;
  /** What the last finished run did. */
  lastCounts: JobCounts | null;
}

/** Every job with its state and its last run's counts: what a staff status page shows. */
export async function listJobStatus(db: Db, now = Date.now()): Promise<JobStatus[]> {
  const rows = await db.selectFrom("job").selectAll().execute();
  const out: JobStatus[] = [];
  for (const job of JOBS) {
    const row = rows.find((r) => r.name === job.name);
    const lastRun = await db
      .selectFrom("job_run")
      .select("counts")
      .where("job_name", "=", job.name)
      .where("outcome", "in", ["ok", "failed"])
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .executeTakeFirst();
    const lockedUntil = row?.locked_until == null ? null : Number(row.locked_until);
    out.push({
      name: job.name,
      description: job.description,
      intervalMs: intervalOf(job),
      nextDueAt: row ? Number(row.next_due_at) : null,
      runningOn: lockedUntil !== null && lockedUntil > now ? row!.locked_by : null,
      lastStartedAt: row?.last_started_at == null ? null : Number(row.last_started_at),
      lastFinishedAt: row?.last_finished_at == null ? null : Number(row.last_finished_at),
      lastOutcome: row?.last_outcome ?? null,
      lastError: row?.last_error ?? null,
      lastCounts: lastRun ? fromJson<JobCounts | null>(lastRun.counts, null) : null,
    });
  }
  return out;
}

/** The latest runs, newest first (of one job, or of all). */
export async function listJobRuns(db: Db, options: { job?: JobName; limit?: number } = {}) {
  let query = db.selectFrom("job_run").selectAll();
  if (options.job) query = query.where("job_name", "=", options.job);
  const rows = await query
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(Math.min(options.limit ?? 50, 500))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    job: r.job_name as JobName,
    instance: r.instance,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    outcome: r.outcome,
    error: r.error,
    counts: fromJson<JobCounts | null>(r.counts, null),
  }));
}
