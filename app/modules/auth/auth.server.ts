import type { Db } from "#db/dialect";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { toLanguage, type Language } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { logEvent } from "~/utils/logger.server";
import { checkPasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from "./password.server";
import { clear, consume } from "./rate-limit.server";
import { createSession, endUserSession, endUserSessions, markSessionTwoFactor, type AuthSession } from "./session.server";
import { beginTotpEnrolment, checkTotpCode, replaceRecoveryCodes, useRecoveryCode } from "./totp.server";
import { consumeToken, createToken, peekToken } from "./tokens.server";
import { findUserByEmail } from "./users.server";

export type LoginResult =
  | { kind: "signed_in"; cookie: string; session: AuthSession; userId: string; needsTwoFactor: boolean; locale: Language; staff: boolean }
  | { kind: "unverified" };

/**
 * Password sign-in. Throttled per account and per address before any hashing is done; an unknown
 * address costs the same hashing work as a known one and gets the same answer.
 */
export async function login(db: Db, actor: Actor, input: { email: string; password: string }): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const ip = actor.ip ?? "unknown";
  await consume(db, [["loginAccount", email], ["loginIp", ip]]);
  const user = await findUserByEmail(db, email);
  const ok = user?.password_hash && user.disabled_at === null ? await verifyPassword(user.password_hash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !ok) {
    await recordAudit(db, { ...actor, label: email }, { action: "auth.login_failed", targetType: "user", targetId: user?.id ?? null });
    logEvent("auth.login_failed", { userId: user?.id ?? null }, { level: "warn" });
    throw new AppError("login_failed", 400);
  }
  await clear(db, "loginAccount", email);
  if (user.email_verified_at === null) {
    await resendVerification(db, user);
    return { kind: "unverified" };
  }
  const { cookie, session } = await createSession(db, user.id, { ip: actor.ip, userAgent: actor.userAgent });
  await recordAudit(db, { ...actor, userId: user.id, label: user.email }, { action: "auth.login", targetType: "user", targetId: user.id });
  logEvent("auth.login", { userId: user.id });
  return {
    kind: "signed_in",
    cookie,
    session,
    userId: user.id,
    needsTwoFactor: user.totp_enabled_at !== null,
    locale: toLanguage(user.locale),
    staff: user.staff_role !== null,
  };
}

async function resendVerification(db: Db, user: { id: string; email: string; name: string; locale: string }) {
  try {
    await consume(db, [["verifyResendAccount", user.email]]);
  } catch {
    return; // a link was sent recently; it still works
  }
  await db.transaction().execute(async (trx) => {
    const token = await createToken(trx, user.id, "verify_email");
    await queueMail(trx, {
      to: user.email,
      language: toLanguage(user.locale),
      template: "verify_email",
      params: { name: user.name },
      link: `${getEnv().APP_URL}/verify-email?token=${token}`,
    });
  });
}

/** Confirms an e-mail address with the single-use link. */
export async function verifyEmail(db: Db, actor: Actor, token: string) {
  return db.transaction().execute(async (trx) => {
    const userId = await consumeToken(trx, token, "verify_email");
    await trx.updateTable("user").set({ email_verified_at: Date.now(), updated_at: Date.now() }).where("id", "=", userId).where("email_verified_at", "is", null).execute();
    const user = await trx.selectFrom("user").select(["email"]).where("id", "=", userId).executeTakeFirstOrThrow();
    await recordAudit(trx, { ...actor, userId, label: user.email }, { action: "user.email_verified", targetType: "user", targetId: userId });
    return userId;
  });
}

/**
 * The second step of sign-in: a TOTP code or a recovery code. On success the session is replaced
 * by a new one (rotation at the change of privilege) that records when the factor was given.
 */
export async function completeTwoFactor(db: Db, actor: Actor, session: AuthSession, codeInput: string) {
  await consume(db, [["twoFactorUser", session.userId], ["twoFactorIp", actor.ip ?? "unknown"]]);
  const code = codeInput.trim();
  const viaRecovery = !/^\d[\d\s]*$/.test(code);
  const ok = viaRecovery ? await useRecoveryCode(db, session.userId, code) : await checkTotpCode(db, session.userId, code);
  const user = await db.selectFrom("user").select(["email"]).where("id", "=", session.userId).executeTakeFirstOrThrow();
  const self = { ...actor, userId: session.userId, label: user.email };
  if (!ok) {
    await recordAudit(db, self, { action: "auth.two_factor_failed", targetType: "user", targetId: session.userId });
    throw new AppError("code_invalid", 400, { fieldErrors: { code: "code_invalid" } });
  }
  await clear(db, "twoFactorUser", session.userId);
  return db.transaction().execute(async (trx) => {
    const created = await createSession(trx, session.userId, {
      ip: actor.ip,
      userAgent: actor.userAgent,
      twoFactorAt: Date.now(),
      activeOrganisationId: session.activeOrganisationId,
    });
    await endUserSession(trx, session.userId, session.key);
    await recordAudit(trx, self, { action: viaRecovery ? "auth.recovery_code_used" : "auth.two_factor", targetType: "user", targetId: session.userId });
    return created;
  });
}

