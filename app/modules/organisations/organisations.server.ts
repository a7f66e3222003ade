import type { Db } from "#db/dialect";
import { like } from "#db/like";
import type { OrganisationStatus } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { checkPasswordPolicy, hashPassword } from "~/modules/auth/password.server";
import { consume } from "~/modules/auth/rate-limit.server";
import { createToken } from "~/modules/auth/tokens.server";
import { findUserByEmail, insertUser } from "~/modules/auth/users.server";
import { notifyAccessLost } from "~/modules/hashlist/access.server";
import type { Language } from "~/modules/i18n/i18n";
import { toLanguage } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { addMembership } from "~/modules/members/members.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { normaliseOrgNumber, type Industry } from "./schema";

export interface Organisation {
  id: string;
  name: string;
  country: string;
  orgNumber: string;
  industry: Industry;
  website: string | null;
  sizeBand: string;
  status: OrganisationStatus;
  statusReason: string | null;
  statusChangedAt: number;
  createdAt: number;
  /** What the profile form carries back as `baseVersion` (optimistic concurrency). */
  profileVersion: number;
}

type OrganisationRow = {
  id: string;
  name: string;
  country: string;
  org_number: string;
  industry: string;
  website: string | null;
  size_band: string;
  status: OrganisationStatus;
  status_reason: string | null;
  status_changed_at: number;
  created_at: number;
  profile_version: number;
};

export function toOrganisation(r: OrganisationRow): Organisation {
  return {
    id: r.id,
    name: r.name,
    country: r.country,
    orgNumber: r.org_number,
    industry: r.industry as Industry,
    website: r.website,
    sizeBand: r.size_band,
    status: r.status,
    statusReason: r.status_reason,
    statusChangedAt: Number(r.status_changed_at),
    createdAt: Number(r.created_at),
    profileVersion: Number(r.profile_version),
  };
}

export const organisationColumns = [
  "organisation.id",
  "organisation.name",
  "organisation.country",
  "organisation.org_number",
  "organisation.industry",
  "organisation.website",
  "organisation.size_band",
  "organisation.status",
  "organisation.status_reason",
  "organisation.status_changed_at",
  "organisation.created_at",
  "organisation.profile_version",
] as const;

export async function getOrganisation(db: Db, id: string): Promise<Organisation | null> {
  const row = await db.selectFrom("organisation").select(organisationColumns).where("id", "=", id).executeTakeFirst();
  return row ? toOrganisation(row) : null;
}

export interface OrganisationInput {
  organisationName: string;
  country: string;
  orgNumber: string;
  industry: Industry;
  website?: string;
  sizeBand: string;
}

