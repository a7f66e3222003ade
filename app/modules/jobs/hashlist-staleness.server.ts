import type { Db } from "#db/dialect";
import { recordAudit, systemActor } from "~/modules/audit/audit.server";
import { staleOrganisations } from "~/modules/hashlist/staleness.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getT } from "~/modules/i18n/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { claimNotice, isoDay, recipientsWithRole } from "./notices.server";

/**
 * E-mails the engineers of each organisation that has stopped synchronising the hash list
 * (staleOrganisations), once per stale episode: the episode is named by the instant it is counted
 * from, so a sync ends it and the next silence is a new one.
 */
export async function notifyStaleOrganisations(db: Db, now: number, options: { days?: number } = {}) {
  const days = options.days ?? getEnv().HASHLIST_STALE_DAYS;
  const stale = await staleOrganisations(db, now, days);
  const counts = { stale: stale.length, notified: 0, mails: 0, noRecipients: 0 };
  for (const org of stale) {
    await db.transaction().execute(async (trx) => {
      const people = await recipientsWithRole(trx, org.organisationId, ["engineer"]);
      if (!people.length) {
        counts.noRecipients++;
        return;
      }
      const claimed = await claimNotice(trx, { kind: "hashlist_stale", subjectId: org.organisationId, period: String(org.since), organisationId: org.organisationId, recipients: people.length, now });
      if (!claimed) return;
      for (const p of people) {
        const language = toLanguage(p.locale);
        const t = await getT(language);
        await queueMail(trx, {
          to: p.email,
          language,
          template: "hashlist_stale",
          params: {
            name: p.name,
            organisation: org.name,
            days: String(days),
            lastSync: org.lastSyncAt === null ? t("mail.hashlist_stale.never") : isoDay(org.lastSyncAt),
          },
          link: `${getEnv().APP_URL}/app/hashlist`,
        });
      }
      await recordAudit(trx, systemActor("jobs"), {
        action: "hashlist.stale_notified",
        organisationId: org.organisationId,
        targetType: "organisation",
        targetId: org.organisationId,
        details: { lastSyncAt: org.lastSyncAt, since: org.since, days, recipients: people.length },
      });
      counts.notified++;
      counts.mails += people.length;
    });
  }
  return counts;
}
