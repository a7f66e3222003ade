import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { lockRows } from "#db/lock";
import type { StaffRole } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { createToken } from "~/modules/auth/tokens.server";
import { endUserSessions } from "~/modules/auth/session.server";
import { findUserByEmail, insertUser } from "~/modules/auth/users.server";
import type { Language } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";

/**
 * Creates an NGO staff account. The new staff member gets a single-use link to choose a password,
 * then must enrol a second factor before anything else. Returns the link (the CLI prints it).
 */
export async function createStaffAccount(db: Db, actor: Actor, input: { email: string; name: string; role: StaffRole; locale: Language }) {
  if (await findUserByEmail(db, input.email)) throw new AppError("email_taken", 409, { fieldErrors: { email: "email_taken" } });
  return db.transaction().execute(async (trx) => {
    const userId = await insertUser(trx, { email: input.email, name: input.name, passwordHash: null, locale: input.locale, staffRole: input.role, emailVerified: true });
    const token = await createToken(trx, userId, "set_password");
    const link = `${getEnv().APP_URL}/reset-password?token=${token}&purpose=set`;
    await queueMail(trx, { to: input.email, language: input.locale, template: "staff_invitation", params: { name: input.name }, link });
    await recordAudit(trx, actor, { action: "staff.created", targetType: "user", targetId: userId, details: { email: input.email, role: input.role } });
    return { userId, link };
  });
}

export async function listStaff(db: Db) {
  const rows = await db
    .selectFrom("user")
    .select(["id", "email", "name", "staff_role", "totp_enabled_at", "disabled_at", "created_at", "password_hash", "staff_version"])
    .where("staff_role", "is not", null)
    .orderBy("name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.staff_role as StaffRole,
    twoFactor: r.totp_enabled_at !== null,
    disabled: r.disabled_at !== null,
    pending: r.password_hash === null,
    createdAt: Number(r.created_at),
    /** What the row's form carries back as `baseVersion` (optimistic concurrency). */
    version: Number(r.staff_version),
  }));
}

async function activeAdminCount(db: Db) {
  const row = await db
    .selectFrom("user")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("staff_role", "=", "staff_admin")
    .where("disabled_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function staffMember(db: Db, userId: string) {
  const row = await db.selectFrom("user").select(["id", "email", "staff_role", "disabled_at"]).where("id", "=", userId).where("staff_role", "is not", null).executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return row;
}

/** Bumps the account's staff version if it is still `baseVersion`: else someone changed it meanwhile. */
async function claimStaffVersion(trx: Db, userId: string, baseVersion: number, set: { staff_role: StaffRole } | { disabled_at: number | null }) {
  const result = await trx
    .updateTable("user")
    .set({ ...set, staff_version: baseVersion + 1, updated_at: Date.now() })
    .where("id", "=", userId)
    .where("staff_version", "=", baseVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
}

/**
 * Changes a staff member's role. Refused with a conflict, writing nothing, when another staff admin
 * changed the account since `baseVersion` (the version the accounts page was loaded with).
 */
export async function changeStaffRole(db: Db, actor: Actor, userId: string, role: StaffRole, baseVersion: number) {
  await db.transaction().execute(async (trx) => {
    await lockRows(trx, { table: "user", where: sql`staff_role IS NOT NULL` });
    const member = await staffMember(trx, userId);
    await claimStaffVersion(trx, userId, baseVersion, { staff_role: role });
    if ((await activeAdminCount(trx)) === 0) throw new AppError("last_staff_admin", 409);
    await recordAudit(trx, actor, { action: "staff.role_changed", targetType: "user", targetId: userId, details: { email: member.email, before: member.staff_role, after: role } });
  });
}

/**
 * Disables or re-enables a staff account; disabling ends its sessions at once. Refused with a conflict
 * like a role change when the account changed since `baseVersion`.
 */
export async function setStaffDisabled(db: Db, actor: Actor, userId: string, disabled: boolean, baseVersion: number) {
  if (disabled && actor.userId === userId) throw new AppError("cannot_disable_self", 409);
  await db.transaction().execute(async (trx) => {
    await lockRows(trx, { table: "user", where: sql`staff_role IS NOT NULL` });
    const member = await staffMember(trx, userId);
    await claimStaffVersion(trx, userId, baseVersion, { disabled_at: disabled ? Date.now() : null });
    if ((await activeAdminCount(trx)) === 0) throw new AppError("last_staff_admin", 409);
    if (disabled) await endUserSessions(trx, userId);
    await recordAudit(trx, actor, { action: disabled ? "staff.disabled" : "staff.enabled", targetType: "user", targetId: userId, details: { email: member.email } });
  });
}
