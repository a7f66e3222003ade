/**
 * Commitment reports over real HTTP: a compliance officer signs and issues, members download, another
 * company sees nothing of it, staff withdraw with a reason, and anyone verifies on the public page
 * (a genuine, an altered and a withdrawn report), with translated errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "~/modules/i18n/locales/en";
import { sv } from "~/modules/i18n/locales/sv";
import { currentCommitment } from "~/modules/reports/reports.server";
import { sha256Hex } from "~/utils/crypto.server";
import { useTestDb } from "../support/db";
import { createCompany, createUser, PASSWORD, sessionCookie } from "../support/factories";
import { setUpHashLists } from "../support/hashlist";
import { changedTables, dbSnapshot, followDb } from "../support/personas";
import { YEAR } from "../support/reports";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

async function setUp() {
  await setUpHashLists(ctx.db);
  const a = await createCompany(ctx.db, { name: "Alfa Rapport AB" });
  const b = await createCompany(ctx.db, { name: "Beta Rapport AB" });
  const staff = await createUser(ctx.db, { staffRole: "staff" });
  const cookie = (user: { id: string }, org: { organisation: { id: string } }) => sessionCookie(ctx.db, user.id, { organisationId: org.organisation.id });
  return {
    a,
    b,
    officer: await cookie(a.members.compliance_officer, a),
    engineer: await cookie(a.members.engineer, a),
    bAdmin: await cookie(b.members.org_admin, b),
    staff: await sessionCookie(ctx.db, staff.id),
  };
}

const html = (res: Response) => res.text();

describe("commitment reports over HTTP", () => {
  it("sign, issue, download; another company gets 404; verify genuine, altered and withdrawn", async () => {
    const w = await setUp();
    const commitment = (await currentCommitment(ctx.db))!;

    // Signing: a wrong password is refused with a translated message and writes nothing.
    const page = await server.fetch("/app/commitment", { cookie: w.officer });
    expect(page.status).toBe(200);
    expect(await html(page)).toContain(commitment.title.sv);
    const sign = { versionId: commitment.id, language: "sv", period: String(YEAR), signerTitle: "Regelefterlevnadsansvarig", confirm: "on" };
    const before = await dbSnapshot(ctx.db);
    const wrong = await server.fetch("/app/commitment", { cookie: w.officer, form: { ...sign, password: "fel lösenord" } });
    expect(wrong.status).toBe(400);
    expect(await html(wrong)).toContain(sv.errors.reconfirm_password_wrong);
    expect(changedTables(before, await dbSnapshot(ctx.db), ["audit_event"])).toEqual([]);
    const missing = await server.fetch("/app/commitment", { cookie: w.officer, form: sign });
    expect(missing.status).toBe(400);
    expect(await html(missing)).toContain(sv.errors.reconfirm_required);
    const signed = await server.fetch("/app/commitment", { cookie: w.officer, form: { ...sign, password: PASSWORD } });
    expect(signed.status).toBe(302);
    expect(signed.headers.get("location")).toBe("/app/commitment?notice=commitment_signed");

    // An engineer may read but neither sign nor issue.
    expect((await server.fetch("/app/commitment", { cookie: w.engineer, form: { ...sign, password: PASSWORD } })).status).toBe(403);
    expect((await server.fetch("/app/reports", { cookie: w.engineer, form: { period: String(YEAR), language: "en" } })).status).toBe(403);

    // Issuing: a bad year is refused; a good request issues and leads to the report.
    const badYear = await server.fetch("/app/reports", { cookie: w.officer, form: { period: "1999", language: "en" } });
    expect(badYear.status).toBe(400);
    expect(await html(badYear)).toContain(sv.errors.report_period_invalid);
    const issued = await server.fetch("/app/reports", { cookie: w.officer, form: { period: String(YEAR), language: "en" } });
    expect(issued.status).toBe(302);
    const location = issued.headers.get("location")!;
    expect(location).toMatch(/^\/app\/reports\/[a-z2-7]{26}\?notice=report_issued$/);
    const id = location.split("/")[3]!.split("?")[0]!;

    const detail = await server.fetch(`/app/reports/${id}`, { cookie: w.engineer });
    expect(detail.status).toBe(200);
    const download = await server.fetch(`/app/reports/${id}/download`, { cookie: w.engineer });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="commitment-alfa-rapport-ab-/);
    const pdf = Buffer.from(await download.arrayBuffer());
    const sha256 = sha256Hex(pdf);
    expect(await html(detail)).toContain(sha256);

    // Company B: not found, and nothing of A's in its list.
    expect((await server.fetch(`/app/reports/${id}`, { cookie: w.bAdmin })).status).toBe(404);
    expect((await server.fetch(`/app/reports/${id}/download`, { cookie: w.bAdmin })).status).toBe(404);
    const bList = await html(await server.fetch("/app/reports", { cookie: w.bAdmin }));
    expect(bList).not.toContain("Alfa Rapport AB");
    expect(bList).not.toContain(id);

    // The public page: the facts, nothing else of the company's.
    const pub = await server.fetch(`/verify/${id}`, { headers: { "Accept-Language": "en" } });
    expect(pub.status).toBe(200);
    const pubHtml = await html(pub);
    expect(pubHtml).toContain("Alfa Rapport AB");
    expect(pubHtml).toContain(sha256);
    expect(pubHtml).not.toContain(w.a.members.compliance_officer.email);
    const orgNumber = (await ctx.db.selectFrom("organisation").select("org_number").where("id", "=", w.a.organisation.id).executeTakeFirstOrThrow()).org_number;
    expect(pubHtml).not.toContain(orgNumber);

    // Without JavaScript: paste the hash.
    const genuine = await server.fetch(`/verify/${id}`, { form: { sha256: sha256.toUpperCase() } });
    expect(genuine.status).toBe(200);
    expect(await html(genuine)).toContain(sv.verify.match);
    const altered = Buffer.from(pdf);
    altered[100] = altered[100]! ^ 1;
    const mismatch = await server.fetch(`/verify/${id}`, { form: { sha256: sha256Hex(altered) } });
    expect(await html(mismatch)).toContain(sv.verify.mismatch);
    const bad = await server.fetch(`/verify/${id}`, { form: { sha256: "12345" } });
    expect(bad.status).toBe(400);
    expect(await html(bad)).toContain(sv.errors.report_hash_invalid);
    expect((await server.fetch(`/verify/${"a".repeat(26)}`)).status).toBe(404);
    expect((await server.fetch("/verify/%27%20OR%201%3D1")).status).toBe(404);

    // Staff withdraw it with a reason (none: refused, unchanged); the public page says so.
    const noReason = await server.fetch(`/staff/reports/${id}`, { cookie: w.staff, form: { reason: "" } });
    expect(noReason.status).toBe(400);
    expect(await html(noReason)).toContain(sv.errors.report_reason_required);
    expect((await server.fetch(`/staff/reports/${id}`, { cookie: w.bAdmin, form: { reason: "Not staff at all" } })).status).toBe(403);
    const withdrawn = await server.fetch(`/staff/reports/${id}`, { cookie: w.staff, form: { reason: "Självskattningen var felaktig." } });
    expect(withdrawn.status).toBe(302);
    const after = await server.fetch(`/verify/${id}`, { form: { sha256 } });
    const afterHtml = await html(after);
    expect(afterHtml).toContain(sv.verify.matchWithdrawn);
    expect(afterHtml).toContain(sv.reports.status.withdrawn);
    expect(afterHtml).not.toContain("Självskattningen var felaktig.");
    const staffList = await html(await server.fetch("/staff/reports?status=withdrawn", { cookie: w.staff }));
    expect(staffList).toContain("Alfa Rapport AB");
    // The company's page in the back office lists its reports too; the other company's lists none.
    const staffOrg = await html(await server.fetch(`/staff/organisations/${w.a.organisation.id}`, { cookie: w.staff }));
    expect(staffOrg).toContain(`href="/staff/reports/${id}"`);
    const otherOrg = await html(await server.fetch(`/staff/organisations/${w.b.organisation.id}`, { cookie: w.staff }));
    expect(otherOrg).not.toContain(`/staff/reports/${id}`);
    expect(otherOrg).toContain(sv.reports.none);
    expect(en.verify.match).not.toBe(sv.verify.match);
  });
});
