import type { Db } from "#db/dialect";
import { publishMissingAgreements } from "~/modules/agreements/agreements.server";
import { systemActor } from "~/modules/audit/audit.server";
import { notifyAccessLost, organisationsRelyingOn } from "./access.server";
import { ensureTestList } from "./lists.server";

/**
 * At start-up: publish agreement versions new in `db/agreements/` (organisations whose access rested on
 * the previous version lose it until an admin accepts the new one, and are told), and make sure the
 * test list exists.
 */
export async function publishAgreementsAndLists(db: Db): Promise<string[]> {
  const actor = systemActor("startup");
  const published = await publishMissingAgreements(db, actor, {
    onPublished: async (trx, version, previous) => {
      if (!previous || version.kind !== "data_use") return;
      for (const organisationId of await organisationsRelyingOn(trx, previous.id)) await notifyAccessLost(trx, organisationId, "agreement_changed");
    },
  });
  await ensureTestList(db, actor);
  return published;
}
