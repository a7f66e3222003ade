import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { lockRows } from "#db/lock";
import { fromJson, toJson } from "#db/json";
import type { Role } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { checkPasswordPolicy, hashPassword } from "~/modules/auth/password.server";
import { ACTIVE_STATUSES, ROLES } from "~/modules/auth/permissions";
import { consume } from "~/modules/auth/rate-limit.server";
import { findUserByEmail, insertUser } from "~/modules/auth/users.server";
import { toLanguage, type Language } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { organisationColumns, toOrganisation, type Organisation } from "~/modules/organisations/organisations.server";
import { randomToken, sha256Hex } from "~/utils/crypto.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";

export const INVITATION_LIFETIME_MS = 7 * 24 * 3_600_000;

export interface MembershipSummary {
  id: string;
  organisation: Organisation;
  roles: Role[];
}

const sortRoles = (roles: Role[]) => ROLES.filter((r) => roles.includes(r));

export async function addMembership(db: Db, organisationId: string, userId: string, roles: Role[]): Promise<string> {
  const id = newId();
  await db.insertInto("membership").values({ id, organisation_id: organisationId, user_id: userId, created_at: Date.now() }).execute();
  await db.insertInto("membership_role").values(sortRoles(roles).map((role) => ({ membership_id: id, role }))).execute();
  return id;
}

/** Every organisation a user belongs to, with their roles in it. */
export async function getMemberships(db: Db, userId: string): Promise<MembershipSummary[]> {
  const rows = await db
    .selectFrom("membership")
    .innerJoin("organisation", "organisation.id", "membership.organisation_id")
    .leftJoin("membership_role", "membership_role.membership_id", "membership.id")
    .select(["membership.id as membership_id", "membership.created_at as joined_at", "membership_role.role", ...organisationColumns])
    .where("membership.user_id", "=", userId)
    .orderBy("membership.created_at")
    .orderBy("membership.id")
    .execute();
  const byId = new Map<string, MembershipSummary>();
  for (const r of rows) {
    let m = byId.get(r.membership_id);
    if (!m) {
      m = { id: r.membership_id, organisation: toOrganisation(r), roles: [] };
      byId.set(r.membership_id, m);
    }
    if (r.role) m.roles.push(r.role);
  }
  return [...byId.values()].map((m) => ({ ...m, roles: sortRoles(m.roles) }));
}

export async function listMembers(db: Db, organisationId: string) {
  const rows = await db
    .selectFrom("membership")
    .innerJoin("user", "user.id", "membership.user_id")
    .leftJoin("membership_role", "membership_role.membership_id", "membership.id")
    .select(["membership.id", "membership.created_at", "membership.version", "user.id as user_id", "user.name", "user.email", "user.totp_enabled_at", "user.disabled_at", "membership_role.role"])
    .where("membership.organisation_id", "=", organisationId)
    .orderBy("user.name")
    .orderBy("membership.id")
    .execute();
  const byId = new Map<string, { id: string; userId: string; name: string; email: string; joinedAt: number; twoFactor: boolean; roles: Role[]; version: number }>();
  for (const r of rows) {
    let m = byId.get(r.id);
    if (!m) {
      m = { id: r.id, userId: r.user_id, name: r.name, email: r.email, joinedAt: Number(r.created_at), twoFactor: r.totp_enabled_at !== null, roles: [], version: Number(r.version) };
      byId.set(r.id, m);
    }
    if (r.role) m.roles.push(r.role);
  }
  return [...byId.values()].map((m) => ({ ...m, roles: sortRoles(m.roles) }));
}

