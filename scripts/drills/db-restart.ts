/**
 * Drill: the database restarts under load (docs/operations.md, "Drills").
 *
 *   npm run build && tsx scripts/drills/db-restart.ts
 *
 * Starts a throwaway MariaDB (its own data directory and port), the built server against it, and a
 * load of concurrent reads (a company's list of collaborative actions) and writes (new collaborative
 * actions, each with a title of its own). Then the database is killed (SIGKILL), kept down for a few
 * seconds and started again, while the load goes on. Checked:
 *
 * - /readyz turns 503 within 5 s of the outage, and 200 within 5 s of the database answering again;
 * - the server process does not crash (it is alive and /healthz answers afterwards);
 * - after recovery at most one request fails per pooled connection (DB_POOL_SIZE);
 * - no acknowledged write is lost: every action whose creation was answered with its address exists.
 *
 * Prints a report, exits 1 if a check fails. test/http/db-restart-drill.test.ts runs it.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import { pathToFileURL } from "node:url";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { createCompany, sessionCookie } from "../../test/support/factories";
import { startThrowawayMariadb } from "./throwaway-mariadb";

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DrillReport {
  ok: boolean;
  checks: DrillCheck[];
  requests: number;
  writesAcknowledged: number;
}

const BOUND_MS = 5_000;
const POOL_SIZE = 4;

interface Sample {
  kind: "read" | "write";
  start: number;
  end: number;
  status: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDbRestartDrill(options: { outageMs?: number; log?: (line: string) => void } = {}): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  const outageMs = options.outageMs ?? 4_000;
  const mariadb = await startThrowawayMariadb();
  let child: ReturnType<typeof spawn> | undefined;
  try {
    // A company whose partner manager is signed in.
    const setup = createDb(mariadb.url, { poolSize: 2 });
    await migrateToLatest(setup);
    const company = await createCompany(setup, { status: "approved" });
    const cookie = await sessionCookie(setup, company.members.partner_manager.id, { organisationId: company.organisation.id });
    await setup.destroy();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["build/server.js"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "development",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: mariadb.url,
        DB_POOL_SIZE: String(POOL_SIZE),
        RATE_LIMIT_FACTOR: "1000",
        LOG_LEVEL: "silent",
        APP_SECRET: "drill-secret-that-is-long-enough-0123456789abcdef",
      },
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error("the server did not start");
      await sleep(100);
    }
    log(`server on ${url}, MariaDB on port ${mariadb.port}, pool ${POOL_SIZE}`);

    const samples: Sample[] = [];
    const writes: { title: string; id: string }[] = [];
    const readiness: { at: number; status: number }[] = [];
    let running = true;
    const timed = async (kind: Sample["kind"], request: () => Promise<Response>) => {
      const start = Date.now();
      let status = 0;
      try {
        const res = await request();
        status = res.status;
        await res.arrayBuffer();
        return res;
      } catch {
        return null;
      } finally {
        samples.push({ kind, start, end: Date.now(), status });
      }
    };
    const reader = async () => {
      while (running) {
        await timed("read", () => fetch(`${url}/app/collaboration`, { headers: { Cookie: cookie }, redirect: "manual", signal: AbortSignal.timeout(20_000) }));
      }
    };
    let n = 0;
    const writer = async () => {
      while (running) {
        const title = `Drill action ${++n}`;
        const res = await timed("write", () =>
          fetch(`${url}/app/collaboration/new`, {
            method: "POST",
            headers: { Cookie: cookie, Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ type: "training", title, startsOn: "2026-03-02", description: "Written during the database restart drill.", status: "done", peopleTrained: "5" }),
            redirect: "manual",
            signal: AbortSignal.timeout(20_000),
          }),
        );
        const id = res?.status === 302 ? /^\/app\/collaboration\/([^/?]+)\?notice=collab_created$/.exec(res.headers.get("Location") ?? "")?.[1] : undefined;
        if (id) writes.push({ title, id });
        else await sleep(50);
      }
    };
    const poller = async () => {
      while (running) {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
        readiness.push({ at: Date.now(), status: res?.status ?? 0 });
        await res?.arrayBuffer();
        await sleep(100);
      }
    };
    const load = Promise.all([reader(), reader(), reader(), writer(), writer(), poller()]);

    await sleep(3_000);
    const killedAt = Date.now();
    await mariadb.stop("SIGKILL");
    log(`database killed; down for ${outageMs} ms`);
    await sleep(outageMs);
    await mariadb.start();
    const upAt = Date.now();
    log(`database answers again after ${upAt - killedAt} ms`);
    await sleep(8_000);
    running = false;
    await load;

    const red = readiness.find((r) => r.at >= killedAt && r.status === 503);
    const green = readiness.find((r) => r.at >= upAt && r.status === 200);
    const alive = child.exitCode === null && child.signalCode === null && (await fetch(`${url}/healthz`).then((r) => r.ok, () => false));
    const afterRecovery = samples.filter((s) => s.start >= upAt);
    const failedAfter = afterRecovery.filter((s) => s.status === 0 || s.status >= 500);
    const readsRetriedAway = afterRecovery.filter((s) => s.kind === "read" && (s.status === 0 || s.status >= 500)).length;

    const check = createDb(mariadb.url, { poolSize: 1 });
    const stored = new Map((await check.selectFrom("collab_action").select(["id", "title"]).execute()).map((r) => [r.id, r.title]));
    await check.destroy();
    const lost = writes.filter((w) => stored.get(w.id) !== w.title);

    const checks: DrillCheck[] = [
      { name: `readiness red within ${BOUND_MS / 1000} s of the outage`, ok: !!red && red.at - killedAt <= BOUND_MS, detail: red ? `503 after ${red.at - killedAt} ms` : "never 503" },
      { name: `readiness green within ${BOUND_MS / 1000} s of recovery`, ok: !!green && green.at - upAt <= BOUND_MS, detail: green ? `200 after ${green.at - upAt} ms` : "never 200 again" },
      { name: "the server process did not crash", ok: alive, detail: alive ? "alive, /healthz 200" : `exit ${child.exitCode ?? child.signalCode}` },
      {
        name: `at most one failed request per pooled connection after recovery (${POOL_SIZE})`,
        ok: failedAfter.length <= POOL_SIZE,
        detail: `${failedAfter.length} of ${afterRecovery.length} failed (reads: ${readsRetriedAway})`,
      },
      { name: "no acknowledged write lost", ok: writes.length > 0 && lost.length === 0, detail: `${writes.length} acknowledged, ${lost.length} missing` },
    ];
    for (const c of checks) log(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
    return { ok: checks.every((c) => c.ok), checks, requests: samples.length, writesAcknowledged: writes.length };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await mariadb.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runDbRestartDrill({ log: (line) => console.log(line) }).then(
    (report) => process.exit(report.ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
