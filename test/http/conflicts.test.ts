/**
 * Edit conflicts over real HTTP (docs/decisions/0018-optimistic-concurrency.md): two people load the
 * same form, both save. The first save wins; the second, carrying the version its page was loaded
 * with, is answered 409 with the translated conflict message on the page (in Swedish here), its input
 * kept, the page's hidden version now the current one, and nothing written: not the record, not the
 * audit log. The service-level races of every editable record are in test/service/races.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { addMembership } from "~/modules/members/members.server";
import { useTestDb } from "../support/db";
import { createCompany, createUser, sessionCookie } from "../support/factories";
import { changedTables, dbSnapshot, followDb } from "../support/personas";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

const CONFLICT = sv.errors.conflict;
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The version a page's form carries (its hidden baseVersion field). */
function versionIn(html: string, before?: RegExp): string {
  const from = before ? html.slice(html.search(before)) : html;
  const match = /<input[^>]*name="baseVersion"[^>]*value="(\d+)"/.exec(from);
  if (!match) throw new Error("no baseVersion field on the page");
  return match[1]!;
}

async function twoAdmins() {
  const company = await createCompany(ctx.db, { name: "Konflikt AB" });
  const second = await createUser(ctx.db, { name: "Bo Bengtsson" });
  await addMembership(ctx.db, company.organisation.id, second.id, ["org_admin"]);
  return {
    ...company,
    anna: await sessionCookie(ctx.db, company.members.org_admin.id, { organisationId: company.organisation.id }),
    bo: await sessionCookie(ctx.db, second.id, { organisationId: company.organisation.id }),
  };
}

const auditCount = async (action: string) => (await ctx.db.selectFrom("audit_event").select("id").where("action", "=", action).execute()).length;

describe("edit conflicts over HTTP", () => {
  it("organisation profile: the second of two admins gets the conflict in Swedish, nothing changes", async () => {
    const { organisation, anna, bo } = await twoAdmins();
    // Both open the page.
    const annaPage = await (await server.fetch("/app/organisation", { cookie: anna })).text();
    const boPage = await (await server.fetch("/app/organisation", { cookie: bo })).text();
    const version = versionIn(annaPage);
    expect(versionIn(boPage)).toBe(version);

    const annas = { organisationName: "Konflikt Resor AB", industry: "travel", sizeBand: "50-249", website: "https://resor.example", baseVersion: version };
    const saved = await server.fetch("/app/organisation", { cookie: anna, form: annas });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/app/organisation?notice=saved");

    const before = await dbSnapshot(ctx.db);
    const bos = { organisationName: "Bos Namn AB", industry: "gaming", sizeBand: "1-9", website: "", baseVersion: version };
    const refused = await server.fetch("/app/organisation", { cookie: bo, form: bos });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain(escaped(CONFLICT));
    expect(html).toContain('role="alert"');
    // Bo's input is kept, and the page now carries the current version: saving again is a decision.
    expect(html).toContain('value="Bos Namn AB"');
    expect(versionIn(html)).toBe(String(Number(version) + 1));
    // Nothing written: not the organisation, not the audit log.
    expect(changedTables(before, await dbSnapshot(ctx.db), ["session"])).toEqual([]);
    const row = await ctx.db.selectFrom("organisation").select(["name", "industry", "size_band", "website", "profile_version"]).where("id", "=", organisation.id).executeTakeFirstOrThrow();
    expect({ ...row, profile_version: Number(row.profile_version) }).toEqual({
      name: "Konflikt Resor AB",
      industry: "travel",
      size_band: "50-249",
      website: "https://resor.example",
      profile_version: Number(version) + 1,
    });
    expect(await auditCount("organisation.updated")).toBe(1);
  });

  it("organisation profile: two saves at the same moment, one 302 and one 409", async () => {
    const { organisation, anna, bo } = await twoAdmins();
    const version = versionIn(await (await server.fetch("/app/organisation", { cookie: anna })).text());
    const form = (name: string) => ({ organisationName: name, industry: "hosting", sizeBand: "10-49", baseVersion: version });
    const [a, b] = await Promise.all([
      server.fetch("/app/organisation", { cookie: anna, form: form("Annas AB") }),
      server.fetch("/app/organisation", { cookie: bo, form: form("Bos AB") }),
    ]);
    expect([a.status, b.status].sort()).toEqual([302, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await loser.text()).toContain(escaped(CONFLICT));
    const winner = a.status === 302 ? "Annas AB" : "Bos AB";
    const row = await ctx.db.selectFrom("organisation").select("name").where("id", "=", organisation.id).executeTakeFirstOrThrow();
    expect(row.name).toBe(winner);
    expect(await auditCount("organisation.updated")).toBe(1);
  });

  it("member roles: a stale roles form is a conflict, the roles stay as the first admin set them", async () => {
    const { members, anna, bo } = await twoAdmins();
    const url = `/app/members/${members.engineer.membershipId}`;
    const version = versionIn(await (await server.fetch(url, { cookie: anna })).text());
    expect(versionIn(await (await server.fetch(url, { cookie: bo })).text())).toBe(version);
    const saved = await server.fetch(url, { cookie: anna, form: { intent: "change_roles", roles: ["engineer", "partner_manager"], baseVersion: version } });
    expect(saved.status).toBe(302);
    const before = await dbSnapshot(ctx.db);
    const refused = await server.fetch(url, { cookie: bo, form: { intent: "change_roles", roles: ["compliance_officer"], baseVersion: version } });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(escaped(CONFLICT));
    expect(changedTables(before, await dbSnapshot(ctx.db), ["session"])).toEqual([]);
    const roles = await ctx.db.selectFrom("membership_role").select("role").where("membership_id", "=", members.engineer.membershipId).orderBy("role").execute();
    expect(roles.map((r) => r.role)).toEqual(["engineer", "partner_manager"]);
    expect(await auditCount("member.roles_changed")).toBe(1);
  });

  it("staff accounts: a change from a stale page is a conflict", async () => {
    const a = await createUser(ctx.db, { staffRole: "staff_admin" });
    const b = await createUser(ctx.db, { staffRole: "staff_admin" });
    const target = await createUser(ctx.db, { staffRole: "staff", name: "Tora Target" });
    const aCookie = await sessionCookie(ctx.db, a.id);
    const bCookie = await sessionCookie(ctx.db, b.id);
    const page = await (await server.fetch("/staff/accounts", { cookie: aCookie })).text();
    const version = versionIn(page, new RegExp(`name="userId" value="${target.id}"`));
    expect((await server.fetch("/staff/accounts", { cookie: aCookie, form: { intent: "set_role", userId: target.id, role: "staff_admin", baseVersion: version } })).status).toBe(302);
    const before = await dbSnapshot(ctx.db);
    const refused = await server.fetch("/staff/accounts", { cookie: bCookie, form: { intent: "disable", userId: target.id, baseVersion: version } });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(escaped(CONFLICT));
    expect(changedTables(before, await dbSnapshot(ctx.db), ["session"])).toEqual([]);
    const row = await ctx.db.selectFrom("user").select(["staff_role", "disabled_at"]).where("id", "=", target.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ staff_role: "staff_admin", disabled_at: null });
  });
});