export async function listPendingInvitations(db: Db, organisationId: string) {
  const rows = await db
    .selectFrom("invitation")
    .leftJoin("user", "user.id", "invitation.invited_by")
    .select(["invitation.id", "invitation.email", "invitation.roles", "invitation.created_at", "invitation.expires_at", "user.name as invited_by_name"])
    .where("invitation.organisation_id", "=", organisationId)
    .where("invitation.accepted_at", "is", null)
    .where("invitation.revoked_at", "is", null)
    .orderBy("invitation.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    roles: fromJson<Role[]>(r.roles, []),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    expired: Number(r.expires_at) <= Date.now(),
    invitedByName: r.invited_by_name,
  }));
}

async function sendInvitation(db: Db, invitation: { id: string; email: string; organisationId: string }, inviterName: string, language: Language) {
  const token = randomToken(32);
  const now = Date.now();
  await db
    .updateTable("invitation")
    .set({ token_hash: sha256Hex(token), created_at: now, expires_at: now + INVITATION_LIFETIME_MS })
    .where("id", "=", invitation.id)
    .execute();
  const org = await db.selectFrom("organisation").select("name").where("id", "=", invitation.organisationId).executeTakeFirstOrThrow();
  const existing = await findUserByEmail(db, invitation.email);
  await queueMail(db, {
    to: invitation.email,
    language: existing ? toLanguage(existing.locale) : language,
    template: "invitation",
    params: { organisation: org.name, inviter: inviterName },
    link: `${getEnv().APP_URL}/invitations/accept?token=${token}`,
  });
}

/**
 * An organisation admin invites someone by e-mail with one or more roles. A pending invitation to the
 * same address is replaced. The invitee accepts with a new or an existing account.
 */
