import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useTestDb } from "../support/db";
import { createCompany, sessionCookie } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer(ctx.db);
});
afterEach(async () => server.close());

describe("pages as served", () => {
  it("have a translated title in the head, in the chosen language", async () => {
    const sv = await (await server.fetch("/login")).text();
    expect(sv).toMatch(/<head>.*<title>Logga in – Partnerportalen<\/title>.*<\/head>/s);
    expect(sv).toContain('<html lang="sv">');
    const switched = await server.fetch("/lang", { form: { lng: "en", redirectTo: "/login" } });
    const lng = switched.headers.getSetCookie().find((c) => c.startsWith("lng="))!.split(";")[0]!;
    const en = await (await server.fetch("/login", { headers: { Cookie: lng } })).text();
    expect(en).toContain("<title>Sign in – Partnerportalen</title>");
    expect(en).toContain('<html lang="en">');
    const accept = await (await server.fetch("/login", { headers: { "Accept-Language": "en-GB,en;q=0.9" } })).text();
    expect(accept).toContain('<html lang="en">');
    const missing = await (await server.fetch("/nothing-here")).text();
    expect(missing).toContain("<title>Sidan finns inte – Partnerportalen</title>");
  });

  it("a form refused without JavaScript comes back with its input and translated errors", async () => {
    const res = await server.fetch("/register", {
      form: { organisationName: "Kvarnen & Co AB", country: "SE", orgNumber: "5560360794", industry: "retail", sizeBand: "10-49", name: "Ada", email: "ada@kvarnen.example", password: "short", confirm: "on" },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('value="Kvarnen &amp; Co AB"');
    expect(html).toContain('value="ada@kvarnen.example"');
    expect(html).toMatch(/<option value="retail" selected="">/);
    expect(html).toMatch(/id="confirm"[^>]*checked=""/);
    expect(html).not.toContain('value="short"');
    expect(html).toContain("Ange ett giltigt svenskt organisationsnummer");
    expect(html).toContain("Minst 12 tecken.");
  });

  it("checkbox groups keep their choices when a form is refused", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const cookie = await sessionCookie(ctx.db, members.org_admin.id, { organisationId: organisation.id });
    const res = await server.fetch("/app/members", { cookie, form: { intent: "invite", email: "not-an-address", roles: ["engineer", "partner_manager"] } });
    expect(res.status).toBe(400);
    const html = await res.text();
    const checked = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].filter((m) => m[0].includes('checked=""')).map((m) => /value="(\w+)"/.exec(m[0])![1]);
    expect(checked.sort()).toEqual(["engineer", "partner_manager"]);
    expect(html).toContain("Ange en giltig e-postadress.");
  });
});
