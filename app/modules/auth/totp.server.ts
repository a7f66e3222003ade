import crypto from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import type { Db } from "#db/dialect";
import { decrypt, encrypt, sha256Hex } from "~/utils/crypto.server";
import { getEnv } from "~/utils/env.server";
import { newId } from "~/utils/ids";

const PURPOSE = "totp-secret";
const PERIOD = 30;
export const RECOVERY_CODE_COUNT = 10;

function totpFor(secretBase32: string, label: string) {
  return new TOTP({
    issuer: "Partnerportalen",
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** TOTP seeds are stored encrypted with a key derived from APP_SECRET; they must be read back. */
const seal = (base32: string) => encrypt(getEnv().APP_SECRET, PURPOSE, base32);
const unseal = (sealed: string) => decrypt(getEnv().APP_SECRET, PURPOSE, sealed);

/**
 * Begins (or resumes) enrolment: a pending secret is kept until the user proves they have it.
 * Returns what the user needs to add it to an authenticator app.
 */
export async function beginTotpEnrolment(db: Db, user: { id: string; email: string }) {
  const row = await db.selectFrom("user").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();
  let base32: string;
  let created = false;
  if (row.totp_secret && row.totp_enabled_at === null) {
    base32 = unseal(row.totp_secret);
  } else {
    created = true;
    base32 = new Secret({ size: 20 }).base32;
    await db.updateTable("user").set({ totp_secret: seal(base32), updated_at: Date.now() }).where("id", "=", user.id).where("totp_enabled_at", "is", null).execute();
  }
  const uri = totpFor(base32, user.email).toString();
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret: base32.replace(/(.{4})/g, "$1 ").trim(), uri, qrSvg, created };
}

/**
 * Checks a code against the user's secret (pending or enabled), accepting one step of clock drift
 * either way, and refuses a code whose time step was already used (no replay).
 */
export async function checkTotpCode(db: Db, userId: string, code: string): Promise<boolean> {
  const row = await db.selectFrom("user").select(["email", "totp_secret", "totp_last_step"]).where("id", "=", userId).executeTakeFirst();
  if (!row?.totp_secret) return false;
  const normalised = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(normalised)) return false;
  const delta = totpFor(unseal(row.totp_secret), row.email).validate({ token: normalised, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / PERIOD) + delta;
  if (row.totp_last_step !== null && step <= Number(row.totp_last_step)) return false;
  // Conditional update: two concurrent requests with the same code cannot both succeed.
  const result = await db
    .updateTable("user")
    .set({ totp_last_step: step })
    .where("id", "=", userId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Generates a fresh set of single-use recovery codes, replacing the old set; returns them once. */
export async function replaceRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = crypto.randomBytes(8).readBigUInt64BE().toString(36).padStart(13, "0").slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  const now = Date.now();
  await db.deleteFrom("recovery_code").where("user_id", "=", userId).execute();
  await db
    .insertInto("recovery_code")
    .values(codes.map((c) => ({ id: newId(), user_id: userId, code_hash: hashRecoveryCode(c), created_at: now, used_at: null })))
    .execute();
  return codes;
}

export function hashRecoveryCode(code: string): string {
  return sha256Hex(code.toLowerCase().replace(/[^0-9a-z]/g, ""));
}

/** Uses up a recovery code; true when it was valid and unused. */
export async function useRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  const result = await db
    .updateTable("recovery_code")
    .set({ used_at: Date.now() })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashRecoveryCode(code))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("recovery_code")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** For tests and the demo: the code an authenticator would show now. */
export function currentTotpCode(secretBase32: string, at = Date.now()): string {
  return totpFor(secretBase32.replace(/\s+/g, ""), "x").generate({ timestamp: at });
}