async function insertOrganisation(db: Db, actor: Actor, input: OrganisationInput, orgNumber: string) {
  const id = newId();
  const now = Date.now();
  await db
    .insertInto("organisation")
    .values({
      id,
      name: input.organisationName,
      country: input.country,
      org_number: orgNumber,
      industry: input.industry,
      website: input.website ?? null,
      size_band: input.sizeBand,
      status: "applied",
      status_reason: null,
      status_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto("organisation_status_event")
    .values({ id: newId(), organisation_id: id, from_status: null, to_status: "applied", reason: null, actor_user_id: actor.userId, at: now })
    .execute();
  await recordAudit(db, actor, {
    action: "organisation.registered",
    organisationId: id,
    targetType: "organisation",
    targetId: id,
    details: { name: input.organisationName, country: input.country, orgNumber, industry: input.industry },
  });
  return id;
}

async function assertOrgNumberFree(db: Db, country: string, orgNumber: string) {
  const taken = await db.selectFrom("organisation").select("id").where("country", "=", country).where("org_number", "=", orgNumber).executeTakeFirst();
  if (taken) throw new AppError("organisation_exists", 409, { fieldErrors: { orgNumber: "organisation_exists" } });
}

function checkedOrgNumber(input: OrganisationInput): string {
  const orgNumber = normaliseOrgNumber(input.country, input.orgNumber);
  if (!orgNumber) {
    const code = input.country === "SE" ? "org_number_se" : "org_number_foreign";
    throw new AppError(code, 400, { fieldErrors: { orgNumber: code } });
  }
  return orgNumber;
}

export interface RegistrationInput extends OrganisationInput {
  name: string;
  email: string;
  password: string;
}

/**
 * Registers a company and its first user, who becomes its organisation admin once they have
 * confirmed their e-mail address. When the address already has an account nothing is created and
 * the owner of the address is told by e-mail instead: the answer is the same either way, so it
 * never reveals whether an address is registered.
 */
export async function registerOrganisation(db: Db, actor: Actor, input: RegistrationInput, language: Language) {
  await consume(db, [["registerIp", actor.ip ?? "unknown"]]);
  const orgNumber = checkedOrgNumber(input);
  await assertOrgNumberFree(db, input.country, orgNumber);
  const policy = await checkPasswordPolicy(input.password, { email: input.email, name: input.name });
  if (policy) throw new AppError(policy, 400, { fieldErrors: { password: policy } });
  // Counted per e-mail address too, once the form is valid: nobody can flood someone's inbox.
  await consume(db, [["registerAccount", input.email.toLowerCase()]]);

  const existing = await findUserByEmail(db, input.email);
  // The password is hashed either way, so the time taken does not tell whether the address is known.
  const passwordHash = await hashPassword(input.password);
  if (existing) {
    await queueMail(db, {
      to: existing.email,
      language: toLanguage(existing.locale),
      template: "account_exists",
      params: { organisation: input.organisationName },
      link: `${getEnv().APP_URL}/login`,
    });
    return { created: false as const };
  }

  return db.transaction().execute(async (trx) => {
    const userId = await insertUser(trx, { email: input.email, name: input.name, passwordHash, locale: language });
    const userActor = { ...actor, userId, label: input.email };
    const organisationId = await insertOrganisation(trx, userActor, input, orgNumber);
    await addMembership(trx, organisationId, userId, ["org_admin"]);
    await recordAudit(trx, userActor, { action: "user.registered", organisationId, targetType: "user", targetId: userId });
    const token = await createToken(trx, userId, "verify_email");
    await queueMail(trx, {
      to: input.email,
      language,
      template: "verify_email",
      params: { name: input.name },
      link: `${getEnv().APP_URL}/verify-email?token=${token}`,
    });
    return { created: true as const, organisationId, userId };
  });
}

/** A signed-in company user registers a further company, of which they become the admin. */
export async function registerAdditionalOrganisation(db: Db, actor: Actor & { userId: string }, input: OrganisationInput) {
  await consume(db, [["registerIp", actor.ip ?? "unknown"]]);
  const orgNumber = checkedOrgNumber(input);
  await assertOrgNumberFree(db, input.country, orgNumber);
  return db.transaction().execute(async (trx) => {
    const organisationId = await insertOrganisation(trx, actor, input, orgNumber);
    await addMembership(trx, organisationId, actor.userId, ["org_admin"]);
    return organisationId;
  });
}

/**
 * An organisation admin changes the company profile. Refused with a conflict, writing nothing, when
 * someone changed it since `baseVersion` (the `profileVersion` the form was loaded with).
 */
export async function updateOrganisationProfile(
  db: Db,
  actor: Actor,
  organisationId: string,
  input: { organisationName: string; industry: Industry; website?: string; sizeBand: string; baseVersion: number },
) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("organisation").select(["name", "industry", "website", "size_band"]).where("id", "=", organisationId).executeTakeFirst();
    if (!before) throw new AppError("not_found", 404);
    const after = { name: input.organisationName, industry: input.industry, website: input.website ?? null, size_band: input.sizeBand };
    const result = await trx
      .updateTable("organisation")
      .set({ ...after, profile_version: input.baseVersion + 1, updated_at: Date.now() })
      .where("id", "=", organisationId)
      .where("profile_version", "=", input.baseVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
    await recordAudit(trx, actor, {
      action: "organisation.updated",
      organisationId,
      targetType: "organisation",
      targetId: organisationId,
      details: { before, after, version: input.baseVersion + 1 },
    });
  });
}

/** The partner lifecycle: which decision leads from which status to which. */
export const TRANSITIONS: Record<string, { from: OrganisationStatus[]; to: OrganisationStatus }> = {
  start_review: { from: ["applied"], to: "under_review" },
  approve: { from: ["applied", "under_review"], to: "approved" },
  reject: { from: ["applied", "under_review"], to: "rejected" },
  suspend: { from: ["approved"], to: "suspended" },
  reinstate: { from: ["suspended"], to: "approved" },
  offboard: { from: ["approved", "suspended"], to: "offboarded" },
};

export type Decision = keyof typeof TRANSITIONS;

export function allowedDecisions(status: OrganisationStatus): Decision[] {
  return Object.entries(TRANSITIONS)
    .filter(([, t]) => t.from.includes(status))
    .map(([d]) => d as Decision);
}

/**
 * Staff move an organisation through its lifecycle, with a reason. The change, its history entry,
 * the audit event and the e-mails to the company's admins are committed together.
 */
