/**
 * The log of the real server (build/server.js as a child process, its stdout captured): one JSON
 * line per request with its request id, method, route id, status, duration and bytes; one line per
 * notable event; and never a secret. A sign-in, a key-authenticated match and a password reset are
 * driven through it, then every captured line is searched for every secret those requests carried.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_PREFIX } from "~/modules/api-keys/key-format.server";
import { createUser, linkIn, outbox, PASSWORD } from "../support/factories";
import { addToList, companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";
import { scratchDatabase, spawnServer, type SpawnedServer } from "../support/spawn";

const NEW_PASSWORD = "a brand new passphrase 7f3k9q";
const WRONG_PASSWORD = "not the password canary 51x";
const industryHash = crypto.createHash("sha256").update("log-test-industry-entry").digest("hex");
const canaryHash = crypto.createHash("sha256").update("partnerportalen-canary-1").digest("hex");
const unknownHash = crypto.createHash("sha256").update("log-test-not-on-any-list").digest("hex");

let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let server: SpawnedServer;
let lines: Record<string, unknown>[] = [];
let raw = "";
const secrets: Record<string, string> = {};
const statuses: Record<string, number> = {};

beforeAll(async () => {
  scratch = await scratchDatabase();
  const { db } = scratch;
  const user = await createUser(db);
  const { test, industry } = await setUpHashLists(db);
  await addToList(db, industry.id, [{ algorithm: "sha256", value: new Uint8Array(Buffer.from(industryHash, "hex")), text: industryHash, quality: null, category: "B", source: "test" }]);
  const company = await companyWithAccess(db, [industry.id]);
  const key = await keyFor(db, company, { listIds: [test.id, industry.id] });
  secrets.apiKey = key.secret;
  secrets.apiKeySecretPart = key.secret.slice(KEY_PREFIX.length + 4);
  secrets.password = PASSWORD;
  secrets.wrongPassword = WRONG_PASSWORD;
  secrets.newPassword = NEW_PASSWORD;
  secrets.industryHash = industryHash;
  secrets.industryHashUpper = industryHash.toUpperCase();
  secrets.canaryHash = canaryHash;
  secrets.unknownHash = unknownHash;

  server = await spawnServer({ DATABASE_URL: scratch.url, LOG_LEVEL: "trace", APP_URL: "http://portal.test", APP_SECRET: "log-test-secret-that-is-long-enough-0123456789" });
  const origin = server.url;
  const form = (path: string, body: Record<string, string>, cookie?: string) =>
    fetch(`${origin}${path}`, {
      method: "POST",
      headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
      body: new URLSearchParams(body),
      redirect: "manual",
    });

  // Sign in (and fail to), then use the session.
  const login = await form("/login", { email: user.email, password: PASSWORD });
  statuses.login = login.status;
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pp_session="))!.split(";")[0]!;
  secrets.sessionCookie = cookie;
  secrets.sessionId = cookie.split("=")[1]!;
  statuses.app = (await fetch(`${origin}/app`, { headers: { Cookie: cookie }, redirect: "manual" })).status;
  statuses.failedLogin = (await form("/login", { email: user.email, password: WRONG_PASSWORD })).status;

  // A key-authenticated match, and one with a key that does not exist.
  const match = await fetch(`${origin}/api/v1/match`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ hashes: [{ algorithm: "sha256", value: industryHash.toUpperCase() }, { algorithm: "sha256", value: canaryHash }, { algorithm: "sha256", value: unknownHash }] }),
  });
  statuses.match = match.status;
  statuses.matches = ((await match.json()) as { matches: unknown[] }).matches.length;
  const otherKey = `${KEY_PREFIX}${"A".repeat(38)}`;
  secrets.otherKey = otherKey;
  statuses.badKey = (
    await fetch(`${origin}/api/v1/match`, { method: "POST", headers: { Authorization: `Bearer ${otherKey}`, "Content-Type": "application/json" }, body: JSON.stringify({ hashes: [{ algorithm: "sha256", value: unknownHash }] }) })
  ).status;

  // A password reset: the link from the outbox, then the new password.
  statuses.forgot = (await form("/forgot-password", { email: user.email })).status;
  const mail = (await outbox(db)).find((m) => m.template === "reset_password")!;
  const token = new URL(linkIn(mail.text_body)).searchParams.get("token")!;
  secrets.resetToken = token;
  statuses.resetPage = (await fetch(`${origin}/reset-password?token=${encodeURIComponent(token)}`)).status;
  statuses.reset = (await form("/reset-password", { token, password: NEW_PASSWORD })).status;

  // Request ids: a sane incoming one is kept, anything else replaced.
  const kept = await fetch(`${origin}/healthz`, { headers: { "X-Request-Id": "lb-7f3a9c21-req" } });
  statuses.keptId = kept.headers.get("X-Request-Id") === "lb-7f3a9c21-req" ? 1 : 0;
  const replaced = await fetch(`${origin}/healthz`, { headers: { "X-Request-Id": `bad id ${"x".repeat(300)}` } });
  secrets.replacedId = replaced.headers.get("X-Request-Id") ?? "";

  await server.stop();
  raw = server.output();
  lines = raw
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
});

afterAll(async () => {
  await server?.stop();
  await scratch?.drop();
});

const requests = () => lines.filter((l) => l.msg === "request");

describe("logs", () => {
  it("drove the requests as intended", () => {
    expect(statuses).toMatchObject({ login: 302, app: 200, failedLogin: 400, match: 200, matches: 2, badKey: 401, forgot: 302, resetPage: 200, reset: 302, keptId: 1 });
  });

  it("writes one JSON line per request with exactly the chosen fields, naming the route id and not the path", () => {
    const byRoute = (route: string) => requests().filter((l) => l.route === route);
    expect(byRoute("routes/_auth+/login")).toHaveLength(2);
    expect(byRoute("routes/api+/v1.match")).toHaveLength(2);
    expect(byRoute("routes/_auth+/reset-password")).toHaveLength(2);
    expect(byRoute("routes/_auth+/forgot-password")).toHaveLength(1);
    for (const line of requests()) {
      expect(Object.keys(line).sort()).toEqual(["bytes", "durationMs", "ip", "level", "method", "msg", "requestId", "route", "service", "status", "time"]);
      expect(typeof line.durationMs).toBe("number");
      expect(typeof line.bytes).toBe("number");
    }
    const match = byRoute("routes/api+/v1.match").find((l) => l.status === 200)!;
    expect(match).toMatchObject({ method: "POST", status: 200 });
    expect(match.bytes as number).toBeGreaterThan(0);
    // The reset page was asked for with its token in the query string: only the route id is logged.
    expect(raw).not.toContain("reset-password?");
    expect(raw).not.toContain("token=");
  });

  it("keeps a sane incoming X-Request-Id and replaces anything else", () => {
    expect(requests().some((l) => l.requestId === "lb-7f3a9c21-req")).toBe(true);
    expect(secrets.replacedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(raw).not.toContain("bad id");
  });

  it("writes a line for each notable event", () => {
    const events = lines.map((l) => l.event).filter(Boolean);
    expect(events).toEqual(expect.arrayContaining(["listening", "auth.login", "auth.login_failed", "auth.password_reset", "api.refused", "shutdown.started", "shutdown.finished"]));
    const refused = lines.find((l) => l.event === "api.refused")!;
    expect(refused).toMatchObject({ problem: "invalid_key", status: 401, route: "match" });
    expect(typeof refused.requestId).toBe("string");
  });

  it("never logs a password, session, API key, reset token or a hash that was matched", () => {
    expect(lines.length).toBeGreaterThan(10);
    const leaked = Object.entries(secrets)
      .filter(([name]) => name !== "replacedId")
      .filter(([, value]) => value && raw.toLowerCase().includes(value.toLowerCase()))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
    expect(raw).not.toMatch(/authorization|cookie|bearer/i);
  });
});
