import { describe, expect, it } from "vitest";
import { parseDuration } from "~/modules/jobs/names";
import { reminderStart } from "~/modules/jobs/reminders.server";
import { parseEnv } from "~/utils/env.server";

const errorOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return "ok";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("scheduler configuration", () => {
  it("is on by default, off in tests, and JOBS_ENABLED decides when set", () => {
    expect(parseEnv({}).JOBS_ENABLED).toBe(true);
    expect(parseEnv({ NODE_ENV: "test" }).JOBS_ENABLED).toBe(false);
    expect(parseEnv({ NODE_ENV: "test", JOBS_ENABLED: "1" }).JOBS_ENABLED).toBe(true);
    expect(parseEnv({ JOBS_ENABLED: "0" }).JOBS_ENABLED).toBe(false);
  });

  it("takes per-job intervals and refuses unknown jobs and durations, saying what is wrong", () => {
    expect(parseEnv({ JOBS_INTERVALS: "cleanup=15m, retention=2d" }).JOBS_INTERVALS).toEqual({ cleanup: 15 * 60_000, retention: 2 * 86_400_000 });
    expect(parseEnv({}).JOBS_INTERVALS).toEqual({});
    expect(errorOf({ JOBS_INTERVALS: "cleanups=15m" })).toMatch(/JOBS_INTERVALS: "cleanups=15m" is not <job>=<number><s\|m\|h\|d> with a known job/);
    expect(errorOf({ JOBS_INTERVALS: "cleanup=15" })).toMatch(/JOBS_INTERVALS/);
    expect(errorOf({ JOBS_INTERVALS: "cleanup=0s" })).toMatch(/JOBS_INTERVALS/);
    expect(errorOf({ ASSESSMENT_REMINDER_DATE: "13-01" })).toMatch(/ASSESSMENT_REMINDER_DATE: must be MM-DD/);
    expect(errorOf({ HASHLIST_STALE_DAYS: "0" })).toMatch(/HASHLIST_STALE_DAYS/);
    expect([parseDuration("90s"), parseDuration("6h"), parseDuration("1w")]).toEqual([90_000, 6 * 3_600_000, null]);
  });

  it("starts the yearly reminders on the configured day of the current year (UTC)", () => {
    expect(reminderStart(Date.UTC(2026, 4, 5, 12), "10-01")).toBe(Date.UTC(2026, 9, 1));
    expect(reminderStart(Date.UTC(2027, 0, 1), "02-29")).toBe(Date.UTC(2027, 2, 1));
  });
});
