/**
 * The scheduled jobs with a fixed clock, on a real database (both engines): who is reminded of what,
 * once; what housekeeping deletes; and the scheduler's guard – two instances racing for a due job run
 * it once, and a crashed run's lease expires so that the job runs again.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "#db/dialect";
import type { AssessmentStatus, ImprovementStatus } from "#db/schema";
import { staleOrganisations } from "~/modules/hashlist/staleness.server";
import { notifyStaleOrganisations } from "~/modules/jobs/hashlist-staleness.server";
import { applyRetention, cleanUp } from "~/modules/jobs/housekeeping.server";
import { JOBS } from "~/modules/jobs/jobs.server";
import { JOB_NAMES } from "~/modules/jobs/names";
import { sendAssessmentReminders, sendPlanDueReminders } from "~/modules/jobs/reminders.server";
import { claimJob, listJobRuns, listJobStatus, Scheduler } from "~/modules/jobs/scheduler.server";
import { newId } from "~/utils/ids";
import { engine, sharedTestDatabase, useTestDb } from "../support/db";
import { auditActions, createCompany, outbox } from "../support/factories";
import { companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";

const ctx = useTestDb();
const DAY = 86_400_000;
const quiet = { info: () => undefined, error: () => undefined };

async function setLocale(db: Db, userId: string, locale: "sv" | "en") {
  await db.updateTable("user").set({ locale }).where("id", "=", userId).execute();
}

async function addAssessment(db: Db, organisationId: string, year: number, status: AssessmentStatus) {
  const now = Date.now();
  await db
    .insertInto("assessment")
    .values({
      id: newId(),
      organisation_id: organisationId,
      year,
      status,
      previous_assessment_id: null,
      score: null,
      maturity_level: null,
      section_scores: null,
      row_version: 1,
      started_by: null,
      submitted_at: status === "draft" ? null : now,
      submitted_by: null,
      decided_at: null,
      decided_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

async function addPlanItem(db: Db, organisationId: string, action: string, dueDate: string | null, status: ImprovementStatus = "open", ownerUserId: string | null = null) {
  const id = newId();
  const now = Date.now();
  await db
    .insertInto("improvement_item")
    .values({ id, organisation_id: organisationId, source_assessment_id: null, question_id: null, action, owner_user_id: ownerUserId, due_date: dueDate, status, version: 1, created_at: now, created_by: null, updated_at: now })
    .execute();
  return id;
}

const mailsOf = async (db: Db, template: string) => (await outbox(db)).filter((m) => m.template === template);

describe("annual self-assessment reminders", () => {
  it("go from the reminder date to the compliance officers of approved organisations without this year's assessment, once a year, in their language", async () => {
    const late = await createCompany(ctx.db, { name: "Late AB" });
    const done = await createCompany(ctx.db, { name: "Done AB" });
    const drafting = await createCompany(ctx.db, { name: "Drafting AB" });
    const suspended = await createCompany(ctx.db, { name: "Paused AB", status: "suspended" });
    await addAssessment(ctx.db, late.organisation.id, 2025, "approved");
    await addAssessment(ctx.db, done.organisation.id, 2025, "approved");
    await addAssessment(ctx.db, done.organisation.id, 2026, "submitted");
    await addAssessment(ctx.db, drafting.organisation.id, 2026, "draft");
    await setLocale(ctx.db, late.members.compliance_officer.id, "en");

    // Before 1 October (the default date) nothing is sent.
    expect((await sendAssessmentReminders(ctx.db, Date.UTC(2026, 8, 30, 12))).reminded).toBe(0);
    expect(await outbox(ctx.db)).toHaveLength(0);

    const october = Date.UTC(2026, 9, 2, 6);
    expect(await sendAssessmentReminders(ctx.db, october)).toMatchObject({ organisations: 2, reminded: 2, mails: 2 });
    const mails = await mailsOf(ctx.db, "assessment_reminder");
    expect(mails.map((m) => m.to_address).sort()).toEqual([late.members.compliance_officer.email, drafting.members.compliance_officer.email].sort());
    const english = mails.find((m) => m.to_address === late.members.compliance_officer.email)!;
    expect(english.subject).toBe("Time for the 2026 self-assessment of Late AB");
    expect(english.text_body).toContain("http://portal.test/app/assessments");
    const swedish = mails.find((m) => m.to_address === drafting.members.compliance_officer.email)!;
    expect(swedish.subject).toBe("Dags för självskattningen 2026 för Drafting AB");
    expect(await auditActions(ctx.db, late.organisation.id)).toContain("assessment.reminder_sent");
    expect(await auditActions(ctx.db, suspended.organisation.id)).not.toContain("assessment.reminder_sent");

    // Again the same year: nothing more.
    expect((await sendAssessmentReminders(ctx.db, october + 20 * DAY)).reminded).toBe(0);
    expect(await mailsOf(ctx.db, "assessment_reminder")).toHaveLength(2);

    // Next year: those without a 2027 assessment again.
    await addAssessment(ctx.db, late.organisation.id, 2027, "submitted");
    expect(await sendAssessmentReminders(ctx.db, Date.UTC(2027, 9, 1))).toMatchObject({ reminded: 2 });
    expect((await mailsOf(ctx.db, "assessment_reminder")).map((m) => m.to_address).sort()).toEqual(
      [late.members.compliance_officer.email, drafting.members.compliance_officer.email, drafting.members.compliance_officer.email, done.members.compliance_officer.email].sort(),
    );
  });

  it("follow ASSESSMENT_REMINDER_DATE, and reach the admins of an organisation without a compliance officer", async () => {
    const small = await createCompany(ctx.db, { name: "Small AB" });
    await ctx.db.deleteFrom("membership").where("id", "=", small.members.compliance_officer.membershipId).execute();
    expect((await sendAssessmentReminders(ctx.db, Date.UTC(2026, 5, 1), { date: "06-02" })).reminded).toBe(0);
    expect((await sendAssessmentReminders(ctx.db, Date.UTC(2026, 5, 2), { date: "06-02" })).reminded).toBe(1);
    expect((await mailsOf(ctx.db, "assessment_reminder")).map((m) => m.to_address)).toEqual([small.members.org_admin.email]);
  });
});

describe("improvement-plan due dates", () => {
  it("announce actions due soon and overdue to compliance officers and owners, once per action and threshold", async () => {
    const company = await createCompany(ctx.db, { name: "Plan AB" });
    const other = await createCompany(ctx.db, { name: "Other AB", status: "offboarded" });
    const org = company.organisation.id;
    const now = Date.UTC(2026, 2, 10, 8);
    await addPlanItem(ctx.db, org, "Train the support team", "2026-03-15", "open", company.members.partner_manager.id);
    await addPlanItem(ctx.db, org, "Write the policy", "2026-03-01", "in_progress");
    await addPlanItem(ctx.db, org, "Far away", "2026-06-01");
    await addPlanItem(ctx.db, org, "Already done", "2026-03-01", "done");
    await addPlanItem(ctx.db, org, "No date", null);
    await addPlanItem(ctx.db, other.organisation.id, "Not ours", "2026-03-01");
    await setLocale(ctx.db, company.members.partner_manager.id, "en");

    expect(await sendPlanDueReminders(ctx.db, now, { days: 14 })).toMatchObject({ items: 2, announced: 2, organisations: 1, mails: 2 });
    const mails = await mailsOf(ctx.db, "plan_items_due");
    expect(mails.map((m) => m.to_address).sort()).toEqual([company.members.compliance_officer.email, company.members.partner_manager.email].sort());
    const swedish = mails.find((m) => m.to_address === company.members.compliance_officer.email)!;
    expect(swedish.text_body).toContain("• Train the support team – ska vara klar 2026-03-15");
    expect(swedish.text_body).toContain("• Write the policy – försenad, skulle ha varit klar 2026-03-01");
    expect(swedish.text_body).not.toMatch(/Far away|Already done|No date|Not ours/);
    const english = mails.find((m) => m.to_address === company.members.partner_manager.email)!;
    expect(english.text_body).toContain("• Train the support team – due 2026-03-15");

    // The same day again: nothing new.
    expect((await sendPlanDueReminders(ctx.db, now + 3_600_000, { days: 14 })).announced).toBe(0);
    // A week later the first action is overdue: announced once more, alone.
    expect(await sendPlanDueReminders(ctx.db, now + 7 * DAY, { days: 14 })).toMatchObject({ announced: 1 });
    const later = (await mailsOf(ctx.db, "plan_items_due")).slice(2);
    expect(later).toHaveLength(2);
    for (const m of later) {
      expect(m.text_body).toContain("Train the support team");
      expect(m.text_body).not.toContain("Write the policy");
    }
    expect(await auditActions(ctx.db, org)).toContain("plan.due_reminder_sent");
  });
});

describe("API key expiry warnings (the scheduled job)", () => {
  it("warn about a key once its expiry is within the warning period of the job's clock", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const company = await companyWithAccess(ctx.db, [industry.id]);
    await keyFor(ctx.db, company, { listIds: [industry.id], days: 90, name: "Quarterly" });
    const job = JOBS.find((j) => j.name === "api-key-expiry")!;
    expect(await job.run(ctx.db, Date.now() + 60 * DAY)).toEqual({ warned: 0 });
    expect(await job.run(ctx.db, Date.now() + 80 * DAY)).toEqual({ warned: 1 });
    expect(await job.run(ctx.db, Date.now() + 81 * DAY)).toEqual({ warned: 0 });
    expect((await mailsOf(ctx.db, "api_key_expiring")).map((m) => m.to_address)).toEqual([company.members.engineer.email]);
  });
});

describe("hash-list staleness", () => {
  it("lists organisations with access that stopped synchronising, and mails their engineers once per stale episode", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const syncing = await companyWithAccess(ctx.db, [industry.id], { name: "Syncing AB" });
    const stopped = await companyWithAccess(ctx.db, [industry.id], { name: "Stopped AB" });
    const never = await companyWithAccess(ctx.db, [industry.id], { name: "Never AB" });
    const noAccess = await createCompany(ctx.db, { name: "No access AB" });
    const t0 = Date.now();
    const now = t0 + 30 * DAY;
    const syncingKey = await keyFor(ctx.db, syncing, { listIds: [industry.id] });
    const stoppedKey = await keyFor(ctx.db, stopped, { listIds: [industry.id] });
    const used = (id: string, at: number) => ctx.db.updateTable("api_key").set({ last_used_at: at }).where("id", "=", id).execute();
    await used(syncingKey.id, now - 2 * DAY);
    await used(stoppedKey.id, t0 + 5 * DAY);
    await setLocale(ctx.db, stopped.members.engineer.id, "en");

    const stale = await staleOrganisations(ctx.db, now, 7);
    expect(stale.map((o) => [o.name, o.lastSyncAt, o.activeKeys])).toEqual([
      ["Never AB", null, 0],
      ["Stopped AB", t0 + 5 * DAY, 1],
    ]);
    expect(stale.map((o) => o.organisationId)).not.toContain(noAccess.organisation.id);

    expect(await notifyStaleOrganisations(ctx.db, now, { days: 7 })).toMatchObject({ stale: 2, notified: 2, mails: 2 });
    expect(await notifyStaleOrganisations(ctx.db, now + DAY, { days: 7 })).toMatchObject({ stale: 2, notified: 0 });
    let mails = await mailsOf(ctx.db, "hashlist_stale");
    expect(mails.map((m) => m.to_address).sort()).toEqual([never.members.engineer.email, stopped.members.engineer.email].sort());
    const english = mails.find((m) => m.to_address === stopped.members.engineer.email)!;
    expect(english.subject).toBe("Stopped AB: the hash list has not been synchronised");
    expect(english.text_body).toContain(`last synchronisation: ${new Date(t0 + 5 * DAY).toISOString().slice(0, 10)}`);
    expect(mails.find((m) => m.to_address === never.members.engineer.email)!.text_body).toContain("senaste synkronisering: aldrig");

    // Stopped AB synchronises again: its episode ends; a new silence is a new episode.
    await used(stoppedKey.id, now + 2 * DAY);
    expect((await staleOrganisations(ctx.db, now + 3 * DAY, 7)).map((o) => o.name)).toEqual(["Never AB"]);
    await used(syncingKey.id, now + 9 * DAY);
    expect(await notifyStaleOrganisations(ctx.db, now + 10 * DAY, { days: 7 })).toMatchObject({ stale: 2, notified: 1 });
    mails = await mailsOf(ctx.db, "hashlist_stale");
    expect(mails.filter((m) => m.to_address === stopped.members.engineer.email)).toHaveLength(2);
    expect(mails.filter((m) => m.to_address === never.members.engineer.email)).toHaveLength(1);
    expect(mails.some((m) => [syncing.members.engineer.email, stopped.members.compliance_officer.email].includes(m.to_address))).toBe(false);
    expect(await auditActions(ctx.db, stopped.organisation.id)).toContain("hashlist.stale_notified");
  });
});

describe("housekeeping", () => {
  it("deletes expired sessions, spent tokens and rate-limit windows, sent mail and dead invitations past their retention – nothing else", async () => {
    const now = Date.UTC(2026, 5, 1);
    const { members } = await createCompany(ctx.db);
    const user = members.org_admin.id;
    const session = (id: string, expires: number) => ({ id, user_id: user, expires_at: expires, created_at: now - DAY, two_factor_at: null, active_organisation_id: null, ip: null, user_agent: null });
    await ctx.db.insertInto("session").values([session("a".repeat(64), now - 1), session("b".repeat(64), now + DAY)]).execute();
    const token = (hash: string, expires: number, used: number | null) => ({ id: newId(), user_id: user, purpose: "reset_password" as const, token_hash: hash.repeat(64), created_at: now - DAY, expires_at: expires, used_at: used });
    await ctx.db.insertInto("token").values([token("1", now - 1, null), token("2", now + DAY, now - 5), token("3", now + DAY, null)]).execute();
    await ctx.db.insertInto("rate_limit").values([{ key: "old", count: 3, reset_at: now - 1 }, { key: "new", count: 1, reset_at: now + 60_000 }]).execute();
    const mail = (subject: string, sent: number | null) => ({ id: newId(), to_address: "a@example.test", subject, text_body: "", html_body: "", template: "t", created_at: now - 200 * DAY, sent_at: sent, attempts: 1, next_attempt_at: 0, last_error: null });
    await ctx.db.insertInto("mail_outbox").values([mail("old sent", now - 100 * DAY), mail("recent", now - 10 * DAY), mail("never sent", null)]).execute();
    const organisation_id = (await ctx.db.selectFrom("membership").select("organisation_id").where("user_id", "=", user).executeTakeFirstOrThrow()).organisation_id;
    const invitation = (email: string, expires: number, accepted: number | null, revoked: number | null) => ({
      id: newId(),
      organisation_id,
      email,
      roles: "[]",
      token_hash: crypto.randomBytes(32).toString("hex"),
      invited_by: user,
      created_at: expires - 7 * DAY,
      expires_at: expires,
      accepted_at: accepted,
      revoked_at: revoked,
    });
    await ctx.db
      .insertInto("invitation")
      .values([
        invitation("expired-long-ago@example.test", now - 31 * DAY, null, null),
        invitation("revoked-long-ago@example.test", now + DAY, null, now - 31 * DAY),
        invitation("expired-lately@example.test", now - 29 * DAY, null, null),
        invitation("accepted@example.test", now - 300 * DAY, now - 301 * DAY, null),
        invitation("pending@example.test", now + DAY, null, null),
      ])
      .execute();

    expect(await cleanUp(ctx.db, now, { mailRetentionDays: 90, invitationRetentionDays: 30 })).toEqual({ sessions: 1, tokens: 2, rateLimits: 1, sentMail: 1, invitations: 2 });
    expect((await ctx.db.selectFrom("session").select("id").execute()).map((r) => r.id)).toEqual(["b".repeat(64)]);
    expect((await ctx.db.selectFrom("token").select("token_hash").execute()).map((r) => r.token_hash)).toEqual(["3".repeat(64)]);
    expect((await ctx.db.selectFrom("rate_limit").select("key").execute()).map((r) => r.key)).toEqual(["new"]);
    expect((await ctx.db.selectFrom("mail_outbox").select("subject").orderBy("subject").execute()).map((r) => r.subject)).toEqual(["never sent", "recent"]);
    expect((await ctx.db.selectFrom("invitation").select("email").orderBy("email").execute()).map((r) => r.email)).toEqual(["accepted@example.test", "expired-lately@example.test", "pending@example.test"]);
    expect(await cleanUp(ctx.db, now, { mailRetentionDays: 90, invitationRetentionDays: 30 })).toEqual({ sessions: 0, tokens: 0, rateLimits: 0, sentMail: 0, invitations: 0 });
  });

  it("keeps the API access log and job runs for their retention, in batches", async () => {
    const now = Date.UTC(2026, 5, 1);
    const line = (at: number) => ({ id: newId(), at, key_id: null, organisation_id: null, ip: null, method: "GET", path: "/api/v1/lists", status: 200, code: null, items: null, duration_ms: 1 });
    const old = Array.from({ length: 5200 }, (_, i) => line(now - 400 * DAY + i));
    for (let i = 0; i < old.length; i += 500) await ctx.db.insertInto("api_access_log").values(old.slice(i, i + 500)).execute();
    await ctx.db.insertInto("api_access_log").values([line(now - 364 * DAY), line(now - DAY)]).execute();
    const run = (startedAt: number, outcome: "ok" | "running") => ({ id: newId(), job_name: "cleanup", instance: "test", started_at: startedAt, finished_at: startedAt + 1, outcome, error: null, counts: null });
    await ctx.db.insertInto("job_run").values([run(now - 100 * DAY, "ok"), run(now - 100 * DAY, "running"), run(now - 10 * DAY, "ok")]).execute();

    expect(await applyRetention(ctx.db, now, { accessLogDays: 365, jobRunDays: 90 })).toEqual({ accessLog: 5200, jobRuns: 1 });
    expect((await ctx.db.selectFrom("api_access_log").select("at").orderBy("at").execute()).map((r) => Number(r.at))).toEqual([now - 364 * DAY, now - DAY]);
    expect(await ctx.db.selectFrom("job_run").select("id").execute()).toHaveLength(2);
  });
});

describe("the scheduler", () => {
  it("runs every due job once, records the run with its counts, and runs it again when it is due again", async () => {
    const t0 = Date.UTC(2026, 9, 5);
    let now = t0;
    await createCompany(ctx.db, { name: "Reminded AB" });
    const scheduler = new Scheduler(ctx.db, { clock: () => now, leaseMs: 60_000, intervals: {}, log: quiet, instance: "test-1" });
    const first = await scheduler.runDue();
    expect(first.map((o) => [o.job, o.outcome])).toEqual(JOB_NAMES.map((n) => [n, "ok"]));
    expect(first.find((o) => o.job === "assessment-reminders")!.counts).toMatchObject({ reminded: 1 });
    expect(await scheduler.runDue()).toEqual([]);

    const status = await listJobStatus(ctx.db, now);
    expect(status.map((s) => [s.name, s.lastOutcome, s.nextDueAt, s.runningOn])).toEqual(JOBS.map((j) => [j.name, "ok", t0 + j.defaultIntervalMs, null]));
    expect(status.find((s) => s.name === "assessment-reminders")!.lastCounts).toMatchObject({ reminded: 1, mails: 1 });

    now = t0 + 3_600_000;
    expect((await scheduler.runDue()).map((o) => o.job).sort()).toEqual(["api-key-expiry", "cleanup"]);
    const runs = await listJobRuns(ctx.db, { job: "cleanup" });
    expect(runs.map((r) => [r.outcome, r.instance, r.startedAt])).toEqual([
      ["ok", "test-1", t0 + 3_600_000],
      ["ok", "test-1", t0],
    ]);
    expect(await mailsOf(ctx.db, "assessment_reminder")).toHaveLength(1);
  });

  it("records a failed run with its error and tries again later; a forced run does not wait for the due time", async () => {
    let now = Date.UTC(2026, 0, 1);
    let fail = true;
    const jobs = [{ name: "cleanup" as const, description: "test", defaultIntervalMs: 3_600_000, run: async () => (fail ? Promise.reject(new Error("disk on fire")) : { done: 1 }) }];
    const scheduler = new Scheduler(ctx.db, { jobs, clock: () => now, leaseMs: 60_000, intervals: {}, log: quiet });
    expect((await scheduler.runDue()).map((o) => [o.outcome, o.error])).toEqual([["failed", "disk on fire"]]);
    const [row] = await ctx.db.selectFrom("job").selectAll().execute();
    expect([row!.last_outcome, row!.last_error, Number(row!.next_due_at) - now, row!.locked_until]).toEqual(["failed", "disk on fire", 15 * 60_000, null]);
    fail = false;
    expect(await scheduler.runDue()).toEqual([]);
    expect((await scheduler.runJob("cleanup"))!.counts).toEqual({ done: 1 });
    now += 15 * 60_000;
    expect(await scheduler.runDue()).toEqual([]); // the forced run moved the due time on
  });

  it("runs a due job once when two instances on two connections race for it", async () => {
    const shared = await sharedTestDatabase();
    const a = shared.open();
    const b = shared.open();
    try {
      const t0 = Date.UTC(2026, 9, 5);
      const company = await createCompany(shared.db, { name: "Raced AB" });
      const reminders = JOBS.filter((j) => j.name === "assessment-reminders");
      for (let round = 0; round < 3; round++) {
        const now = t0 + round * 366 * DAY;
        const one = new Scheduler(a, { jobs: reminders, clock: () => now, leaseMs: 60_000, intervals: {}, log: quiet, instance: "a" });
        const two = new Scheduler(b, { jobs: reminders, clock: () => now, leaseMs: 60_000, intervals: {}, log: quiet, instance: "b" });
        const [ranA, ranB] = await Promise.all([one.runDue(), two.runDue()]);
        expect(ranA.length + ranB.length).toBe(1);
      }
      const runs = await shared.db.selectFrom("job_run").select(["outcome"]).execute();
      expect(runs.map((r) => r.outcome)).toEqual(["ok", "ok", "ok"]);
      expect((await mailsOf(shared.db, "assessment_reminder")).map((m) => m.to_address)).toEqual(Array(3).fill(company.members.compliance_officer.email));

      // And the notice alone holds when two instances send the same reminders at the same moment (on
      // MariaDB; SQLite has one writer at a time, and two connections in one process would wait on
      // each other's lock with the event loop blocked).
      if (engine === "mysql") {
        await createCompany(shared.db, { name: "Both AB" });
        const now = t0 + 3 * 366 * DAY;
        const [x, y] = await Promise.all([sendAssessmentReminders(a, now), sendAssessmentReminders(b, now)]);
        expect(x.reminded + y.reminded).toBe(2);
        expect(await mailsOf(shared.db, "assessment_reminder")).toHaveLength(5);
      }
    } finally {
      await a.destroy();
      await b.destroy();
      await shared.cleanup();
    }
  });

  it("runs a job again once the lease of a crashed run has expired, and marks that run abandoned", async () => {
    const t0 = Date.UTC(2026, 9, 5);
    await createCompany(ctx.db, { name: "Crash AB" });
    const reminders = JOBS.filter((j) => j.name === "assessment-reminders");
    const at = (now: number) => new Scheduler(ctx.db, { jobs: reminders, clock: () => now, leaseMs: 10 * 60_000, intervals: {}, log: quiet, instance: "survivor" });
    await at(Date.UTC(2026, 8, 1)).runJob("assessment-reminders"); // creates the row; nothing to send before October
    await ctx.db.updateTable("job").set({ next_due_at: t0 }).execute();

    // An instance claims the job and dies before finishing.
    expect(await claimJob(ctx.db, "assessment-reminders", { instance: "crashed", now: t0, leaseMs: 10 * 60_000 })).toBeTruthy();
    expect(await at(t0 + 60_000).runDue()).toEqual([]);
    expect(await at(t0 + 60_000).runJob("assessment-reminders")).toBeNull();
    expect((await listJobStatus(ctx.db, t0 + 60_000)).find((s) => s.name === "assessment-reminders")!.runningOn).toBe("crashed");

    const after = await at(t0 + 10 * 60_000 + 1).runDue();
    expect(after.map((o) => [o.job, o.outcome, o.counts.reminded])).toEqual([["assessment-reminders", "ok", 1]]);
    const runs = await listJobRuns(ctx.db, { job: "assessment-reminders" });
    expect(runs.map((r) => [r.instance, r.outcome])).toEqual([
      ["survivor", "ok"],
      ["crashed", "abandoned"],
      ["survivor", "ok"],
    ]);
    expect(await mailsOf(ctx.db, "assessment_reminder")).toHaveLength(1);
  });
});
