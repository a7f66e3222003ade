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
  resetIp: { limit: 20, windowMs: 60 * MINUTE },
  registerIp: { limit: 20, windowMs: 60 * MINUTE },
  registerAccount: { limit: 3, windowMs: 60 * MINUTE },
  verifyResendAccount: { limit: 3, windowMs: 60 * MINUTE },
  inviteOrg: { limit: 30, windowMs: 60 * MINUTE },
  inviteRecipient: { limit: 3, windowMs: 24 * 60 * MINUTE },
  passwordChangeUser: { limit: 5, windowMs: 15 * MINUTE },
  reconfirmUser: { limit: 5, windowMs: 15 * MINUTE },
  verifyReportIp: { limit: 60, windowMs: 15 * MINUTE },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof RATE_RULES;

function ruleOf(name: RateRuleName): RateRule {
  const rule = RATE_RULES[name];
  return { limit: Math.round(rule.limit * getEnv().RATE_LIMIT_FACTOR), windowMs: rule.windowMs };
}

const keyOf = (name: RateRuleName, subject: string) => `${name}:${subject}`.slice(0, 191);

/**
 * Counts one attempt (fixed window) and returns the count including it. The upsert and the read share
 * a transaction: the upsert's row lock (MySQL) or the single writer (SQLite) makes the count exact
 * under concurrency, so the n-th of many parallel attempts sees n.
 */
async function hit(db: Db, name: RateRuleName, subject: string): Promise<{ count: number; resetAt: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => hitIn(trx, name, subject));
    } catch (error) {
      // Two first attempts on a new key can deadlock on MySQL's insert locks: one is retried.
      if (attempt >= 3 || (error as { code?: string }).code !== "ER_LOCK_DEADLOCK") throw error;
    }
  }
}

async function hitIn(db: Db, name: RateRuleName, subject: string): Promise<{ count: number; resetAt: number }> {
  const rule = ruleOf(name);
  const now = Date.now();
  const key = keyOf(name, subject);
  await upsert(
    db,
    "rate_limit",
    { key, count: 1, reset_at: now + rule.windowMs },
    ["key"],
    (eb) => ({
      count: eb.case().when("reset_at", "<=", now).then(1).else(eb("count", "+", 1)).end(),
      reset_at: eb.case().when("reset_at", "<=", now).then(now + rule.windowMs).else(eb.ref("reset_at")).end(),
    }),
  );
  const row = await db.selectFrom("rate_limit").select(["count", "reset_at"]).where("key", "=", key).executeTakeFirst();
  return { count: Number(row?.count ?? 1), resetAt: Number(row?.reset_at ?? now + rule.windowMs) };
}

/**
 * Counts an attempt under each throttle FIRST, then refuses it when any count is over its limit, so
 * that parallel requests cannot all slip through between a check and a count: of N concurrent
 * attempts at most `limit` proceed. Throws a translated 429 saying how many minutes to wait.
 */
export async function consume(db: Db, checks: [RateRuleName, string][]): Promise<void> {
  let wait = 0;
  for (const [name, subject] of checks) {
    const { count, resetAt } = await hit(db, name, subject);
    if (count > ruleOf(name).limit) wait = Math.max(wait, resetAt - Date.now());
  }
  if (wait > 0) throw new AppError("too_many_attempts", 429, { params: { minutes: Math.max(1, Math.ceil(wait / MINUTE)) } });
}

/** Forgets the attempts of a subject (a successful sign-in clears its account's failures). */
export async function clear(db: Db, name: RateRuleName, subject: string): Promise<void> {
  await db.deleteFrom("rate_limit").where("key", "=", keyOf(name, subject)).execute();
}
