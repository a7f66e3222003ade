/**
 * The staff status page over real HTTP, on the suite's engine: versions, database and migration
 * level, hash lists with their latest import, the mail outbox, and the scheduled jobs' last runs,
 * in both languages. (Who may see it: the authorization matrix; axe: the e2e staff journey.)
 */
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "#db/migrations/index";
import { systemActor } from "~/modules/audit/audit.server";
import { importHashFile } from "~/modules/hashlist/import.server";
import { Scheduler } from "~/modules/jobs/scheduler.server";
import { outboxSummary } from "~/modules/mail/mail.server";
import { getSystemStatus } from "~/modules/ops/status.server";
import pkg from "../../package.json";
import { engine, useTestDb } from "../support/db";
import { createUser, sessionCookie } from "../support/factories";
import { setUpHashLists } from "../support/hashlist";
import { followDb } from "../support/personas";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

const HOUR = 3_600_000;

async function seed() {
  const { industry } = await setUpHashLists(ctx.db);
  const file = Readable.from(["algorithm,value\n", ...Array.from({ length: 3 }, (_, i) => `md5,${String(i).padStart(32, "0")}\n`)]);
  await importHashFile(ctx.db, systemActor("status test"), industry.id, file, { fileName: "status.csv", format: "csv" });
  const now = Date.now();
  const mail = (id: string, created: number, attempts: number, sent: number | null) => ({
    id,
    to_address: "someone@example.test",
    subject: "s",
    text_body: "t",
    html_body: "h",
    template: "verify_email",
    created_at: created,
    sent_at: sent,
    attempts,
    next_attempt_at: created,
    last_error: null,
  });
  await ctx.db
    .insertInto("mail_outbox")
    .values([mail("m-pending-old", now - 3 * HOUR, 2, null), mail("m-pending-new", now - 60_000, 0, null), mail("m-failed", now - 48 * HOUR, 6, null), mail("m-sent", now - 5 * HOUR, 1, now - 5 * HOUR)])
    .execute();
  return { industry, now };
}

describe("staff status page", () => {
  it("gathers versions, migration level, hash lists and the outbox", async () => {
    const { industry, now } = await seed();
    const status = await getSystemStatus(ctx.db);
    expect(status.appVersion).toBe(pkg.version);
    expect(status.nodeVersion).toBe(process.version);
    expect(status.database.engine).toBe(engine);
    expect(status.database.version).toMatch(engine === "sqlite" ? /^SQLite 3\./ : /^(MariaDB|MySQL) \d+\./);
    expect(status.migrations).toEqual({ current: true, level: Object.keys(migrations).at(-1), behind: [], unknown: [] });
    const list = status.hashLists.find((l) => l.slug === "industry")!;
    expect(list).toMatchObject({ id: industry.id, entries: 3, lastImport: { status: "done" } });
    expect(status.hashLists.find((l) => l.slug === "test")!.lastImport).toBeNull();
    expect(await outboxSummary(ctx.db, now)).toEqual({ pending: 2, failed: 1, oldestPendingAt: now - 3 * HOUR });
  });

  it("shows it to staff, in Swedish and in English, and works without JavaScript (plain HTML)", async () => {
    await seed();
    await new Scheduler(ctx.db, { log: { info: () => undefined, error: () => undefined }, leaseMs: 60_000, intervals: {} }).runDue();
    const staff = await createUser(ctx.db, { staffRole: "staff" });
    const cookie = await sessionCookie(ctx.db, staff.id);
    const sv = await server.fetch("/staff/status", { cookie });
    expect(sv.status).toBe(200);
    const html = await sv.text();
    expect(html).toContain("<h1>Driftstatus</h1>");
    expect(html).toContain(pkg.version);
    expect(html).toContain(process.version);
    expect(html).toContain(Object.keys(migrations).at(-1));
    expect(html).toContain("Schemalagda jobb");
    // Every job, with the outcome of its last run.
    for (const name of ["assessment-reminders", "cleanup", "retention", "hashlist-staleness"]) expect(html).toContain(`<span class="mono">${name}</span>`);
    expect(html).toContain("Lyckades");
    expect(html).toMatch(/<td class="mono">industry<\/td><td>3<\/td>/);
    // The navigation links to it.
    expect(html).toMatch(/href="\/staff\/status"[^>]*>Driftstatus</);
    const en = await server.fetch("/staff/status", { cookie, headers: { "Accept-Language": "en" } });
    const english = await en.text();
    expect(english).toContain("<h1>System status</h1>");
    expect(english).toContain("Succeeded");
  });
});
