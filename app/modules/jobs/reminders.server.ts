/**
 * Reminders for compliance officers: the year's self-assessment, and improvement-plan actions that are
 * due soon or overdue. Each is sent once (a `notice` row per organisation and year, per item and
 * threshold), in the recipient's language, through the outbox.
 */
import type { Db } from "#db/dialect";
import { recordAudit, systemActor } from "~/modules/audit/audit.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getT } from "~/modules/i18n/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { claimNotice, DAY, isoDay, recipientsWithRole } from "./notices.server";

const jobsActor = systemActor("jobs");

/** The instant the year's reminders start: ASSESSMENT_REMINDER_DATE (MM-DD, UTC) of the year of `now`. */
export function reminderStart(now: number, date: string): number {
  const year = new Date(now).getUTCFullYear();
  const [month, day] = date.split("-").map(Number);
  return Date.UTC(year, month! - 1, day!);
}

/**
 * From ASSESSMENT_REMINDER_DATE to the end of the year (UTC), reminds the compliance officers of every
 * approved organisation that has not submitted (or had approved) a self-assessment for this year —
 * whose last one is for an earlier year, or that has none — once per organisation and year.
 */
export async function sendAssessmentReminders(db: Db, now: number, options: { date?: string } = {}) {
  const date = options.date ?? getEnv().ASSESSMENT_REMINDER_DATE;
  const counts = { organisations: 0, reminded: 0, mails: 0, noRecipients: 0 };
  if (now < reminderStart(now, date)) return counts;
  const year = new Date(now).getUTCFullYear();
  const due = await db
    .selectFrom("organisation as o")
    .select(["o.id", "o.name"])
    .where("o.status", "=", "approved")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("assessment as a")
            .select("a.id")
            .whereRef("a.organisation_id", "=", "o.id")
            .where("a.year", ">=", year)
            .where("a.status", "in", ["submitted", "approved"]),
        ),
      ),
    )
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("notice as n").select("n.kind").where("n.kind", "=", "assessment_reminder").where("n.period", "=", String(year)).whereRef("n.subject_id", "=", "o.id"))),
    )
    .orderBy("o.id")
    .execute();
  counts.organisations = due.length;
  for (const org of due) {
    await db.transaction().execute(async (trx) => {
      const people = await recipientsWithRole(trx, org.id, ["compliance_officer"]);
      if (!people.length) {
        counts.noRecipients++;
        return;
      }
      const claimed = await claimNotice(trx, { kind: "assessment_reminder", subjectId: org.id, period: String(year), organisationId: org.id, recipients: people.length, now });
      if (!claimed) return;
      for (const p of people) {
        await queueMail(trx, {
          to: p.email,
          language: toLanguage(p.locale),
          template: "assessment_reminder",
          params: { name: p.name, organisation: org.name, year: String(year) },
          link: `${getEnv().APP_URL}/app/assessments`,
        });
      }
      await recordAudit(trx, jobsActor, { action: "assessment.reminder_sent", organisationId: org.id, targetType: "organisation", targetId: org.id, details: { year, recipients: people.length } });
      counts.reminded++;
      counts.mails += people.length;
    });
  }
  return counts;
}

/**
 * Improvement-plan actions (open or in progress) of approved organisations due within `days`
 * (PLAN_DUE_SOON_DAYS) or overdue: one mail per organisation and run to its compliance officers and
 * the actions' owners, listing the actions not yet announced at that threshold. Each action is
 * announced once as due soon and once as overdue (again if its due date changes).
 */
export async function sendPlanDueReminders(db: Db, now: number, options: { days?: number } = {}) {
  const days = options.days ?? getEnv().PLAN_DUE_SOON_DAYS;
  const today = isoDay(now);
  const limit = isoDay(now + days * DAY);
  const counts = { items: 0, announced: 0, organisations: 0, mails: 0, noRecipients: 0 };
  const rows = await db
    .selectFrom("improvement_item as i")
    .innerJoin("organisation as o", "o.id", "i.organisation_id")
    .select(["i.id", "i.organisation_id", "i.action", "i.due_date", "i.owner_user_id", "o.name as organisation"])
    .where("o.status", "=", "approved")
    .where("i.status", "in", ["open", "in_progress"])
    .where("i.due_date", "is not", null)
    .where("i.due_date", "<=", limit)
    .orderBy("i.organisation_id")
    .orderBy("i.due_date")
    .orderBy("i.id")
    .execute();
  const items = rows.map((r) => ({ ...r, due_date: r.due_date!, threshold: r.due_date! < today ? "overdue" : "due_soon" }));
  counts.items = items.length;
  const byOrganisation = new Map<string, typeof items>();
  for (const item of items) byOrganisation.set(item.organisation_id, [...(byOrganisation.get(item.organisation_id) ?? []), item]);

  for (const [organisationId, orgItems] of byOrganisation) {
    await db.transaction().execute(async (trx) => {
      const owners = [...new Set(orgItems.map((i) => i.owner_user_id).filter((id): id is string => !!id))];
      const people = await recipientsWithRole(trx, organisationId, ["compliance_officer"], owners);
      if (!people.length) {
        counts.noRecipients++;
        return;
      }
      const announced: typeof items = [];
      for (const item of orgItems) {
        const period = `${item.threshold}:${item.due_date}`;
        if (await claimNotice(trx, { kind: "plan_item_due", subjectId: item.id, period, organisationId, recipients: people.length, now })) announced.push(item);
      }
      if (!announced.length) return;
      const organisation = orgItems[0]!.organisation;
      for (const p of people) {
        const language = toLanguage(p.locale);
        const t = await getT(language);
        const lines = announced.map((i) => `• ${t(i.threshold === "overdue" ? "mail.plan_items_due.overdueItem" : "mail.plan_items_due.dueItem", { action: short(i.action), date: i.due_date })}`);
        await queueMail(trx, {
          to: p.email,
          language,
          template: "plan_items_due",
          params: { name: p.name, organisation, days: String(days), items: lines.join("\n\n") },
          link: `${getEnv().APP_URL}/app/plan`,
        });
      }
      await recordAudit(trx, jobsActor, {
        action: "plan.due_reminder_sent",
        organisationId,
        targetType: "organisation",
        targetId: organisationId,
        details: { items: announced.map((i) => ({ id: i.id, due: i.due_date, threshold: i.threshold })), recipients: people.length },
      });
      counts.announced += announced.length;
      counts.organisations++;
      counts.mails += people.length;
    });
  }
  return counts;
}

const short = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}…` : text).replace(/\s+/g, " ");
