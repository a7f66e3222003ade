import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAssessment } from "~/modules/assessments/assessments.server";
import { useTestDb } from "../support/db";
import { createCompany, rowCounts, sessionCookie } from "../support/factories";
import { publishFixtures } from "../support/frameworks";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer(ctx.db);
});
afterEach(async () => server.close());

async function setUp() {
  await publishFixtures(ctx.db);
  const a = await createCompany(ctx.db);
  const b = await createCompany(ctx.db);
  const officer = a.members.compliance_officer;
  const { id } = await startAssessment(ctx.db, { userId: officer.id, label: officer.email, ip: null, userAgent: null }, a.organisation.id, { year: new Date().getUTCFullYear(), extraModules: [] });
  return {
    id,
    cookie: await sessionCookie(ctx.db, officer.id, { organisationId: a.organisation.id }),
    otherCookie: await sessionCookie(ctx.db, b.members.compliance_officer.id, { organisationId: b.organisation.id }),
  };
}

function upload(name: string, bytes: Uint8Array<ArrayBuffer> | string) {
  const form = new FormData();
  form.set("intent", "file");
  form.set("file", new Blob([bytes]), name);
  return form;
}

describe("evidence over HTTP", () => {
  it("uploads a file checked by content and serves it only as a download to its own organisation", async () => {
    const { id, cookie, otherCookie } = await setUp();
    const url = `/app/assessments/${id}/evidence?question=core.policy.has`;
    const pdf = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n%%EOF\n";
    const ok = await server.fetch(url, { method: "POST", body: upload("Vår policy.pdf", pdf), cookie });
    expect(ok.status).toBe(302);
    const evidence = await ctx.db.selectFrom("assessment_evidence").select(["id", "sha256", "mime"]).executeTakeFirstOrThrow();
    expect(evidence.mime).toBe("application/pdf");

    const download = await server.fetch(`/app/assessments/${id}/evidence/${evidence.id}`, { cookie });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="V_r policy.pdf"; filename\*=UTF-8''V%C3%A5r%20policy.pdf$/);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-security-policy")).toContain("sandbox");
    expect(download.headers.get("x-evidence-sha256")).toBe(evidence.sha256);
    expect(await download.text()).toContain("%PDF-1.4");
    expect((await server.fetch(`/app/assessments/${id}/evidence/${evidence.id}`, { cookie: otherCookie })).status).toBe(404);
  });

  it("refuses a disguised or oversized file with a translated message, and writes nothing", async () => {
    const { id, cookie } = await setUp();
    const url = `/app/assessments/${id}/evidence?question=core.policy.has`;
    const before = await rowCounts(ctx.db);
    const html = await server.fetch(url, { method: "POST", body: upload("policy.pdf", "<html><script>alert(1)</script></html>"), cookie });
    expect(html.status).toBe(415);
    expect(await html.text()).toContain("Filtypen tillåts inte");
    const big = await server.fetch(url, { method: "POST", body: upload("big.pdf", new Uint8Array(7 * 1024 * 1024)), cookie });
    expect(big.status).toBe(413);
    expect(await rowCounts(ctx.db)).toEqual(before);
  });
});