export async function decideOrganisation(db: Db, actor: Actor, organisationId: string, decision: Decision, reason: string) {
  const transition = TRANSITIONS[decision];
  if (!transition) throw new AppError("invalid_choice", 400);
  await db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom("organisation").select(["status", "name"]).where("id", "=", organisationId).executeTakeFirst();
    if (!org) throw new AppError("not_found", 404);
    if (!transition.from.includes(org.status)) throw new AppError("transition_not_allowed", 409);
    const now = Date.now();
    // Conditional on the status we read: two staff deciding at once cannot both succeed.
    const result = await trx
      .updateTable("organisation")
      .set({ status: transition.to, status_reason: reason, status_changed_at: now, updated_at: now })
      .where("id", "=", organisationId)
      .where("status", "=", org.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
    await trx
      .insertInto("organisation_status_event")
      .values({ id: newId(), organisation_id: organisationId, from_status: org.status, to_status: transition.to, reason, actor_user_id: actor.userId, at: now })
      .execute();
    await recordAudit(trx, actor, {
      action: `organisation.${decision}`,
      organisationId,
      targetType: "organisation",
      targetId: organisationId,
      details: { from: org.status, to: transition.to, reason },
    });
    // Leaving "approved" stops the organisation's API keys: its engineers are told.
    if (org.status === "approved") await notifyAccessLost(trx, organisationId, "organisation_status");
    const admins = await trx
      .selectFrom("membership")
      .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
      .innerJoin("user", "user.id", "membership.user_id")
      .select(["user.email", "user.name", "user.locale"])
      .where("membership.organisation_id", "=", organisationId)
      .where("membership_role.role", "=", "org_admin")
      .where("user.disabled_at", "is", null)
      .execute();
    for (const admin of admins) {
      await queueMail(trx, {
        to: admin.email,
        language: toLanguage(admin.locale),
        template: `organisation_${transition.to}`,
        params: { name: admin.name, organisation: org.name, reason },
        link: `${getEnv().APP_URL}/app`,
      });
    }
  });
}

export async function getStatusHistory(db: Db, organisationId: string) {
  const rows = await db
    .selectFrom("organisation_status_event as e")
    .leftJoin("user as u", "u.id", "e.actor_user_id")
    .select(["e.id", "e.from_status", "e.to_status", "e.reason", "e.at", "u.name as actor_name", "u.staff_role as actor_staff_role"])
    .where("e.organisation_id", "=", organisationId)
    .orderBy("e.at", "desc")
    .orderBy("e.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    from: r.from_status,
    to: r.to_status,
    reason: r.reason,
    at: Number(r.at),
    actorName: r.actor_name,
    byStaff: r.actor_staff_role !== null,
  }));
}

export interface OrganisationFilter {
  status?: OrganisationStatus;
  industry?: Industry;
  q?: string;
  after?: { name: string; id: string };
  limit?: number;
}

/** Staff's list of every organisation, alphabetical, in keyset pages. */
export async function listOrganisations(db: Db, filter: OrganisationFilter) {
  const limit = Math.min(filter.limit ?? 50, 200);
  let query = db
    .selectFrom("organisation")
    .select([...organisationColumns, (eb) => eb.selectFrom("membership").select((e) => e.fn.countAll<number>().as("n")).whereRef("membership.organisation_id", "=", "organisation.id").as("member_count")]);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.industry) query = query.where("industry", "=", filter.industry);
  if (filter.q) {
    const q = filter.q.trim();
    query = query.where((eb) => eb.or([like("organisation.name", q), like("organisation.org_number", q, "prefix")]));
  }
  if (filter.after) {
    const { name, id } = filter.after;
    query = query.where((eb) => eb.or([eb("name", ">", name), eb.and([eb("name", "=", name), eb("id", ">", id)])]));
  }
  const rows = await query.orderBy("name").orderBy("id").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    organisations: page.map((r) => ({ ...toOrganisation(r), memberCount: Number(r.member_count ?? 0) })),
    next: rows.length > limit && last ? { name: last.name, id: last.id } : null,
  };
}

/** Applications waiting for a decision, oldest first. */
export async function listApplications(db: Db) {
  const rows = await db
    .selectFrom("organisation")
    .select(organisationColumns)
    .where("status", "in", ["applied", "under_review"])
    .orderBy("created_at")
    .limit(200)
    .execute();
  return rows.map(toOrganisation);
}

export async function countByStatus(db: Db): Promise<Record<OrganisationStatus, number>> {
  const rows = await db.selectFrom("organisation").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
  const counts = { applied: 0, under_review: 0, approved: 0, suspended: 0, offboarded: 0, rejected: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