/** Step-up: a fresh second factor within an existing session, before a sensitive action. */
export async function confirmSecondFactor(db: Db, actor: Actor, session: AuthSession, code: string) {
  await consume(db, [["twoFactorUser", session.userId], ["twoFactorIp", actor.ip ?? "unknown"]]);
  const ok = await checkTotpCode(db, session.userId, code);
  if (!ok) {
    throw new AppError("code_invalid", 400, { fieldErrors: { code: "code_invalid" } });
  }
  await db.transaction().execute(async (trx) => {
    await markSessionTwoFactor(trx, session.key);
    await recordAudit(trx, actor, { action: "auth.step_up", targetType: "user", targetId: session.userId });
  });
}

/** Signs out one session of the user's own (by its key); false when it was not theirs or is gone. */
export async function endSession(db: Db, actor: Actor, userId: string, key: string, action = "user.session_ended"): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await endUserSession(trx, userId, key))) return false;
    await recordAudit(trx, actor, { action, targetType: "session", targetId: key.slice(0, 12) });
    return true;
  });
}

/** Signs out every other session of the user. */
export async function endOtherSessions(db: Db, actor: Actor, userId: string, keepKey: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await endUserSessions(trx, userId, keepKey);
    await recordAudit(trx, actor, { action: "user.sessions_ended", targetType: "user", targetId: userId, details: { count: ended } });
    return ended;
  });
}

/**
 * Asks for a password-reset link. The answer is the same whether or not the address has an
 * account; only an existing, active account gets a mail.
 */
export async function requestPasswordReset(db: Db, actor: Actor, email: string) {
  await consume(db, [["resetIp", actor.ip ?? "unknown"]]);
  const user = await findUserByEmail(db, email);
  try {
    await consume(db, [["resetAccount", email.toLowerCase()]]);
  } catch {
    return; // silently: a throttled account must look like any other
  }
  if (!user || user.disabled_at !== null) return;
  await db.transaction().execute(async (trx) => {
    const token = await createToken(trx, user.id, "reset_password");
    await queueMail(trx, {
      to: user.email,
      language: toLanguage(user.locale),
      template: "reset_password",
      params: { name: user.name },
      link: `${getEnv().APP_URL}/reset-password?token=${token}`,
    });
    await recordAudit(trx, { ...actor, label: user.email }, { action: "auth.password_reset_requested", targetType: "user", targetId: user.id });
  });
}

/**
 * Sets a new password with a reset (or first-time set-up) link. Every session of the user ends;
 * a reset link also proves the e-mail address.
 */
export async function resetPassword(db: Db, actor: Actor, token: string, password: string, purpose: "reset_password" | "set_password" = "reset_password") {
  await consume(db, [["resetIp", actor.ip ?? "unknown"]]);
  // The link is checked before any hashing: a flood of made-up tokens costs nothing.
  const userId = await peekToken(db, token, purpose);
  if (!userId) throw new AppError("token_invalid", 400);
  const owner = await db.selectFrom("user").select(["email", "name"]).where("id", "=", userId).executeTakeFirstOrThrow();
  const policy = await checkPasswordPolicy(password, { email: owner.email, name: owner.name });
  if (policy) throw new AppError(policy, 400, { fieldErrors: { password: policy } });
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const userId = await consumeToken(trx, token, purpose);
    const now = Date.now();
    await trx.updateTable("user").set({ password_hash: passwordHash, updated_at: now }).where("id", "=", userId).execute();
    await trx.updateTable("user").set({ email_verified_at: now }).where("id", "=", userId).where("email_verified_at", "is", null).execute();
    await endUserSessions(trx, userId);
    const user = await trx.selectFrom("user").select(["email", "name", "locale"]).where("id", "=", userId).executeTakeFirstOrThrow();
    await recordAudit(trx, { ...actor, userId, label: user.email }, { action: purpose === "reset_password" ? "auth.password_reset" : "auth.password_set", targetType: "user", targetId: userId });
    if (purpose === "reset_password") {
      await queueMail(trx, { to: user.email, language: toLanguage(user.locale), template: "password_changed", params: { name: user.name } });
    }
  });
  logEvent(purpose === "reset_password" ? "auth.password_reset" : "auth.password_set", { userId });
}

/**
 * Re-confirms that the signed-in person is at the keyboard before they sign something: a code from
 * their second factor when they give one, else their password. Failures count against a throttle and
 * are audited; returns how they confirmed.
 */
