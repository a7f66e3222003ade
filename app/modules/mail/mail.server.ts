import nodemailer, { type Transporter } from "nodemailer";
import type { Db } from "#db/dialect";
import type { OrganisationStatus } from "#db/schema";
import { getT } from "~/modules/i18n/i18n.server";
import type { Language } from "~/modules/i18n/i18n";
import { getEnv } from "~/utils/env.server";
import { newId } from "~/utils/ids";

export type MailTemplate =
  | "verify_email"
  | "reset_password"
  | "account_exists"
  | "invitation"
  | "staff_invitation"
  | `organisation_${OrganisationStatus}`
  | "password_changed"
  | "assessment_submitted"
  | "assessment_approved"
  | "assessment_returned"
  | "hashlist_access_lost"
  | "api_key_expiring"
  | "collab_confirmation_requested"
  | "collab_confirmed"
  | "collab_changes_requested"
  | "collab_commented"
  | "collab_recorded_on_behalf"
  | "report_issued"
  | "report_withdrawn"
  | "assessment_reminder"
  | "plan_items_due"
  | "hashlist_stale";

export interface MailInput {
  to: string;
  language: Language;
  template: MailTemplate;
  /** Values interpolated into the template's texts. */
  params?: Record<string, string>;
  /** The address the mail's button leads to, if any. */
  link?: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Renders a template in the recipient's language into subject, text and HTML. */
export async function renderMail(input: MailInput) {
  const env = getEnv();
  const t = await getT(input.language);
  const params = { brand: env.BRAND_NAME, appUrl: env.APP_URL, ...input.params };
  const key = `mail.${input.template}`;
  const subject = t(`${key}.subject`, params);
  const paragraphs = t(`${key}.body`, params).split("\n\n");
  const action = input.link ? t(`${key}.action`, params) : null;
  const footer = t("mail.footer", params);
  const text = [
    t("mail.greeting", params),
    ...paragraphs,
    ...(input.link ? [`${action}: ${input.link}`] : []),
    `-- \n${footer}`,
  ].join("\n\n");
  const htmlParagraphs = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  const button = input.link
    ? `<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 16px;background:#7a1f5c;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action ?? "")}</a></p>
<p style="font-size:13px;color:#555">${escapeHtml(input.link)}</p>`
    : "";
  const html = `<!doctype html><html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,sans-serif;line-height:1.5;color:#1a1a1a;max-width:600px">
<p>${escapeHtml(t("mail.greeting", params))}</p>
${htmlParagraphs}
${button}
<hr><p style="font-size:13px;color:#555">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject, text, html };
}

/**
 * Puts a mail in the outbox. Call it inside the transaction of the change it reports: the mail is
 * sent only if the change is committed. Delivery happens after, by `deliverPendingMail`.
 */
export async function queueMail(db: Db, input: MailInput): Promise<void> {
  const { subject, text, html } = await renderMail(input);
  const now = Date.now();
  await db
    .insertInto("mail_outbox")
    .values({
      id: newId(),
      to_address: input.to,
      subject: subject.slice(0, 255),
      text_body: text,
      html_body: html,
      template: input.template,
      created_at: now,
      sent_at: null,
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
    })
    .execute();
}

let transport: Transporter | null | undefined;

function getTransport(): Transporter | null {
  if (transport === undefined) {
    const url = getEnv().SMTP_URL;
    transport = url ? nodemailer.createTransport(url) : null;
  }
  return transport;
}

const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000];

/**
 * Sends what is due in the outbox over SMTP. Each mail is claimed with a conditional update first,
 * so several app instances never send the same mail twice. Without SMTP_URL the outbox is the
 * destination (development and tests read it).
 */
export async function deliverPendingMail(db: Db, mailer: Transporter | null = getTransport()): Promise<number> {
  if (!mailer) return 0;
  const now = Date.now();
  const due = await db
    .selectFrom("mail_outbox")
    .select(["id", "attempts"])
    .where("sent_at", "is", null)
    .where("next_attempt_at", "<=", now)
    .where("attempts", "<", RETRY_DELAYS_MS.length + 1)
    .orderBy("next_attempt_at")
    .limit(25)
    .execute();
  let sent = 0;
  for (const { id, attempts } of due) {
    const claim = await db
      .updateTable("mail_outbox")
      .set({ next_attempt_at: now + 10 * 60_000 })
      .where("id", "=", id)
      .where("sent_at", "is", null)
      .where("next_attempt_at", "<=", now)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue;
    const mail = await db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    try {
      await mailer.sendMail({
        from: getEnv().MAIL_FROM,
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        html: mail.html_body,
      });
      await db.updateTable("mail_outbox").set({ sent_at: Date.now(), attempts: attempts + 1, last_error: null }).where("id", "=", id).execute();
      sent++;
    } catch (error) {
      const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length - 1)]!;
      await db
        .updateTable("mail_outbox")
        .set({
          attempts: attempts + 1,
          next_attempt_at: Date.now() + delay,
          last_error: String(error instanceof Error ? error.message : error).slice(0, 1000),
        })
        .where("id", "=", id)
        .execute();
    }
  }
  return sent;
}

export function mailDeliveryEnabled(): boolean {
  return getTransport() !== null;
}

/** The development outbox, newest first. */
export async function listOutbox(db: Db, limit = 50) {
  return db.selectFrom("mail_outbox").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

/**
 * The outbox at a glance (the staff status page): mail waiting to be sent, mail given up on after
 * every retry, and how long the oldest waiting mail has waited.
 */
export async function outboxSummary(db: Db, now = Date.now()): Promise<{ pending: number; failed: number; oldestPendingAt: number | null }> {
  const maxAttempts = RETRY_DELAYS_MS.length + 1;
  const pending = await db
    .selectFrom("mail_outbox")
    .select((eb) => [eb.fn.countAll<number | string>().as("n"), eb.fn.min("created_at").as("oldest")])
    .where("sent_at", "is", null)
    .where("attempts", "<", maxAttempts)
    .executeTakeFirstOrThrow();
  const failed = await db
    .selectFrom("mail_outbox")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("sent_at", "is", null)
    .where("attempts", ">=", maxAttempts)
    .executeTakeFirstOrThrow();
  const oldest = pending.oldest === null || pending.oldest === undefined ? null : Math.min(Number(pending.oldest), now);
  return { pending: Number(pending.n), failed: Number(failed.n), oldestPendingAt: oldest };
}
