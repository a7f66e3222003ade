/**
 * `npm run jobs -- --once | --job <name> | --list`
 *
 * The scheduled jobs (app/modules/jobs) against the database in DATABASE_URL, for a deployment that
 * runs them from cron (JOBS_ENABLED=0) or an operator who wants one now:
 * - `--once`: every job that is due, once, and a summary;
 * - `--job <name>`: that job now, due or not (unless a run elsewhere holds its lease);
 * - `--list`: every job with its interval, next due time, last run and outcome.
 * The same guard as the app's scheduler applies, so this is safe while app instances run. Exit code 1
 * when a job failed, 2 for wrong arguments.
 */
import { parseArgs } from "node:util";
import { createDb } from "#db/dialect";
import { migrationsAreCurrent } from "#db/migrate";
import { JOBS } from "~/modules/jobs/jobs.server";
import { isJobName, JOB_NAMES } from "~/modules/jobs/names";
import { listJobStatus, Scheduler, type RunOutcome } from "~/modules/jobs/scheduler.server";
import { getEnv } from "~/utils/env.server";
import { z } from "~/utils/zod";

const USAGE = `Usage: npm run jobs -- --once | --job <name> | --list\nJobs: ${JOB_NAMES.join(", ")}`;

let args;
try {
  args = parseArgs({ options: { once: { type: "boolean", default: false }, job: { type: "string" }, list: { type: "boolean", default: false } } }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const input = z
  .object({ once: z.boolean(), list: z.boolean(), job: z.string().refine(isJobName).optional() })
  .refine((v) => Number(v.once) + Number(v.list) + Number(v.job !== undefined) === 1)
  .safeParse(args);
if (!input.success) {
  console.error(USAGE);
  process.exit(2);
}
const { list, job } = input.data;

const iso = (at: number | null) => (at === null ? "–" : new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z"));
const duration = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

function summary(outcome: RunOutcome) {
  const counts = Object.entries(outcome.counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return `${outcome.job.padEnd(22)} ${outcome.outcome.padEnd(6)} ${String(outcome.finishedAt - outcome.startedAt).padStart(6)} ms  ${outcome.error ?? counts}`;
}

const db = createDb(getEnv().DATABASE_URL, { poolSize: 2 });
try {
  if (!(await migrationsAreCurrent(db))) throw new Error("The database is not up to date: run npm run migrate first.");
  if (list) {
    const status = await listJobStatus(db);
    console.log(`${"job".padEnd(22)} ${"every".padEnd(6)} ${"next due".padEnd(21)} ${"last finished".padEnd(21)} outcome  last counts / error`);
    for (const s of status) {
      const counts = s.lastCounts ? Object.entries(s.lastCounts).map(([k, v]) => `${k}=${v}`).join(" ") : "";
      const state = s.runningOn ? `running on ${s.runningOn}` : (s.lastOutcome ?? "never run");
      console.log(`${s.name.padEnd(22)} ${duration(s.intervalMs).padEnd(6)} ${iso(s.nextDueAt).padEnd(21)} ${iso(s.lastFinishedAt).padEnd(21)} ${state.padEnd(8)} ${s.lastError ?? counts}`);
      console.log(`${"".padEnd(22)} ${JOBS.find((j) => j.name === s.name)!.description}`);
    }
  } else {
    // The summary below says what each job did; only failures are logged as they happen.
    const log = { info: () => undefined, error: (obj: { err?: unknown; job?: string }, msg?: string) => console.error(`${obj.job ?? ""} ${msg ?? ""}: ${obj.err instanceof Error ? obj.err.message : String(obj.err)}`) };
    const scheduler = new Scheduler(db, { instance: `cli:${process.pid}`, log });
    const outcomes = job ? [await scheduler.runJob(job)].filter((o): o is RunOutcome => o !== null) : await scheduler.runDue();
    if (job && !outcomes.length) console.log(`${job}: another run holds its lease; not run.`);
    else if (!outcomes.length) console.log("No job is due.");
    for (const o of outcomes) console.log(summary(o));
    if (outcomes.some((o) => o.outcome === "failed")) process.exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
