import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useTestDb } from "../support/db";
import { createCompany, PASSWORD, rowCounts } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer(ctx.db);
});
afterEach(async () => server.close());

describe("HTTP security", () => {
  it("sends the security headers on every page", async () => {
    const res = await server.fetch("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-powered-by")).toBeNull();
    // Not production: no HSTS on plain http.
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // Every inline script carries the nonce of this response.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const html = await res.text();
    const scripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s[1]).toContain(`nonce="${nonce}"`);
  });

  it("refuses a state-changing request from another origin, or with no origin at all, and changes nothing", async () => {
    const { members } = await createCompany(ctx.db);
    const before = await rowCounts(ctx.db);
    const form = { email: members.org_admin.email, password: PASSWORD };
    const foreign = await server.fetch("/login", { form, headers: { Origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);
    const noOrigin = await fetch(`${server.url}/login`, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
    expect(noOrigin.status).toBe(403);
    const foreignReferer = await fetch(`${server.url}/login`, { method: "POST", body: new URLSearchParams(form), headers: { Referer: "https://evil.example/page" }, redirect: "manual" });
    expect(foreignReferer.status).toBe(403);
    expect(await rowCounts(ctx.db)).toEqual(before);
    // The same request from the portal itself signs in.
    const ok = await server.fetch("/login", { form });
    expect(ok.status).toBe(302);
  });

  it("sets a hardened session cookie at sign-in", async () => {
    const { members } = await createCompany(ctx.db);
    const res = await server.fetch("/login", { form: { email: members.org_admin.email, password: PASSWORD } });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("pp_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Max-Age|Expires/i);
    // The database holds a hash of the id, never the id itself.
    const id = cookie.split(";")[0]!.split("=")[1]!;
    const rows = await ctx.db.selectFrom("session").select("id").execute();
    expect(rows.map((r) => r.id)).not.toContain(id);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers unknown pages with a translated 404 page", async () => {
    const res = await server.fetch("/no-such-page");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Sidan finns inte");
  });

  it("refuses a body of undeclared length (chunked), which would otherwise be buffered whole", async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("email=a%40b.se"));
        controller.close();
      },
    });
    const res = await server.fetch("/forgot-password", { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" }, duplex: "half" } as RequestInit);
    expect(res.status).toBe(411);
  });

  it("refuses oversized requests", async () => {
    const res = await server.fetch("/login", { method: "POST", body: "x".repeat(1024 * 1024 + 10), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(413);
  });
});
