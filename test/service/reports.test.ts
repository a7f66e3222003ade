/**
 * Commitment reports as a service, on both engines: signing (re-confirmed, stored exactly as shown),
 * issuing (the data as of the issue, the PDF kept with its SHA-256, rendering the stored data again
 * gives the same bytes), issuing when the NGO approves an assessment, withdrawing, and verification.
 */
import { afterAll, describe, expect, it } from "vitest";
import { reviewAssessment, saveAnswers, startAssessment, submitAssessment } from "~/modules/assessments/assessments.server";
import { currentTotpCode } from "~/modules/auth/totp.server";
import { addMembership } from "~/modules/members/members.server";
import { renderReport } from "~/modules/reports/pdf/render.server";
import {
  checkReportHash,
  currentCommitment,
  getReport,
  issueAfterApproval,
  issueReport,
  listReports,
  listSignatures,
  newReportId,
  normaliseSha256,
  publicReport,
  REPORT_ID_PATTERN,
  reportData,
  reportFile,
  signCommitment,
  withdrawReport,
} from "~/modules/reports/reports.server";
import { sha256Hex } from "~/utils/crypto.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { flat, pdfTempDir, pdfText } from "../support/pdf-tools";
import { auditActions, createCompany, createUser, outbox, PASSWORD, TOTP_SECRET } from "../support/factories";
import { publishFixtures } from "../support/frameworks";
import { setUpHashLists } from "../support/hashlist";
import { actorFor, companyWithHistory, HISTORY_ACTIONS, HISTORY_CONFIRMED, YEAR } from "../support/reports";

const ctx = useTestDb();
const tmp = pdfTempDir("pp-report-service-");
afterAll(() => tmp.remove());
/** The PDF's text, every run of white space one space. */
const textOf = (pdf: Buffer) => flat(pdfText(tmp.write(`${sha256Hex(pdf)}.pdf`, pdf)));

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

const counts = async () => ({
  signatures: (await ctx.db.selectFrom("commitment_signature").select("id").execute()).length,
  reports: (await ctx.db.selectFrom("report").select("id").execute()).length,
});

describe("report identifiers", () => {
  it("are 26 base32 characters from the CSPRNG, never repeated", () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newReportId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(REPORT_ID_PATTERN);
  });

  it("pasted hashes are read in the forms people paste them", () => {
    const hex = "a".repeat(64);
    expect(normaliseSha256(`  SHA256:${hex.toUpperCase()} `)).toBe(hex);
    expect(normaliseSha256(`${hex.slice(0, 32)} ${hex.slice(32)}`)).toBe(hex);
    expect(normaliseSha256("a".repeat(63))).toBeNull();
    expect(normaliseSha256("g".repeat(64))).toBeNull();
  });
});

describe("signing the commitment", () => {
  it("stores the text exactly as shown, re-confirmed by password or second factor; a wrong password or an old version signs nothing", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { name: "Signatur AB" });
    const officer = actorFor(company.members.compliance_officer);
    const commitment = (await currentCommitment(ctx.db))!;
    expect(commitment.text.sv).toContain("nolltolerans");
    expect(commitment.text.en).toContain("zero tolerance");
    const base = { period: YEAR, versionId: commitment.id, language: "en" as const, signerTitle: "Compliance officer" };

    const before = await counts();
    await expectCode(signCommitment(ctx.db, officer, company.organisation.id, { ...base, password: "not the password" }), "reconfirm_password_wrong");
    await expectCode(signCommitment(ctx.db, officer, company.organisation.id, { ...base, versionId: "an-old-version", password: PASSWORD }), "agreement_outdated");
    await expectCode(signCommitment(ctx.db, officer, company.organisation.id, { ...base, period: YEAR + 5, password: PASSWORD }), "report_period_invalid");
    await expectCode(signCommitment(ctx.db, officer, company.organisation.id, { ...base, code: "123456" }), "code_invalid");
    expect(await counts()).toEqual(before);
    expect(await auditActions(ctx.db)).toContain("auth.reconfirm_failed");

    await signCommitment(ctx.db, officer, company.organisation.id, { ...base, password: PASSWORD });
    const [signed] = await listSignatures(ctx.db, company.organisation.id);
    expect(signed).toMatchObject({ period: YEAR, language: "en", title: commitment.title.en, text: commitment.text.en, signerName: company.members.compliance_officer.name, signerTitle: "Compliance officer", method: "password" });
    expect(signed!.sha256).toBe(sha256Hex(`${commitment.title.en}\n\n${commitment.text.en}`));
    expect(await auditActions(ctx.db, company.organisation.id)).toContain("commitment.signed");

    // An admin with a second factor confirms with a code instead.
    const admin = await createUser(ctx.db, { totp: true, name: "Ada Admin" });
    await addMembership(ctx.db, company.organisation.id, admin.id, ["org_admin"]);
    await signCommitment(ctx.db, actorFor(admin), company.organisation.id, { ...base, language: "sv", signerTitle: "VD", code: currentTotpCode(TOTP_SECRET) });
    const [newest] = await listSignatures(ctx.db, company.organisation.id);
    expect(newest).toMatchObject({ method: "totp", signerName: "Ada Admin", language: "sv", text: commitment.text.sv });
  });
});

