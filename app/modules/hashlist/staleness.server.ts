/**
 * Organisations with active hash-list access that have stopped synchronising: their copy of the list
 * is getting old. "Synchronised" is the last successful API request of any of the organisation's keys
 * (`api_key.last_used_at`, written by the usage flush in api-keys/usage.server.ts).
 */
import type { Db } from "#db/dialect";
import { getCurrentAgreement } from "~/modules/agreements/agreements.server";
import { getEnv } from "~/utils/env.server";

const DAY = 86_400_000;

export interface StaleOrganisation {
  organisationId: string;
  name: string;
  /** The last successful API request of any of its keys; null when it never synchronised. */
  lastSyncAt: number | null;
  /** When its access became active (approved, agreement in force accepted, a list granted). */
  activeSince: number;
  /** Keys that would work now (not revoked, not expired). */
  activeKeys: number;
  /** The later of the last sync and the start of access: the stale episode is counted from here. */
  since: number;
}

/**
 * Every organisation whose access is active (approved, the data-use agreement in force accepted, at
 * least one list granted) and that has not synchronised for `days` (HASHLIST_STALE_DAYS): the later
 * of its last sync and the start of its access lies more than `days` before `now` (access granted
 * again gives it `days` to catch up). Oldest first.
 */
export async function staleOrganisations(db: Db, now: number, days = getEnv().HASHLIST_STALE_DAYS): Promise<StaleOrganisation[]> {
  const agreement = await getCurrentAgreement(db, "data_use");
  if (!agreement) return [];
  const rows = await db
    .selectFrom("organisation as o")
    .select((eb) => [
      "o.id",
      "o.name",
      "o.status_changed_at",
      eb.selectFrom("api_key as k").select((k) => k.fn.max("k.last_used_at").as("v")).whereRef("k.organisation_id", "=", "o.id").as("last_sync"),
      eb.selectFrom("hashlist_grant as g").select((g) => g.fn.min("g.granted_at").as("v")).whereRef("g.organisation_id", "=", "o.id").as("first_grant"),
      eb
        .selectFrom("agreement_acceptance as a")
        .select((a) => a.fn.min("a.accepted_at").as("v"))
        .whereRef("a.organisation_id", "=", "o.id")
        .where("a.agreement_version_id", "=", agreement.id)
        .as("accepted_at"),
      eb
        .selectFrom("api_key as k")
        .select((k) => k.fn.countAll().as("v"))
        .whereRef("k.organisation_id", "=", "o.id")
        .where("k.revoked_at", "is", null)
        .where("k.expires_at", ">", now)
        .as("active_keys"),
    ])
    .where("o.status", "=", "approved")
    .where((eb) => eb.exists(eb.selectFrom("hashlist_grant as g").select("g.list_id").whereRef("g.organisation_id", "=", "o.id")))
    .where((eb) =>
      eb.exists(eb.selectFrom("agreement_acceptance as a").select("a.id").whereRef("a.organisation_id", "=", "o.id").where("a.agreement_version_id", "=", agreement.id)),
    )
    .execute();
  const cutoff = now - days * DAY;
  return rows
    .map((r) => {
      const lastSyncAt = r.last_sync === null ? null : Number(r.last_sync);
      const activeSince = Math.max(Number(r.status_changed_at), Number(r.first_grant ?? 0), Number(r.accepted_at ?? 0));
      return { organisationId: r.id, name: r.name, lastSyncAt, activeSince, activeKeys: Number(r.active_keys ?? 0), since: Math.max(lastSyncAt ?? 0, activeSince) };
    })
    .filter((o) => o.since < cutoff)
    .sort((a, b) => a.since - b.since || a.name.localeCompare(b.name));
}