export async function inviteMember(
  db: Db,
  actor: Actor,
  organisationId: string,
  input: { email: string; roles: Role[] },
  inviter: { name: string; language: Language },
) {
  // Per organisation and per recipient: invitations cannot be used to flood anyone's inbox.
  await consume(db, [["inviteOrg", organisationId], ["inviteRecipient", input.email]]);
  return db.transaction().execute(async (trx) => {
    const already = await trx
      .selectFrom("membership")
      .innerJoin("user", "user.id", "membership.user_id")
      .select("membership.id")
      .where("membership.organisation_id", "=", organisationId)
      .where("user.email", "=", input.email)
      .executeTakeFirst();
    if (already) throw new AppError("already_member", 409, { fieldErrors: { email: "already_member" } });
    const staff = await trx.selectFrom("user").select("id").where("email", "=", input.email).where("staff_role", "is not", null).executeTakeFirst();
    if (staff) throw new AppError("staff_cannot_join", 409, { fieldErrors: { email: "staff_cannot_join" } });
    const now = Date.now();
    await trx
      .updateTable("invitation")
      .set({ revoked_at: now })
      .where("organisation_id", "=", organisationId)
      .where("email", "=", input.email)
      .where("accepted_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
    const id = newId();
    await trx
      .insertInto("invitation")
      .values({
        id,
        organisation_id: organisationId,
        email: input.email,
        roles: toJson(sortRoles(input.roles)),
        token_hash: sha256Hex(randomToken(32)),
        invited_by: actor.userId ?? "",
        created_at: now,
        expires_at: now + INVITATION_LIFETIME_MS,
        accepted_at: null,
        revoked_at: null,
      })
      .execute();
    await sendInvitation(trx, { id, email: input.email, organisationId }, inviter.name, inviter.language);
    await recordAudit(trx, actor, { action: "member.invited", organisationId, targetType: "invitation", targetId: id, details: { email: input.email, roles: sortRoles(input.roles) } });
    return id;
  });
}

async function pendingInvitationOf(db: Db, organisationId: string, invitationId: string) {
  const row = await db
    .selectFrom("invitation")
    .select(["id", "email"])
    .where("id", "=", invitationId)
    .where("organisation_id", "=", organisationId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return row;
}

export async function revokeInvitation(db: Db, actor: Actor, organisationId: string, invitationId: string) {
  await db.transaction().execute(async (trx) => {
    const inv = await pendingInvitationOf(trx, organisationId, invitationId);
    // Conditional on it still being pending: a concurrent revocation or acceptance wins, this one is "not found".
    const result = await trx
      .updateTable("invitation")
      .set({ revoked_at: Date.now() })
      .where("id", "=", inv.id)
      .where("accepted_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("not_found", 404);
    await recordAudit(trx, actor, { action: "member.invitation_revoked", organisationId, targetType: "invitation", targetId: inv.id, details: { email: inv.email } });
  });
}

export async function resendInvitation(db: Db, actor: Actor, organisationId: string, invitationId: string, inviter: { name: string; language: Language }) {
  await consume(db, [["inviteOrg", organisationId]]);
  await db.transaction().execute(async (trx) => {
    const inv = await pendingInvitationOf(trx, organisationId, invitationId);
    await sendInvitation(trx, { id: inv.id, email: inv.email, organisationId }, inviter.name, inviter.language);
    await recordAudit(trx, actor, { action: "member.invitation_resent", organisationId, targetType: "invitation", targetId: inv.id, details: { email: inv.email } });
  });
}

/** The invitation a link carries, if it is still valid. */
export async function findInvitation(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db
    .selectFrom("invitation")
    .innerJoin("organisation", "organisation.id", "invitation.organisation_id")
    .leftJoin("user", "user.id", "invitation.invited_by")
    .select(["invitation.id", "invitation.email", "invitation.roles", "invitation.organisation_id", "organisation.name as organisation_name", "user.name as inviter_name"])
    .where("invitation.token_hash", "=", sha256Hex(token))
    .where("invitation.accepted_at", "is", null)
    .where("invitation.revoked_at", "is", null)
    .where("invitation.expires_at", ">", Date.now())
    // A suspended, offboarded or rejected organisation changes nothing: nobody can join it.
    .where("organisation.status", "in", ACTIVE_STATUSES)
    .executeTakeFirst();
  if (!row) return null;
  const account = await findUserByEmail(db, row.email);
  return {
    id: row.id,
    email: row.email,
    roles: fromJson<Role[]>(row.roles, []),
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    inviterName: row.inviter_name,
    hasAccount: !!account && account.disabled_at === null,
  };
}

async function claimInvitation(db: Db, token: string) {
  const inv = await findInvitation(db, token);
  if (!inv) throw new AppError("invitation_invalid", 400);
  // Conditional on it still being pending: of an acceptance and a revocation at once, exactly one wins.
  const result = await db
    .updateTable("invitation")
    .set({ accepted_at: Date.now() })
    .where("id", "=", inv.id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError("invitation_invalid", 400);
  return inv;
}

/** The signed-in user accepts an invitation addressed to their own e-mail. */
export async function acceptInvitation(db: Db, actor: Actor, token: string, user: { id: string; email: string; staffRole: string | null }) {
  return db.transaction().execute(async (trx) => {
    const inv = await claimInvitation(trx, token);
    if (inv.email !== user.email) throw new AppError("invitation_other_email", 403);
    if (user.staffRole) throw new AppError("staff_cannot_join", 403);
    const already = await trx.selectFrom("membership").select("id").where("organisation_id", "=", inv.organisationId).where("user_id", "=", user.id).executeTakeFirst();
    if (already) throw new AppError("already_member", 409);
    const membershipId = await addMembership(trx, inv.organisationId, user.id, inv.roles);
    await recordAudit(trx, actor, { action: "member.joined", organisationId: inv.organisationId, targetType: "membership", targetId: membershipId, details: { roles: inv.roles } });
    return { organisationId: inv.organisationId, membershipId };
  });
}

/** Accepts an invitation by creating an account: the e-mail is proven by the link itself. */
export async function acceptInvitationWithNewAccount(db: Db, actor: Actor, token: string, input: { name: string; password: string }, language: Language) {
  const preview = await findInvitation(db, token);
  if (!preview) throw new AppError("invitation_invalid", 400);
  if (preview.hasAccount) throw new AppError("account_exists_sign_in", 409);
  const policy = await checkPasswordPolicy(input.password, { email: preview.email, name: input.name });
  if (policy) throw new AppError(policy, 400, { fieldErrors: { password: policy } });
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const inv = await claimInvitation(trx, token);
    if (await findUserByEmail(trx, inv.email)) throw new AppError("account_exists_sign_in", 409);
    const userId = await insertUser(trx, { email: inv.email, name: input.name, passwordHash, locale: language, emailVerified: true });
    const membershipId = await addMembership(trx, inv.organisationId, userId, inv.roles);
    const self = { ...actor, userId, label: inv.email };
    await recordAudit(trx, self, { action: "user.registered", organisationId: inv.organisationId, targetType: "user", targetId: userId, details: { via: "invitation" } });
    await recordAudit(trx, self, { action: "member.joined", organisationId: inv.organisationId, targetType: "membership", targetId: membershipId, details: { roles: inv.roles } });
    return { userId, organisationId: inv.organisationId };
  });
}

async function adminCount(db: Db, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom("membership")
    .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
    .innerJoin("user", "user.id", "membership.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("membership.organisation_id", "=", organisationId)
    .where("membership_role.role", "=", "org_admin")
    .where("user.disabled_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function membershipOf(db: Db, organisationId: string, membershipId: string) {
  const row = await db
    .selectFrom("membership")
    .innerJoin("user", "user.id", "membership.user_id")
    .select(["membership.id", "membership.user_id", "user.email"])
    .where("membership.id", "=", membershipId)
    .where("membership.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  const roles = await db.selectFrom("membership_role").select("role").where("membership_id", "=", membershipId).execute();
  return { ...row, roles: roles.map((r) => r.role) };
}

/**
 * Changes a member's roles; the organisation always keeps at least one admin. Refused with a conflict,
 * writing nothing, when someone changed them since `baseVersion` (the version the form was loaded with).
 */
export async function changeMemberRoles(db: Db, actor: Actor, organisationId: string, membershipId: string, roles: Role[], baseVersion: number) {
  await db.transaction().execute(async (trx) => {
    await lockRows(trx, { table: "organisation", where: sql`id = ${organisationId}` });
    const member = await membershipOf(trx, organisationId, membershipId);
    const result = await trx.updateTable("membership").set({ version: baseVersion + 1 }).where("id", "=", membershipId).where("version", "=", baseVersion).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
    await trx.deleteFrom("membership_role").where("membership_id", "=", membershipId).execute();
    await trx.insertInto("membership_role").values(sortRoles(roles).map((role) => ({ membership_id: membershipId, role }))).execute();
    if ((await adminCount(trx, organisationId)) === 0) throw new AppError("last_admin", 409);
    await recordAudit(trx, actor, {
      action: "member.roles_changed",
      organisationId,
      targetType: "membership",
      targetId: membershipId,
      details: { email: member.email, before: sortRoles(member.roles), after: sortRoles(roles), version: baseVersion + 1 },
    });
  });
}

/** Removes a member (their sessions keep the account, not the organisation); never the last admin. */
export async function removeMember(db: Db, actor: Actor, organisationId: string, membershipId: string) {
  await db.transaction().execute(async (trx) => {
    await lockRows(trx, { table: "organisation", where: sql`id = ${organisationId}` });
    const member = await membershipOf(trx, organisationId, membershipId);
    const deleted = await trx.deleteFrom("membership").where("id", "=", membershipId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new AppError("not_found", 404);
    if ((await adminCount(trx, organisationId)) === 0) throw new AppError("last_admin", 409);
    await recordAudit(trx, actor, {
      action: "member.removed",
      organisationId,
      targetType: "membership",
      targetId: membershipId,
      details: { email: member.email, roles: sortRoles(member.roles) },
    });
  });
}
