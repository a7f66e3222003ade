/**
 * Housekeeping: what has expired is deleted, and what is kept for a while (API access log, job runs,
 * sent mail) is deleted once older than its retention. Deleting twice deletes nothing more, so a run
 * repeated after a crash is harmless.
 */
import type { Db } from "#db/dialect";
import { getEnv } from "~/utils/env.server";
import { DAY } from "./notices.server";

const BATCH = 5000;

/**
 * Expired sessions, used or expired tokens, spent rate-limit windows, sent mail older than
 * MAIL_RETENTION_DAYS, and invitations nobody accepted, expired or revoked INVITATION_RETENTION_DAYS
 * ago (an e-mail address kept for nothing; the audit log keeps that the invitation was sent).
 */
export async function cleanUp(db: Db, now: number, options: { mailRetentionDays?: number; invitationRetentionDays?: number } = {}) {
  const mailDays = options.mailRetentionDays ?? getEnv().MAIL_RETENTION_DAYS;
  const invitationCutoff = now - (options.invitationRetentionDays ?? getEnv().INVITATION_RETENTION_DAYS) * DAY;
  const sessions = await db.deleteFrom("session").where("expires_at", "<=", now).executeTakeFirst();
  const tokens = await db
    .deleteFrom("token")
    .where((eb) => eb.or([eb("used_at", "is not", null), eb("expires_at", "<=", now)]))
    .executeTakeFirst();
  const rateLimits = await db.deleteFrom("rate_limit").where("reset_at", "<", now).executeTakeFirst();
  const mail = await db
    .deleteFrom("mail_outbox")
    .where("sent_at", "is not", null)
    .where("sent_at", "<", now - mailDays * DAY)
    .executeTakeFirst();
  const invitations = await db
    .deleteFrom("invitation")
    .where("accepted_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "<", invitationCutoff), eb("revoked_at", "<", invitationCutoff)]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    tokens: Number(tokens.numDeletedRows),
    rateLimits: Number(rateLimits.numDeletedRows),
    sentMail: Number(mail.numDeletedRows),
    invitations: Number(invitations.numDeletedRows),
  };
}

/**
 * API access log lines older than ACCESS_LOG_RETENTION_DAYS and job runs older than
 * JOB_RUN_RETENTION_DAYS. The access log can hold millions of lines: it is deleted in batches of
 * 5,000 (by its `at` index), each its own statement, so no lock is held for long.
 */
export async function applyRetention(db: Db, now: number, options: { accessLogDays?: number; jobRunDays?: number } = {}) {
  const env = getEnv();
  const accessCutoff = now - (options.accessLogDays ?? env.ACCESS_LOG_RETENTION_DAYS) * DAY;
  let accessLog = 0;
  for (;;) {
    const ids = await db.selectFrom("api_access_log").select("id").where("at", "<", accessCutoff).orderBy("at").limit(BATCH).execute();
    if (!ids.length) break;
    const deleted = await db
      .deleteFrom("api_access_log")
      .where(
        "id",
        "in",
        ids.map((r) => r.id),
      )
      .executeTakeFirst();
    accessLog += Number(deleted.numDeletedRows);
    if (ids.length < BATCH) break;
  }
  const runs = await db
    .deleteFrom("job_run")
    .where("started_at", "<", now - (options.jobRunDays ?? env.JOB_RUN_RETENTION_DAYS) * DAY)
    .where("outcome", "!=", "running")
    .executeTakeFirst();
  return { accessLog, jobRuns: Number(runs.numDeletedRows) };
}
