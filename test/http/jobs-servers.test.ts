/**
 * Two real server processes (build/server.js) on one MariaDB database, each with its scheduler ticking
 * every second: when the jobs fall due, each runs once, on one of the two. SQLite is skipped: it is the
 * single-instance engine (one file, one writer), and two processes on one file prove nothing the
 * scheduler's service tests do not.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { publishMissingFrameworks } from "~/modules/frameworks/frameworks.server";
import { publishAgreementsAndLists } from "~/modules/hashlist/startup.server";
import { JOB_NAMES } from "~/modules/jobs/names";
import { ensureJobRows } from "~/modules/jobs/scheduler.server";
import { engine, sharedTestDatabase, useTestDb } from "../support/db";
import { createCompany, outbox } from "../support/factories";

useTestDb();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, attempts = 300) {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`Gave up waiting: ${what}`);
}

async function startServer(databaseUrl: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["build/server.js"], {
    env: {
      PATH: process.env.PATH!,
      NODE_ENV: "production",
      APP_URL: "https://portal.example",
      APP_SECRET: "a-production-secret-that-is-long-enough-0123456789",
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: String(port),
      JOBS_ENABLED: "1",
      JOBS_TICK_SECONDS: "1",
      ASSESSMENT_REMINDER_DATE: "01-01",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await until("the server answers /healthz", () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false));
  return child;
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe.skipIf(engine === "sqlite")("two server processes on one MariaDB database", () => {
  it("run each due job once, each run on one of them", { timeout: 120_000 }, async () => {
    const shared = await sharedTestDatabase();
    const { db } = shared;
    // What the servers publish at start-up, published already: they start with nothing to do but serve.
    await publishMissingFrameworks(db, systemActor("test"));
    await publishAgreementsAndLists(db);
    const company = await createCompany(db, { name: "Twice AB" });
    // Not due until both servers are up, so that both tick when they fall due.
    await ensureJobRows(db, Date.now() + 86_400_000);
    const servers = await Promise.all([startServer(shared.url), startServer(shared.url)]);
    try {
      const dueAt = Date.now();
      await db.updateTable("job").set({ next_due_at: dueAt }).execute();
      await until("every job has run", async () => {
        const rows = await db.selectFrom("job").select(["last_finished_at"]).execute();
        return rows.length === JOB_NAMES.length && rows.every((r) => r.last_finished_at !== null && Number(r.last_finished_at) >= dueAt);
      });
      // Both schedulers tick a few more times; none of them may run a job again.
      await sleep(3500);
      const runs = await db.selectFrom("job_run").selectAll().orderBy("job_name").execute();
      expect(runs.map((r) => [r.job_name, r.outcome])).toEqual([...JOB_NAMES].sort().map((name) => [name, "ok"]));
      const pids = servers.map((s) => String(s.pid));
      for (const run of runs) expect(pids).toContain(run.instance.split(":")[1]);
      const reminders = (await outbox(db)).filter((m) => m.template === "assessment_reminder");
      expect(reminders.map((m) => m.to_address)).toEqual([company.members.compliance_officer.email]);
      console.info(`job runs per server: ${pids.map((pid) => runs.filter((r) => r.instance.split(":")[1] === pid).length).join(" and ")}`);
    } finally {
      await Promise.all(servers.map(stopServer));
      await shared.cleanup();
    }
  });
});
