import type { Db } from "#db/dialect";
import { upsert } from "#db/upsert";
import { AppError } from "~/utils/errors";
import { getEnv } from "~/utils/env.server";

export interface RateRule {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

/** Every throttle in one place. Counters live in the database, so they hold across app instances. */
export const RATE_RULES = {
  loginAccount: { limit: 5, windowMs: 15 * MINUTE },
  loginIp: { limit: 30, windowMs: 15 * MINUTE },
  twoFactorUser: { limit: 5, windowMs: 15 * MINUTE },
  twoFactorIp: { limit: 20, windowMs: 15 * MINUTE },
  resetAccount: { limit: 3, windowMs: 60 * MINUTE },
  resetIp: { limit: 10, windowMs: 60 * MINUTE },
  registerIp: { limit: 20, windowMs: 60 * MINUTE },
  registerAccount: { limit: 3, windowMs: 60 * MINUTE },
  verifyResendAccount: { limit: 3, windowMs: 60 * MINUTE },
  inviteOrg: { limit: 50, windowMs: 60 * MINUTE },
  passwordChangeUser: { limit: 5, windowMs: 15 * MINUTE },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof RATE_RULES;

function ruleOf(name: RateRuleName): RateRule {
  const rule = RATE_RULES[name];
  return { limit: Math.round(rule.limit * getEnv().RATE_LIMIT_FACTOR), windowMs: rule.windowMs };
}

const keyOf = (name: RateRuleName, subject: string) => `${name}:${subject}`.slice(0, 191);

/** How long until `subject` may try again under `name`, or 0 when it may now. Does not count. */
export async function retryAfter(db: Db, name: RateRuleName, subject: string): Promise<number> {
  const rule = ruleOf(name);
  const row = await db.selectFrom("rate_limit").select(["count", "reset_at"]).where("key", "=", keyOf(name, subject)).executeTakeFirst();
  const now = Date.now();
  if (!row || Number(row.reset_at) <= now || row.count < rule.limit) return 0;
  return Number(row.reset_at) - now;
}

/** Counts one attempt (fixed window, atomic on both engines). */
export async function hit(db: Db, name: RateRuleName, subject: string): Promise<void> {
  const rule = ruleOf(name);
  const now = Date.now();
  await upsert(
    db,
    "rate_limit",
    { key: keyOf(name, subject), count: 1, reset_at: now + rule.windowMs },
    ["key"],
    (eb) => ({
      count: eb.case().when("reset_at", "<=", now).then(1).else(eb("count", "+", 1)).end(),
      reset_at: eb.case().when("reset_at", "<=", now).then(now + rule.windowMs).else(eb.ref("reset_at")).end(),
    }),
  );
}

export async function clear(db: Db, name: RateRuleName, subject: string): Promise<void> {
  await db.deleteFrom("rate_limit").where("key", "=", keyOf(name, subject)).execute();
}

/** Throws a translated 429 when any of the given throttles is exhausted. */
export async function assertNotThrottled(db: Db, checks: [RateRuleName, string][]): Promise<void> {
  for (const [name, subject] of checks) {
    const wait = await retryAfter(db, name, subject);
    if (wait > 0) {
      throw new AppError("too_many_attempts", 429, { params: { minutes: Math.max(1, Math.ceil(wait / MINUTE)) } });
    }
  }
}

/** Counts an attempt and throws when it was one too many. */
export async function consume(db: Db, name: RateRuleName, subject: string): Promise<void> {
  await assertNotThrottled(db, [[name, subject]]);
  await hit(db, name, subject);
}
