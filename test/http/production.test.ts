/**
 * The built server in production mode, as a separate process: hardened cookies, HSTS, no
 * development pages, and refusal to start with an unsafe configuration.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { createUser, PASSWORD } from "../support/factories";
import { mariadbAvailable, startThrowawayMariadb } from "../support/mariadb";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-prod-"));
const file = path.join(dir, "prod.sqlite");
let port = 0;
let child: ReturnType<typeof spawn> | undefined;
let email = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const productionEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH!,
  NODE_ENV: "production" as const,
  APP_URL: "https://portal.example",
  APP_SECRET: "a-production-secret-that-is-long-enough-0123456789",
  DATABASE_URL: `sqlite:${file}`,
  LOG_LEVEL: "silent",
  HOST: "127.0.0.1",
  ...extra,
});

beforeAll(async () => {
  const db = createDb(`sqlite:${file}`);
  await migrateToLatest(db);
  email = (await createUser(db)).email;
  await db.destroy();
  port = await freePort();
  child = spawn(process.execPath, ["build/server.js"], { env: productionEnv({ PORT: String(port) }), stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the production server did not start");
});

afterAll(() => {
  child?.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
});

// Behind the load balancer the public host arrives as X-Forwarded-Host; the browser's Origin names it.
const viaProxy = { "X-Forwarded-Host": "portal.example", "X-Forwarded-Proto": "https", Origin: "https://portal.example" };

describe("production mode", () => {
  it("signs in with a __Host- cookie that is Secure, HttpOnly and SameSite=Lax, and sends HSTS", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/login`, {
      method: "POST",
      headers: { ...viaProxy, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: PASSWORD }),
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-pp_session="));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=63072000; includeSubDomains/);
    expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("has no development outbox", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/dev/outbox`);
    expect(res.status).toBe(404);
  });

  it("refuses to start with an unsafe configuration, saying what to fix", () => {
    const run = (extra: Record<string, string>) => spawnSync(process.execPath, ["build/server.js"], { env: productionEnv({ PORT: "0", ...extra }), encoding: "utf8", timeout: 20_000 });
    const noSecret = run({ APP_SECRET: "" });
    expect(noSecret.status).toBe(1);
    expect(noSecret.stderr).toMatch(/APP_SECRET must be set/);
    const http = run({ APP_URL: "http://portal.example" });
    expect(http.status).toBe(1);
    expect(http.stderr).toMatch(/APP_URL must be https/);
    const trustAll = run({ TRUST_PROXY: "true" });
    expect(trustAll.status).toBe(1);
    expect(trustAll.stderr).toMatch(/TRUST_PROXY=true trusts every client's X-Forwarded-For/);
    const shortToken = run({ METRICS_TOKEN: "too-short" });
    expect(shortToken.status).toBe(1);
    expect(shortToken.stderr).toMatch(/METRICS_TOKEN must be at least 32 characters/);
    const badTimeout = run({ SHUTDOWN_TIMEOUT_SECONDS: "0" });
    expect(badTimeout.status).toBe(1);
    expect(badTimeout.stderr).toMatch(/SHUTDOWN_TIMEOUT_SECONDS/);
  });

  it.runIf(mariadbAvailable)(
    "refuses to start on a MariaDB whose innodb_flush_log_at_trx_commit is not 1, naming the setting",
    async () => {
      const mariadb = await startThrowawayMariadb(["--innodb-flush-log-at-trx-commit=2"]);
      try {
        const res = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const c = spawn(process.execPath, ["build/server.js"], { env: productionEnv({ PORT: "0", DATABASE_URL: mariadb.url }), stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          c.on("exit", (status) => resolve({ status, stderr }));
        });
        expect(res.status).toBe(1);
        expect(res.stderr).toMatch(/Unsafe production configuration/);
        expect(res.stderr).toMatch(/innodb_flush_log_at_trx_commit is 2/);
      } finally {
        await mariadb.destroy();
      }
    },
    60_000,
  );
});
