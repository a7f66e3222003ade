import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { loadAssessment, reviewAssessment, saveAnswers, startAssessment, submitAssessment } from "~/modules/assessments/assessments.server";
import { addEvidenceFile, addEvidenceLink, getEvidenceFile, listEvidence, MAX_EVIDENCE_BYTES, sniffEvidenceType } from "~/modules/assessments/evidence.server";
import { assessmentCsv, industryComparison, trendOf, yearCsv } from "~/modules/assessments/insights.server";
import { addGapsToPlan, addPlanItem, addPlanNote, listPlan, updatePlanItem } from "~/modules/assessments/plan.server";
import { toCsv } from "~/utils/csv";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { createCompany, createUser, rowCounts } from "../support/factories";
import { fixtureAnswers, publishFixtures } from "../support/frameworks";

const ctx = useTestDb();
const YEAR = new Date().getUTCFullYear();
const actorFor = (u: { id: string; email: string }): Actor => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.5" });

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

/** A company with an approved assessment of YEAR at the given maturity answers. */
async function approvedCompany(level: string, year = YEAR) {
  const company = await createCompany(ctx.db);
  const officer = actorFor(company.members.compliance_officer);
  const { id } = await startAssessment(ctx.db, officer, company.organisation.id, { year, extraModules: [] });
  await saveAnswers(ctx.db, officer, company.organisation.id, id, fixtureAnswers(level));
  await submitAssessment(ctx.db, officer, company.organisation.id, id);
  const staff = await createUser(ctx.db, { staffRole: "staff" });
  await reviewAssessment(ctx.db, actorFor(staff), id, { decision: "approve", comments: [] });
  return { ...company, assessmentId: id, officer };
}

describe("improvement plan", () => {
  it("is made from the gaps, once per gap, and keeps owners, statuses and notes without lost updates", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members, assessmentId, officer } = await approvedCompany("1");
    expect(await addGapsToPlan(ctx.db, officer, organisation.id, assessmentId, "en")).toBe(4);
    expect(await addGapsToPlan(ctx.db, officer, organisation.id, assessmentId, "en")).toBe(0);
    const plan = await listPlan(ctx.db, organisation.id);
    expect(plan[0]).toMatchObject({ action: "Improve hosting.takedown.process", status: "open", sourceYear: YEAR });
    const item = plan[0]!;
    await updatePlanItem(ctx.db, officer, organisation.id, item.id, { action: item.action, ownerUserId: members.engineer.id, dueDate: `${YEAR}-12-31`, status: "in_progress", baseVersion: 1 });
    await expectCode(updatePlanItem(ctx.db, officer, organisation.id, item.id, { action: "x", ownerUserId: null, dueDate: null, status: "done", baseVersion: 1 }), "conflict");
    await addPlanNote(ctx.db, officer, organisation.id, item.id, "Upphandlat verktyg.");
    const after = (await listPlan(ctx.db, organisation.id)).find((i) => i.id === item.id)!;
    expect(after).toMatchObject({ status: "in_progress", ownerName: members.engineer.name, dueDate: `${YEAR}-12-31`, version: 2 });
    expect(after.notes.map((n) => n.body)).toEqual(["Upphandlat verktyg."]);
  });

  it("never lets one company touch another's plan, or name an outsider as owner", async () => {
    await publishFixtures(ctx.db);
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const itemId = await addPlanItem(ctx.db, actorFor(b.members.compliance_officer), b.organisation.id, { action: "B's action" });
    const mallory = actorFor(a.members.compliance_officer);
    const before = await rowCounts(ctx.db);
    await expectCode(updatePlanItem(ctx.db, mallory, a.organisation.id, itemId, { action: "hacked", ownerUserId: null, dueDate: null, status: "done", baseVersion: 1 }), "not_found");
    await expectCode(addPlanNote(ctx.db, mallory, a.organisation.id, itemId, "hi"), "not_found");
    await expectCode(addPlanItem(ctx.db, mallory, a.organisation.id, { action: "x", ownerUserId: b.members.engineer.id }), "plan_owner_not_member");
    expect(await rowCounts(ctx.db)).toEqual(before);
    expect(await listPlan(ctx.db, a.organisation.id)).toEqual([]);
  });
});