describe("issuing reports", () => {
  it("a company with no data yet gets a report that says so, kept with its SHA-256 and the data it was rendered from", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { name: "Nystartad AB" });
    const report = await issueReport(ctx.db, actorFor(company.members.compliance_officer), company.organisation.id, { period: YEAR, language: "sv", trigger: "request" });
    expect(report).toMatchObject({ organisationName: "Nystartad AB", period: YEAR, language: "sv", trigger: "request", status: "valid", issuedByName: company.members.compliance_officer.name });
    expect(report.id).toMatch(REPORT_ID_PATTERN);
    const file = (await reportFile(ctx.db, report.id, company.organisation.id))!;
    expect(sha256Hex(file.content)).toBe(report.sha256);
    expect(file.content.subarray(0, 5).toString()).toBe("%PDF-");
    expect(report.pages).toBeGreaterThan(0);
    expect(file.fileName).toMatch(new RegExp(`^atagande-nystartad-ab-${YEAR}-${report.id.slice(0, 8)}\\.pdf$`));

    const data = (await reportData(ctx.db, report.id))!;
    expect(data).toMatchObject({ id: report.id, period: YEAR, commitment: null, assessment: null, actions: { items: [], totals: { count: 0, confirmed: 0 } }, plan: { items: [], total: 0 } });
    expect(data.verifyUrl).toMatch(new RegExp(`/verify/${report.id}$`));
    // Rendering the stored data again gives the very same bytes.
    expect(sha256Hex((await renderReport(data)).pdf)).toBe(report.sha256);

    const text = textOf(file.content);
    expect(text).toContain("Nystartad AB");
    expect(text).toContain(report.id);
    expect(await auditActions(ctx.db, company.organisation.id)).toContain("report.issued");
  });

  it("a company with years of history: trend, plan, actions (confirmed ones as confirmed), hash-list use without key material, the signed text", async () => {
    const company = await companyWithHistory(ctx.db);
    const report = await issueReport(ctx.db, actorFor(company.members.org_admin), company.organisation.id, { period: YEAR, language: "en", trigger: "request" });
    const data = (await reportData(ctx.db, report.id))!;
    expect(data.assessment?.trend.map((t) => t.year)).toEqual([YEAR - 3, YEAR - 2, YEAR - 1, YEAR]);
    expect(data.assessment).toMatchObject({ status: "approved", review: { reviewerName: "Stina Granskare" } });
    expect(data.assessment!.sections.length).toBeGreaterThan(0);
    expect(data.assessment!.gaps.length).toBeGreaterThan(0);
    expect(data.plan.items.length).toBeGreaterThan(0);
    expect(data.plan.done).toBe(1);
    expect(data.actions.totals).toMatchObject({ count: HISTORY_ACTIONS, confirmed: HISTORY_CONFIRMED });
    expect(data.actions.items.filter((a) => a.confirmed)).toHaveLength(HISTORY_CONFIRMED);
    expect(data.actions.totals.figures.map((f) => f.value)).toContain("260,000 SEK");
    expect(data.hashlist).toMatchObject({ active: true, activeKeys: 1, lists: ["Industry list"] });
    expect(data.hashlist.lastSyncAt).not.toBeNull();
    expect(data.commitment).toMatchObject({ signerTitle: "Regelefterlevnadsansvarig", method: "password", text: company.commitment.text.sv });
    expect(data.confirmation).toMatchObject({ assessmentConfirmed: true, confirmedActions: HISTORY_CONFIRMED });
    expect(JSON.stringify(data)).not.toContain(company.key.secret);

    const file = (await reportFile(ctx.db, report.id, company.organisation.id))!;
    const text = textOf(file.content);
    expect(text).toContain("Historia Hosting AB");
    expect(text).toContain("Utbildning nummer 1");
    expect(text).not.toContain(company.key.secret);
    expect(text).toContain(flat(company.commitment.text.sv.split("\n")[0]!.slice(0, 60)));
    expect(sha256Hex((await renderReport(data)).pdf)).toBe(report.sha256);
  });

  it("is refused for an organisation that is not approved, or a year out of range, and writes nothing", async () => {
    await setUpHashLists(ctx.db);
    const pending = await createCompany(ctx.db, { status: "under_review" });
    const approved = await createCompany(ctx.db);
    const before = await counts();
    await expectCode(issueReport(ctx.db, actorFor(pending.members.org_admin), pending.organisation.id, { period: YEAR, language: "sv", trigger: "request" }), "report_not_approved");
    await expectCode(issueReport(ctx.db, actorFor(approved.members.org_admin), approved.organisation.id, { period: YEAR - 3, language: "sv", trigger: "request" }), "report_period_invalid");
    expect(await counts()).toEqual(before);
  });

  it("is issued when the NGO approves the year's assessment, in the submitter's language, and the company is told", async () => {
    await publishFixtures(ctx.db);
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { name: "Godkänd AB" });
    await ctx.db.updateTable("user").set({ locale: "en" }).where("id", "=", company.members.compliance_officer.id).execute();
    const officer = actorFor(company.members.compliance_officer);
    const { id } = await startAssessment(ctx.db, officer, company.organisation.id, { year: YEAR, extraModules: [] });
    await saveAnswers(ctx.db, officer, company.organisation.id, id, [
      { questionId: "core.policy.has", value: "yes", baseVersion: 0 },
      { questionId: "core.policy.maturity", value: "3", baseVersion: 0 },
      { questionId: "core.products.detection", value: "partial", baseVersion: 0 },
      { questionId: "core.products.reporting", value: ["form"], baseVersion: 0 },
      { questionId: "core.products.trained", value: "10", baseVersion: 0 },
      { questionId: "hosting.takedown.process", value: "3", baseVersion: 0 },
    ]);
    await submitAssessment(ctx.db, officer, company.organisation.id, id);
    const staff = actorFor(await createUser(ctx.db, { staffRole: "staff" }));
    await reviewAssessment(ctx.db, staff, id, { decision: "approve", comments: [] });
    const report = await issueAfterApproval(ctx.db, staff, id);
    expect(report).toMatchObject({ trigger: "assessment_approved", language: "en", period: YEAR });
    const mails = (await outbox(ctx.db)).filter((m) => m.template === "report_issued");
    expect(mails.map((m) => m.to_address).sort()).toEqual([company.members.compliance_officer.email, company.members.org_admin.email].sort());
    expect((await reportData(ctx.db, report.id))!.assessment).toMatchObject({ status: "approved" });
  });
});

