/**
 * The scheduled jobs by name (app/modules/jobs/jobs.server.ts defines them). A separate file with no
 * imports, so that the configuration (env.server.ts) can refuse an unknown name in JOBS_INTERVALS.
 */
export const JOB_NAMES = ["assessment-reminders", "plan-due-dates", "api-key-expiry", "hashlist-staleness", "cleanup", "retention", "hashlist-prune"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function isJobName(value: string): value is JobName {
  return (JOB_NAMES as readonly string[]).includes(value);
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "15m", "6h", "1d" → milliseconds; null when it is not a duration. */
export function parseDuration(value: string): number | null {
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : null;
}