describe("evidence", () => {
  const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

  it("recognises files by their content, not their name", () => {
    expect(sniffEvidenceType(pdf, "policy.pdf")).toEqual({ mime: "application/pdf" });
    expect(sniffEvidenceType(pdf, "policy.png")).toBeNull();
    expect(sniffEvidenceType(png, "chart.png")).toEqual({ mime: "image/png" });
    expect(sniffEvidenceType(new TextEncoder().encode("MZ\x90\x00 this is an exe"), "policy.pdf")).toBeNull();
    expect(sniffEvidenceType(new TextEncoder().encode("<html><script>alert(1)</script>"), "page.pdf")).toBeNull();
    const docx = new TextEncoder().encode("PK\x03\x04....[Content_Types].xml....word/document.xml");
    expect(sniffEvidenceType(docx, "Policy.DOCX")?.mime).toContain("wordprocessingml");
    expect(sniffEvidenceType(docx, "archive.zip")).toBeNull();
  });

  it("stores files by SHA-256, serves them only to their organisation, and refuses oversized or disguised ones", async () => {
    await publishFixtures(ctx.db);
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const officer = actorFor(a.members.compliance_officer);
    const { id } = await startAssessment(ctx.db, officer, a.organisation.id, { year: YEAR, extraModules: [] });
    const { id: evidenceId, sha256 } = await addEvidenceFile(ctx.db, officer, a.organisation.id, id, "core.policy.has", { name: "policy.pdf", bytes: pdf });
    await addEvidenceFile(ctx.db, officer, a.organisation.id, id, "core.policy.maturity", { name: "same.pdf", bytes: pdf });
    await addEvidenceLink(ctx.db, officer, a.organisation.id, id, "core.policy.has", "https://intranet.example/policy");
    expect((await ctx.db.selectFrom("evidence_file").select("sha256").execute()).map((f) => f.sha256)).toEqual([sha256]);
    expect((await listEvidence(ctx.db, id)).map((e) => e.kind)).toEqual(["file", "file", "link"]);
    expect((await getEvidenceFile(ctx.db, evidenceId, a.organisation.id)).content.toString("latin1")).toContain("%PDF-1.7");
    await expectCode(getEvidenceFile(ctx.db, evidenceId, b.organisation.id), "not_found");
    expect((await getEvidenceFile(ctx.db, evidenceId, null)).mime).toBe("application/pdf");

    const before = await rowCounts(ctx.db);
    await expectCode(addEvidenceFile(ctx.db, officer, a.organisation.id, id, "core.policy.has", { name: "big.pdf", bytes: new Uint8Array(MAX_EVIDENCE_BYTES + 1) }), "evidence_too_large");
    await expectCode(addEvidenceFile(ctx.db, officer, a.organisation.id, id, "core.policy.has", { name: "x.pdf", bytes: png }), "evidence_type");
    await expectCode(addEvidenceFile(ctx.db, officer, a.organisation.id, id, "travel.code.member", { name: "p.pdf", bytes: pdf }), "answer_unknown_question");
    await expectCode(addEvidenceFile(ctx.db, actorFor(b.members.compliance_officer), b.organisation.id, id, "core.policy.has", { name: "p.pdf", bytes: pdf }), "not_found");
    expect(await rowCounts(ctx.db)).toEqual(before);
  });
});

describe("trends, comparison and exports", () => {
  it("compares with the industry median only when five other companies have approved assessments", async () => {
    await publishFixtures(ctx.db);
    const me = await approvedCompany("2");
    for (const level of ["0", "1", "3"]) await approvedCompany(level);
    expect(await industryComparison(ctx.db, me.organisation.id, "hosting", YEAR)).toEqual({ available: false, peers: 3 });
    for (const level of ["4", "4"]) await approvedCompany(level);
    const comparison = await industryComparison(ctx.db, me.organisation.id, "hosting", YEAR);
    expect(comparison.available).toBe(true);
    if (!comparison.available) return;
    expect(comparison.peers).toBe(5);
    const peerScores = await ctx.db.selectFrom("assessment").select("score").where("organisation_id", "!=", me.organisation.id).execute();
    const sorted = peerScores.map((p) => Number(p.score)).sort((x, y) => x - y);
    expect(comparison.overall).toBe(sorted[2]);
  });

  it("shows the trend of earlier years and exports answers as CSV, safely", async () => {
    await publishFixtures(ctx.db);
    const { organisation, officer, assessmentId } = await approvedCompany("1", YEAR - 1);
    const next = await startAssessment(ctx.db, officer, organisation.id, { year: YEAR, extraModules: [] });
    const trend = await trendOf(ctx.db, organisation.id, YEAR);
    expect(trend.map((t) => t.year)).toEqual([YEAR - 1]);
    expect(trend[0]!.sections["core.policy"]).toBeGreaterThan(0);
    await saveAnswers(ctx.db, officer, organisation.id, next.id, [{ questionId: "core.products.notes", value: "=HYPERLINK(\"http://evil\")", baseVersion: 0 }]);
    const csv = await assessmentCsv(ctx.db, await loadAssessment(ctx.db, next.id, organisation.id), "sv");
    expect(csv.split("\r\n")[0]).toBe("module,section_id,section,question_id,question,type,weight,shown,answer,answer_text,score,carried_over,evidence");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain("core.policy.has");
    const staffCsv = await yearCsv(ctx.db, YEAR - 1);
    expect(staffCsv).toContain(organisation.name);
    expect(await yearCsv(ctx.db, YEAR)).not.toContain(organisation.name);
    expect(assessmentId).toBeTruthy();
  });

  it("writes RFC 4180 CSV", () => {
    expect(toCsv([["a,b", 'say "hi"', null, 3, "-1"]])).toBe(`"a,b","say ""hi""",,3,'-1\r\n`);
  });
});