describe("withdrawal and verification", () => {
  it("a genuine file matches, an altered one does not, a withdrawn report says so; only staff's reason withdraws it, once", async () => {
    await setUpHashLists(ctx.db);
    const a = await createCompany(ctx.db, { name: "Verifierad AB" });
    const b = await createCompany(ctx.db, { name: "Annan AB" });
    const report = await issueReport(ctx.db, actorFor(a.members.org_admin), a.organisation.id, { period: YEAR, language: "en", trigger: "request" });
    const file = (await reportFile(ctx.db, report.id, a.organisation.id))!;

    // Only within its organisation (or for staff).
    expect(await getReport(ctx.db, report.id, b.organisation.id)).toBeNull();
    expect(await reportFile(ctx.db, report.id, b.organisation.id)).toBeNull();
    expect(await listReports(ctx.db, b.organisation.id)).toEqual([]);
    expect(await getReport(ctx.db, "not-an-id", null)).toBeNull();

    const pub = (await publicReport(ctx.db, report.id))!;
    expect(Object.keys(pub).sort()).toEqual(["id", "issuedAt", "organisationName", "period", "sha256", "status", "withdrawnAt"]);
    expect(await checkReportHash(ctx.db, "203.0.113.9", pub, sha256Hex(file.content))).toBe("match");
    const altered = Buffer.from(file.content);
    altered[altered.length - 20] = altered[altered.length - 20]! ^ 1;
    expect(await checkReportHash(ctx.db, "203.0.113.9", pub, sha256Hex(altered))).toBe("mismatch");
    await expectCode(checkReportHash(ctx.db, "203.0.113.9", pub, "not a hash"), "report_hash_invalid");

    const staff = actorFor(await createUser(ctx.db, { staffRole: "staff" }));
    await expectCode(withdrawReport(ctx.db, staff, report.id, "  "), "report_reason_required");
    expect((await getReport(ctx.db, report.id, null))!.status).toBe("valid");
    await withdrawReport(ctx.db, staff, report.id, "The assessment was found to be wrong.");
    await expectCode(withdrawReport(ctx.db, staff, report.id, "Again, for good measure."), "report_already_withdrawn");
    const withdrawn = (await publicReport(ctx.db, report.id))!;
    expect(withdrawn.status).toBe("withdrawn");
    expect(withdrawn.withdrawnAt).not.toBeNull();
    expect(await checkReportHash(ctx.db, null, withdrawn, sha256Hex(file.content))).toBe("match");
    expect(await auditActions(ctx.db, a.organisation.id)).toContain("report.withdrawn");
    expect((await outbox(ctx.db)).filter((m) => m.template === "report_withdrawn")).toHaveLength(2);
  });
});
