import type { Db } from "#db/dialect";
import type { Role } from "#db/schema";
import { insertIfAbsent } from "#db/upsert";

export const DAY = 86_400_000;

/** The calendar day (YYYY-MM-DD, UTC) of an instant. */
export const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);

export interface Recipient {
  email: string;
  name: string;
  locale: string;
}

/**
 * The active members of an organisation with any of the roles, each address once. When nobody has
 * them, the organisation's admins (someone must hear about it); an empty list when there are none.
 */
export async function recipientsWithRole(db: Db, organisationId: string, roles: Role[], extraUserIds: string[] = []): Promise<Recipient[]> {
  const find = (wanted: Role[]) =>
    db
      .selectFrom("membership")
      .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
      .innerJoin("user", "user.id", "membership.user_id")
      .select(["user.email", "user.name", "user.locale"])
      .where("membership.organisation_id", "=", organisationId)
      .where("membership_role.role", "in", wanted)
      .where("user.disabled_at", "is", null)
      .orderBy("user.email")
      .execute();
  let people = await find(roles);
  if (!people.length && !roles.includes("org_admin")) people = await find(["org_admin"]);
  if (extraUserIds.length) {
    // Extra people (a plan item's owner) only while they are members of the organisation.
    people = people.concat(
      await db
        .selectFrom("membership")
        .innerJoin("user", "user.id", "membership.user_id")
        .select(["user.email", "user.name", "user.locale"])
        .where("membership.organisation_id", "=", organisationId)
        .where("user.id", "in", extraUserIds)
        .where("user.disabled_at", "is", null)
        .execute(),
    );
  }
  const seen = new Set<string>();
  return people.filter((p) => !seen.has(p.email) && !!seen.add(p.email));
}

/**
 * Records that a notice of `kind` about `subjectId` for `period` is being sent; false when it already
 * was (or is being sent by a transaction that holds it). Call it in the transaction that queues the
 * mail: the notice's primary key is what makes "once" hold across instances.
 */
export async function claimNotice(
  trx: Db,
  notice: { kind: string; subjectId: string; period: string; organisationId: string | null; recipients: number; now: number },
): Promise<boolean> {
  return insertIfAbsent(trx, "notice", {
    kind: notice.kind,
    subject_id: notice.subjectId,
    period: notice.period,
    organisation_id: notice.organisationId,
    recipients: notice.recipients,
    created_at: notice.now,
  });
}
