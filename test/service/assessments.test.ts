import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import {
  addCompanyComment,
  listComments,
  listReviewQueue,
  loadAssessment,
  resultsOf,
  reviewAssessment,
  saveAnswers,
  startAssessment,
  submitAssessment,
  type AnswerChange,
} from "~/modules/assessments/assessments.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { publishFixtures } from "../support/frameworks";
import { auditActions, createCompany, createUser, outbox, rowCounts } from "../support/factories";

const ctx = useTestDb();
const YEAR = new Date().getUTCFullYear();

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

const actorFor = (u: { id: string; email: string }): Actor => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.4" });


/** Answers every required question of the fixture frameworks. */
const complete: AnswerChange[] = [
  { questionId: "core.policy.has", value: "partly", baseVersion: 0 },
  { questionId: "core.policy.maturity", value: "2", baseVersion: 0 },
  { questionId: "core.products.detection", value: "full", baseVersion: 0 },
  { questionId: "core.products.reporting", value: ["form", "inapp"], baseVersion: 0 },
  { questionId: "core.products.trained", value: "25", baseVersion: 0 },
  { questionId: "hosting.takedown.process", value: "3", baseVersion: 0 },
  { questionId: "travel.code.member", value: "no", baseVersion: 0 },
];

describe("the yearly self-assessment", () => {
  it("start → answer → submit → return with comments → fix → resubmit → approve (locked) → next year carries over", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members } = await createCompany(ctx.db);
    const officer = actorFor(members.compliance_officer);
    const staffUser = await createUser(ctx.db, { staffRole: "staff" });
    const staff = actorFor(staffUser);

    const { id } = await startAssessment(ctx.db, officer, organisation.id, { year: YEAR, extraModules: ["travel"] });
    let loaded = await loadAssessment(ctx.db, id, organisation.id);
    expect(loaded.frameworks.map((f) => f.frameworkId)).toEqual(["core", "hosting", "travel"]);
    expect(loaded.assessment.status).toBe("draft");

    // Partly answered: the score is visible and submitting says what is missing.
    await saveAnswers(ctx.db, officer, organisation.id, id, complete.slice(0, 2));
    loaded = await loadAssessment(ctx.db, id, organisation.id);
    expect(resultsOf(loaded).sections[0]!.score).toBe(50);
    await expect(submitAssessment(ctx.db, officer, organisation.id, id)).rejects.toSatisfy(
      (e: any) => e.code === "assessment_incomplete" && e.details.data.missing.includes("core.products.detection"),
    );

    await saveAnswers(ctx.db, officer, organisation.id, id, complete.slice(2));
    await submitAssessment(ctx.db, officer, organisation.id, id);
    loaded = await loadAssessment(ctx.db, id, organisation.id);
    expect(loaded.assessment.status).toBe("submitted");
    expect(loaded.assessment.score).toBe(resultsOf(loaded).overall);
    expect(loaded.assessment.sectionScores["core.policy"]).toBe(50);
    expect((await listReviewQueue(ctx.db)).map((a) => a.id)).toEqual([id]);
    await expectCode(saveAnswers(ctx.db, officer, organisation.id, id, [{ questionId: "core.policy.has", value: "yes", baseVersion: 1 }]), "assessment_locked");
    expect((await outbox(ctx.db)).map((m) => m.to_address)).toContain(staffUser.email);

    // Returning needs a comment; comments can point at questions.
    await expectCode(reviewAssessment(ctx.db, staff, id, { decision: "return", comments: [] }), "review_comment_required");
    await reviewAssessment(ctx.db, staff, id, { decision: "return", summary: "Nästan klart.", comments: [{ questionId: "core.policy.has", body: "Bifoga policyn." }] });
    expect((await loadAssessment(ctx.db, id, organisation.id)).assessment.status).toBe("returned");
    const comments = await listComments(ctx.db, id);
    expect(comments.map((c) => [c.questionId, c.body, c.byStaff])).toEqual([
      ["core.policy.has", "Bifoga policyn.", true],
      [null, "Nästan klart.", true],
    ]);
    await addCompanyComment(ctx.db, officer, organisation.id, id, { questionId: "core.policy.has", body: "Nu bifogad." });
    await saveAnswers(ctx.db, officer, organisation.id, id, [{ questionId: "core.policy.has", value: "yes", baseVersion: 1 }]);
    await submitAssessment(ctx.db, officer, organisation.id, id);
    await reviewAssessment(ctx.db, staff, id, { decision: "approve", comments: [] });
    loaded = await loadAssessment(ctx.db, id, organisation.id);
    expect(loaded.assessment.status).toBe("approved");
    await expectCode(saveAnswers(ctx.db, officer, organisation.id, id, [{ questionId: "core.policy.has", value: "no", baseVersion: 2 }]), "assessment_locked");
    await expectCode(reviewAssessment(ctx.db, staff, id, { decision: "return", summary: "x", comments: [] }), "assessment_wrong_status");
    expect(await auditActions(ctx.db, organisation.id)).toEqual([
      "assessment.started",
      "assessment.answers_saved",
      "assessment.answers_saved",
      "assessment.submitted",
      "assessment.returned",
      "assessment.commented",
      "assessment.answers_saved",
      "assessment.submitted",
      "assessment.approved",
    ]);
    const mails = (await outbox(ctx.db)).map((m) => m.subject);
    expect(mails).toContain(`Självskattningen ${YEAR} behöver kompletteras`);
    expect(mails).toContain(`Självskattningen ${YEAR} är godkänd`);

    // Next year starts from this year's answers, marked as carried over until confirmed.
    const next = await startAssessment(ctx.db, officer, organisation.id, { year: YEAR + 1, extraModules: [] });
    expect(next.carriedOver).toBe(6);
    const nextLoaded = await loadAssessment(ctx.db, next.id, organisation.id);
    expect(nextLoaded.frameworks.map((f) => f.frameworkId)).toEqual(["core", "hosting"]);
    expect(nextLoaded.answers.get("core.policy.has")).toMatchObject({ value: "yes", carriedOver: true });
    expect(nextLoaded.answers.has("travel.code.member")).toBe(false);
    await expect(submitAssessment(ctx.db, officer, organisation.id, next.id)).rejects.toSatisfy((e: any) => e.code === "assessment_incomplete" && e.details.data.unconfirmed.length === 6);
    await saveAnswers(
      ctx.db,
      officer,
      organisation.id,
      next.id,
      [...nextLoaded.answers].map(([questionId, a]) => ({ questionId, value: a.value, baseVersion: a.version, confirm: true })),
    );
    await submitAssessment(ctx.db, officer, organisation.id, next.id);
  });

  it("never silently overwrites: the second of two editors gets a conflict with both values", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members } = await createCompany(ctx.db);
    const a = actorFor(members.compliance_officer);
    const b = actorFor(members.org_admin);
    const { id } = await startAssessment(ctx.db, a, organisation.id, { year: YEAR, extraModules: [] });
    // Both open the page with no answer (version 0); A saves first.
    await saveAnswers(ctx.db, a, organisation.id, id, [{ questionId: "core.policy.has", value: "yes", baseVersion: 0 }]);
    const before = await rowCounts(ctx.db);
    await expect(
      saveAnswers(ctx.db, b, organisation.id, id, [
        { questionId: "core.policy.has", value: "no", baseVersion: 0 },
        { questionId: "core.products.detection", value: "none", baseVersion: 0 },
      ]),
    ).rejects.toSatisfy((e: any) => {
      expect(e.code).toBe("answer_conflict");
      expect(e.details.data.conflicts).toEqual([{ questionId: "core.policy.has", theirs: "yes", mine: "no", by: members.compliance_officer.name, at: expect.any(Number) }]);
      return true;
    });
    // Nothing of B's save was written, not even the answer without a conflict.
    expect(await rowCounts(ctx.db)).toEqual(before);
    expect((await loadAssessment(ctx.db, id, organisation.id)).answers.get("core.policy.has")?.value).toBe("yes");
    // Saving the same value as the other editor is no conflict; starting from their version wins.
    await saveAnswers(ctx.db, b, organisation.id, id, [{ questionId: "core.policy.has", value: "yes", baseVersion: 0 }]);
    await saveAnswers(ctx.db, b, organisation.id, id, [{ questionId: "core.policy.has", value: "no", baseVersion: 1 }]);
    expect((await loadAssessment(ctx.db, id, organisation.id)).answers.get("core.policy.has")).toMatchObject({ value: "no", version: 2 });
  });

  it("refuses bad answers with a code per question and writes nothing", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members } = await createCompany(ctx.db);
    const officer = actorFor(members.compliance_officer);
    const { id } = await startAssessment(ctx.db, officer, organisation.id, { year: YEAR, extraModules: [] });
    const before = await rowCounts(ctx.db);
    await expect(
      saveAnswers(ctx.db, officer, organisation.id, id, [
        { questionId: "core.policy.maturity", value: "7", baseVersion: 0 },
        { questionId: "core.products.trained", value: "-3", baseVersion: 0 },
        { questionId: "core.policy.reviewed", value: "2026-13-01", baseVersion: 0 },
        { questionId: "core.policy.has", value: { evil: true }, baseVersion: 0 },
        { questionId: "travel.code.member", value: "yes", baseVersion: 0 },
        { questionId: "core.products.notes", value: "x".repeat(501), baseVersion: 0 },
        { questionId: "core.products.detection", value: "full", baseVersion: 0 },
      ]),
    ).rejects.toSatisfy((e: any) => {
      expect(e.code).toBe("answers_invalid");
      expect(e.details.fieldErrors).toEqual({
        "core.policy.maturity": "answer_invalid_choice",
        "core.products.trained": "answer_too_small:0",
        "core.policy.reviewed": "answer_date",
        "core.policy.has": "answer_invalid",
        "travel.code.member": "answer_unknown_question",
        "core.products.notes": "too_long:500",
      });
      return true;
    });
    expect(await rowCounts(ctx.db)).toEqual(before);
  });

  it("a company never reads or changes another company's assessment", async () => {
    await publishFixtures(ctx.db);
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const { id } = await startAssessment(ctx.db, actorFor(b.members.compliance_officer), b.organisation.id, { year: YEAR, extraModules: [] });
    const mallory = actorFor(a.members.compliance_officer);
    await expectCode(loadAssessment(ctx.db, id, a.organisation.id), "not_found");
    await expectCode(saveAnswers(ctx.db, mallory, a.organisation.id, id, complete.slice(0, 1)), "not_found");
    await expectCode(submitAssessment(ctx.db, mallory, a.organisation.id, id), "not_found");
    await expectCode(addCompanyComment(ctx.db, mallory, a.organisation.id, id, { questionId: null, body: "hi" }), "not_found");
  });

  it("one assessment per year, in a sensible range, and not for an inactive organisation", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members } = await createCompany(ctx.db);
    const officer = actorFor(members.compliance_officer);
    await startAssessment(ctx.db, officer, organisation.id, { year: YEAR, extraModules: [] });
    await expectCode(startAssessment(ctx.db, officer, organisation.id, { year: YEAR, extraModules: [] }), "assessment_exists");
    await expectCode(startAssessment(ctx.db, officer, organisation.id, { year: YEAR + 5, extraModules: [] }), "assessment_year");
    const suspended = await createCompany(ctx.db, { status: "suspended" });
    await expectCode(startAssessment(ctx.db, actorFor(suspended.members.compliance_officer), suspended.organisation.id, { year: YEAR, extraModules: [] }), "organisation_inactive");
  });
});
