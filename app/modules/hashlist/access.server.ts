import type { Db } from "#db/dialect";
import type { OrganisationStatus } from "#db/schema";
import { getCurrentAgreement, listAcceptances, type AgreementVersion } from "~/modules/agreements/agreements.server";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getT } from "~/modules/i18n/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { listHashLists, type HashList } from "./lists.server";

/**
 * Hash-list access is gated by compliance: the organisation is approved, an admin has accepted the
 * data-use agreement in force, and staff have granted it lists. Every API request checks all three
 * (api-keys/verify.server.ts), so losing any of them stops every key of the organisation at once.
 */
export interface HashlistAccess {
  organisationId: string;
  status: OrganisationStatus;
  approved: boolean;
  agreement: AgreementVersion | null;
  /** The acceptance of the agreement in force, if any. */
  accepted: { at: number; byName: string } | null;
  /** The newest earlier version accepted, when the one in force is not (it must be accepted again). */
  acceptedEarlier: { version: string; at: number } | null;
  granted: HashList[];
  /** What the organisation's keys may use while access is active: the granted lists and the test list. */
  usable: HashList[];
  active: boolean;
  /** What the grants form carries back as `baseVersion` (optimistic concurrency). */
  grantsVersion: number;
}

export async function getHashlistAccess(db: Db, organisationId: string): Promise<HashlistAccess> {
  const org = await db.selectFrom("organisation").select(["status", "grants_version"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new AppError("not_found", 404);
  const [agreement, acceptances, grants, lists] = await Promise.all([
    getCurrentAgreement(db, "data_use"),
    listAcceptances(db, organisationId, "data_use"),
    db.selectFrom("hashlist_grant").select("list_id").where("organisation_id", "=", organisationId).execute(),
    listHashLists(db),
  ]);
  const current = agreement ? acceptances.find((a) => a.versionId === agreement.id) : undefined;
  const earlier = current ? undefined : acceptances[0];
  const grantedIds = new Set(grants.map((g) => Number(g.list_id)));
  const granted = lists.filter((l) => grantedIds.has(l.id));
  const approved = org.status === "approved";
  const active = approved && !!current && granted.length > 0;
  return {
    organisationId,
    status: org.status,
    approved,
    agreement,
    accepted: current ? { at: current.acceptedAt, byName: current.acceptedByName } : null,
    acceptedEarlier: earlier ? { version: earlier.version, at: earlier.acceptedAt } : null,
    granted,
    usable: active ? lists.filter((l) => l.isTest || grantedIds.has(l.id)) : [],
    active,
    grantsVersion: Number(org.grants_version),
  };
}

/**
 * Staff set exactly which lists an organisation may use (none = no access). The form passes
 * `baseVersion`, the grants version it was loaded with: when someone changed the grants since, nothing
 * is written and it is a conflict. Without it (seed data, scripts) the change applies to whatever is
 * granted now. Either way the version is bumped first, which also queues concurrent changes.
 */
export async function setHashlistGrants(db: Db, actor: Actor, organisationId: string, listIds: number[], baseVersion?: number) {
  await db.transaction().execute(async (trx) => {
    let claim = trx.updateTable("organisation").set((eb) => ({ grants_version: eb("grants_version", "+", 1) })).where("id", "=", organisationId);
    if (baseVersion !== undefined) claim = claim.where("grants_version", "=", baseVersion);
    const claimed = await claim.executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      const exists = await trx.selectFrom("organisation").select("id").where("id", "=", organisationId).executeTakeFirst();
      throw exists ? new AppError("conflict", 409) : new AppError("not_found", 404);
    }
    const before = await getHashlistAccess(trx, organisationId);
    const lists = await listHashLists(trx);
    const wanted = [...new Set(listIds)];
    for (const id of wanted) {
      const list = lists.find((l) => l.id === id);
      if (!list || list.isTest) throw new AppError("invalid_choice", 400, { fieldErrors: { lists: "invalid_choice" } });
    }
    if (wanted.length && !before.approved) throw new AppError("organisation_not_approved", 409);
    const had = new Set(before.granted.map((l) => l.id));
    const added = wanted.filter((id) => !had.has(id));
    const removed = [...had].filter((id) => !wanted.includes(id));
    if (!added.length && !removed.length) return;
    const now = Date.now();
    if (removed.length) await trx.deleteFrom("hashlist_grant").where("organisation_id", "=", organisationId).where("list_id", "in", removed).execute();
    if (added.length) {
      await trx
        .insertInto("hashlist_grant")
        .values(added.map((list_id) => ({ organisation_id: organisationId, list_id, granted_at: now, granted_by: actor.userId })))
        .execute();
    }
    const slug = (id: number) => lists.find((l) => l.id === id)!.slug;
    await recordAudit(trx, actor, {
      action: "hashlist.grants_changed",
      organisationId,
      targetType: "organisation",
      targetId: organisationId,
      details: { added: added.map(slug), removed: removed.map(slug) },
    });
    if (before.active && wanted.length === 0) await notifyAccessLost(trx, organisationId, "grants_revoked");
  });
}

export type AccessLostReason = "grants_revoked" | "organisation_status" | "agreement_changed";

/**
 * Tells the organisation's engineers (and its admins, who can act on it) that its keys have stopped
 * working and why. Call it in the transaction of the change.
 */
export async function notifyAccessLost(trx: Db, organisationId: string, reason: AccessLostReason) {
  // An organisation that never had lists granted has nothing to lose.
  if (reason !== "grants_revoked") {
    const granted = await trx.selectFrom("hashlist_grant").select("list_id").where("organisation_id", "=", organisationId).executeTakeFirst();
    if (!granted) return;
  }
  const hasKeys = await trx.selectFrom("api_key").select("id").where("organisation_id", "=", organisationId).where("revoked_at", "is", null).executeTakeFirst();
  const org = await trx.selectFrom("organisation").select(["name"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) return;
  const people = await trx
    .selectFrom("membership")
    .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
    .innerJoin("user", "user.id", "membership.user_id")
    .select(["user.email", "user.name", "user.locale", "membership_role.role"])
    .where("membership.organisation_id", "=", organisationId)
    .where("membership_role.role", "in", hasKeys ? ["engineer", "org_admin"] : ["org_admin"])
    .where("user.disabled_at", "is", null)
    .execute();
  const seen = new Set<string>();
  for (const p of people) {
    if (seen.has(p.email)) continue;
    seen.add(p.email);
    const language = toLanguage(p.locale);
    const t = await getT(language);
    await queueMail(trx, {
      to: p.email,
      language,
      template: "hashlist_access_lost",
      params: { name: p.name, organisation: org.name, reason: t(`hashlist.lostReason.${reason}`) },
      link: `${getEnv().APP_URL}/app/hashlist`,
    });
  }
}

/** Organisations whose access the agreement version `previous` carried (approved, granted, accepted). */
export async function organisationsRelyingOn(trx: Db, previousVersionId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("agreement_acceptance as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select("o.id")
    .where("a.agreement_version_id", "=", previousVersionId)
    .where("o.status", "=", "approved")
    .where((eb) => eb.exists(eb.selectFrom("hashlist_grant as g").select("g.list_id").whereRef("g.organisation_id", "=", "o.id")))
    .execute();
  return rows.map((r) => r.id);
}