export async function reconfirmIdentity(db: Db, actor: Actor, userId: string, input: { password?: string; code?: string }): Promise<"password" | "totp"> {
  await consume(db, [["reconfirmUser", userId]]);
  const user = await db.selectFrom("user").select(["password_hash", "totp_enabled_at"]).where("id", "=", userId).executeTakeFirstOrThrow();
  const code = input.code?.replace(/\s/g, "") ?? "";
  if (code) {
    if (user.totp_enabled_at !== null && (await checkTotpCode(db, userId, code))) return "totp";
    await recordAudit(db, actor, { action: "auth.reconfirm_failed", targetType: "user", targetId: userId, details: { method: "totp" } });
    throw new AppError("code_invalid", 400, { fieldErrors: { code: "code_invalid" } });
  }
  if (user.password_hash && input.password && (await verifyPassword(user.password_hash, input.password))) return "password";
  await recordAudit(db, actor, { action: "auth.reconfirm_failed", targetType: "user", targetId: userId, details: { method: "password" } });
  throw new AppError("reconfirm_password_wrong", 400, { fieldErrors: { password: "reconfirm_password_wrong" } });
}

/** Changes the password of a signed-in user; their other sessions end. */
export async function changePassword(db: Db, actor: Actor, session: AuthSession, input: { currentPassword: string; newPassword: string }) {
  await consume(db, [["passwordChangeUser", session.userId]]);
  const user = await db.selectFrom("user").selectAll().where("id", "=", session.userId).executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError("current_password_wrong", 400, { fieldErrors: { currentPassword: "current_password_wrong" } });
  }
  const policy = await checkPasswordPolicy(input.newPassword, { email: user.email, name: user.name });
  if (policy) throw new AppError(policy, 400, { fieldErrors: { newPassword: policy } });
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ password_hash: passwordHash, updated_at: Date.now() }).where("id", "=", user.id).execute();
    const ended = await endUserSessions(trx, user.id, session.key);
    await recordAudit(trx, actor, { action: "user.password_changed", targetType: "user", targetId: user.id, details: { otherSessionsEnded: ended } });
    await queueMail(trx, { to: user.email, language: toLanguage(user.locale), template: "password_changed", params: { name: user.name } });
  });
}

/** Shows the user a pending authenticator secret (made on the first visit, kept until enabled). */
export async function startTwoFactorEnrolment(db: Db, actor: Actor, user: { id: string; email: string }) {
  return db.transaction().execute(async (trx) => {
    const enrolment = await beginTotpEnrolment(trx, user);
    if (enrolment.created) await recordAudit(trx, actor, { action: "user.two_factor_enrolment_started", targetType: "user", targetId: user.id });
    return enrolment;
  });
}

/** Turns on two-factor sign-in once the user proves their app shows the right code. */
export async function enableTwoFactor(db: Db, actor: Actor, session: AuthSession, code: string): Promise<string[]> {
  await consume(db, [["twoFactorUser", session.userId], ["twoFactorIp", actor.ip ?? "unknown"]]);
  const user = await db.selectFrom("user").select(["totp_enabled_at", "totp_secret"]).where("id", "=", session.userId).executeTakeFirstOrThrow();
  if (user.totp_enabled_at !== null) throw new AppError("two_factor_already_enabled", 409);
  if (!(await checkTotpCode(db, session.userId, code))) {
    throw new AppError("code_invalid", 400, { fieldErrors: { code: "code_invalid" } });
  }
  return db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ totp_enabled_at: Date.now(), updated_at: Date.now() }).where("id", "=", session.userId).execute();
    await markSessionTwoFactor(trx, session.key);
    // Other sessions were signed in without the factor: they end.
    await endUserSessions(trx, session.userId, session.key);
    const codes = await replaceRecoveryCodes(trx, session.userId);
    await recordAudit(trx, actor, { action: "user.two_factor_enabled", targetType: "user", targetId: session.userId });
    return codes;
  });
}

export async function regenerateRecoveryCodes(db: Db, actor: Actor, userId: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const codes = await replaceRecoveryCodes(trx, userId);
    await recordAudit(trx, actor, { action: "user.recovery_codes_regenerated", targetType: "user", targetId: userId });
    return codes;
  });
}

/** Turns two-factor sign-in off (not allowed for NGO staff, for whom it is mandatory). */
export async function disableTwoFactor(db: Db, actor: Actor, userId: string) {
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("user").select(["staff_role"]).where("id", "=", userId).executeTakeFirstOrThrow();
    if (user.staff_role) throw new AppError("two_factor_required_for_staff", 403);
    await trx.updateTable("user").set({ totp_enabled_at: null, totp_secret: null, totp_last_step: null, updated_at: Date.now() }).where("id", "=", userId).execute();
    await trx.deleteFrom("recovery_code").where("user_id", "=", userId).execute();
    await recordAudit(trx, actor, { action: "user.two_factor_disabled", targetType: "user", targetId: userId });
  });
}

export async function updateProfile(db: Db, actor: Actor, userId: string, input: { name: string; locale: Language }) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ name: input.name, locale: input.locale, updated_at: Date.now() }).where("id", "=", userId).execute();
    await recordAudit(trx, actor, { action: "user.profile_updated", targetType: "user", targetId: userId, details: input });
  });
}

export async function setUserLocale(db: Db, actor: Actor, userId: string, locale: Language) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("user").set({ locale, updated_at: Date.now() }).where("id", "=", userId).execute();
    await recordAudit(trx, actor, { action: "user.language_changed", targetType: "user", targetId: userId, details: { locale } });
  });
}
