import os from "node:os";
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import pLimit from "p-limit";
import { AppError } from "~/utils/errors";
import { getEnv } from "~/utils/env.server";

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum, not importable with isolatedModules)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashing work is bounded: at most HASH_CONCURRENCY hashes run at once (default: one per core) and at
 * most HASH_QUEUE_LIMIT wait. Beyond that the request is refused at once with "busy", so a flood of
 * logins cannot starve the rest of the portal of CPU and memory.
 */
const limit = pLimit(getEnv().HASH_CONCURRENCY ?? Math.max(1, os.availableParallelism()));

function bounded<T>(work: () => Promise<T>): Promise<T> {
  if (limit.pendingCount >= getEnv().HASH_QUEUE_LIMIT) {
    return Promise.reject(new AppError("busy", 503));
  }
  return limit(work);
}

export function hashPassword(password: string): Promise<string> {
  return bounded(() => hash(password, ARGON2_OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return bounded(() => verify(passwordHash, password).catch(() => false));
}

// A real hash of a random password: verifying against it costs what a real verification costs, so
// the response time does not reveal whether an account exists.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash(crypto.randomUUID(), ARGON2_OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

let common: Set<string> | undefined;
async function commonPasswords(): Promise<Set<string>> {
  if (!common) {
    // 49,000 of the most common passwords (zxcvbn-ts, from breach corpora), loaded once on first use.
    const mod = await import("@zxcvbn-ts/language-common");
    const list = (mod.dictionary as Record<string, string[]>)["passwords-common"] ?? [];
    common = new Set(list.map((p) => p.toLowerCase()));
  }
  return common;
}

/**
 * OWASP ASVS 2.1: at least 12 and up to 128 characters, no composition rules, refused when it is a
 * commonly used password or is made of the person's own e-mail or name. Returns an error code or null.
 */
export async function checkPasswordPolicy(
  password: string,
  context: { email?: string; name?: string } = {},
): Promise<string | null> {
  if ([...password].length < PASSWORD_MIN) return "password_too_short";
  if ([...password].length > PASSWORD_MAX) return "password_too_long";
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower)) return "password_common";
  if (/^(.)\1+$/u.test(password)) return "password_common";
  const personal = [context.email?.split("@")[0], context.email, context.name?.replace(/\s+/g, "")]
    .filter((v): v is string => !!v && v.length >= 4)
    .map((v) => v.toLowerCase());
  if (personal.some((p) => lower.replace(/\s+/g, "").includes(p))) return "password_personal";
  return null;
}
