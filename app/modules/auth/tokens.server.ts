import type { Db } from "#db/dialect";
import type { TokenPurpose } from "#db/schema";
import { randomToken, sha256Hex } from "~/utils/crypto.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";

const HOUR = 3_600_000;
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 48 * HOUR,
  reset_password: 1 * HOUR,
  set_password: 72 * HOUR,
};

/**
 * Creates a single-use, expiring token for a user and purpose. A new password link makes earlier
 * ones stop working; earlier e-mail confirmation links stay valid until they expire. Only the SHA-256
 * is stored; the raw token goes into the e-mailed link.
 */
export async function createToken(db: Db, userId: string, purpose: TokenPurpose): Promise<string> {
  const token = randomToken(32);
  const now = Date.now();
  if (purpose !== "verify_email") {
    await db.updateTable("token").set({ used_at: now }).where("user_id", "=", userId).where("purpose", "=", purpose).where("used_at", "is", null).execute();
  }
  await db
    .insertInto("token")
    .values({ id: newId(), user_id: userId, purpose, token_hash: sha256Hex(token), created_at: now, expires_at: now + TOKEN_LIFETIME_MS[purpose], used_at: null })
    .execute();
  return token;
}

async function findValid(db: Db, token: string, purpose: TokenPurpose) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  return db
    .selectFrom("token")
    .select(["id", "user_id"])
    .where("token_hash", "=", sha256Hex(token))
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", Date.now())
    .executeTakeFirst();
}

/** The user a token belongs to, without using it up (for the page that shows the form). */
export async function peekToken(db: Db, token: string, purpose: TokenPurpose): Promise<string | null> {
  return (await findValid(db, token, purpose))?.user_id ?? null;
}

/** Uses a token up and returns its user; throws `token_invalid` when unknown, used or expired. */
export async function consumeToken(db: Db, token: string, purpose: TokenPurpose): Promise<string> {
  const row = await findValid(db, token, purpose);
  if (!row) throw new AppError("token_invalid", 400);
  const result = await db.updateTable("token").set({ used_at: Date.now() }).where("id", "=", row.id).where("used_at", "is", null).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError("token_invalid", 400);
  return row.user_id;
}
