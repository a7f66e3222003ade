/**
 * The scheduled jobs. Each is a function of the database and a clock reading `now`, idempotent (a run
 * repeated after a crash sends nothing twice and deletes nothing more), returning counts of what it did.
 */
import type { Db } from "#db/dialect";
import { warnExpiringKeys } from "~/modules/api-keys/api-keys.server";
import { pruneTombstones } from "~/modules/hashlist/lists.server";
import { getEnv } from "~/utils/env.server";
import { notifyStaleOrganisations } from "./hashlist-staleness.server";
import { applyRetention, cleanUp } from "./housekeeping.server";
import type { JobName } from "./names";
import { sendAssessmentReminders, sendPlanDueReminders } from "./reminders.server";

export type JobCounts = Record<string, number>;

export interface JobDefinition {
  name: JobName;
  /** What it does, for `npm run jobs -- --list`. */
  description: string;
  /** How often it runs unless JOBS_INTERVALS says otherwise. */
  defaultIntervalMs: number;
  run(db: Db, now: number): Promise<JobCounts>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const JOBS: readonly JobDefinition[] = [
  {
    name: "assessment-reminders",
    description: "Yearly self-assessment reminders to compliance officers (from ASSESSMENT_REMINDER_DATE)",
    defaultIntervalMs: 6 * HOUR,
    run: (db, now) => sendAssessmentReminders(db, now),
  },
  {
    name: "plan-due-dates",
    description: "Improvement-plan actions due within PLAN_DUE_SOON_DAYS or overdue",
    defaultIntervalMs: 6 * HOUR,
    run: (db, now) => sendPlanDueReminders(db, now),
  },
  {
    name: "api-key-expiry",
    description: "API keys expiring within API_KEY_EXPIRY_WARNING_DAYS",
    defaultIntervalMs: HOUR,
    run: async (db, now) => ({ warned: await warnExpiringKeys(db, now) }),
  },
  {
    name: "hashlist-staleness",
    description: "Organisations not synchronising the hash list for HASHLIST_STALE_DAYS",
    defaultIntervalMs: 6 * HOUR,
    run: (db, now) => notifyStaleOrganisations(db, now),
  },
  {
    name: "cleanup",
    description: "Expired sessions, tokens and rate-limit windows; sent mail after MAIL_RETENTION_DAYS; invitations expired or revoked INVITATION_RETENTION_DAYS ago",
    defaultIntervalMs: HOUR,
    run: (db, now) => cleanUp(db, now),
  },
  {
    name: "retention",
    description: "API access log after ACCESS_LOG_RETENTION_DAYS, job runs after JOB_RUN_RETENTION_DAYS",
    defaultIntervalMs: 24 * HOUR,
    run: (db, now) => applyRetention(db, now),
  },
  {
    name: "hashlist-prune",
    description: "Hash-list tombstones older than HASHLIST_TOMBSTONE_DAYS (clients behind them take the snapshot again)",
    defaultIntervalMs: 24 * HOUR,
    run: (db, now) => pruneTombstones(db, now, getEnv().HASHLIST_TOMBSTONE_DAYS),
  },
];

/** A job's interval: JOBS_INTERVALS, else its default. */
export function intervalOf(job: JobDefinition, intervals = getEnv().JOBS_INTERVALS): number {
  return intervals[job.name] ?? job.defaultIntervalMs;
}
