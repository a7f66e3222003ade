/**
 * The staff hash-list page lists the organisations that have stopped synchronising (staleOrganisations),
 * with their last synchronisation, linking to each organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDb } from "../support/db";
import { createUser, sessionCookie } from "../support/factories";
import { companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";
import { followDb } from "../support/personas";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

const DAY = 86_400_000;

describe("staff hash-list page", () => {
  it("shows the organisations that have stopped synchronising, and none that synchronise", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const staff = await createUser(ctx.db, { staffRole: "staff", locale: "en" });
    const cookie = await sessionCookie(ctx.db, staff.id);
    const quiet = await companyWithAccess(ctx.db, [industry.id], { name: "Quiet Sync AB" });
    const busy = await companyWithAccess(ctx.db, [industry.id], { name: "Busy Sync AB" });
    const quietKey = await keyFor(ctx.db, quiet, { listIds: [industry.id] });
    const busyKey = await keyFor(ctx.db, busy, { listIds: [industry.id] });
    // Access began 30 days ago; one has synchronised today, the other not for 20 days.
    const longAgo = Date.now() - 30 * DAY;
    await ctx.db.updateTable("organisation").set({ status_changed_at: longAgo }).execute();
    await ctx.db.updateTable("hashlist_grant").set({ granted_at: longAgo }).execute();
    await ctx.db.updateTable("agreement_acceptance").set({ accepted_at: longAgo }).execute();
    await ctx.db.updateTable("api_key").set({ last_used_at: Date.now() - 20 * DAY }).where("id", "=", quietKey.id).execute();
    await ctx.db.updateTable("api_key").set({ last_used_at: Date.now() - 60_000 }).where("id", "=", busyKey.id).execute();

    const res = await server.fetch("/staff/hashlists", { cookie, headers: { "Accept-Language": "en" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const section = html.slice(html.indexOf('id="stale"'), html.indexOf("</section>", html.indexOf('id="stale"')));
    expect(section).toMatch(/Organisations that have stopped synchronising|Organisationer som har slutat synkronisera/);
    expect(section).toContain(`href="/staff/organisations/${quiet.organisation.id}"`);
    expect(section).toContain("Quiet Sync AB");
    expect(section).not.toContain("Busy Sync AB");
  });
});
