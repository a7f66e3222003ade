import { describe, expect, it } from "vitest";
import { readFrameworkFiles } from "~/modules/frameworks/files.server";
import { SCORED_TYPES, TRACE_FRAMEWORKS } from "~/modules/frameworks/framework-schema";
import { INDUSTRIES } from "~/modules/organisations/schema";

const files = readFrameworkFiles();
const frameworks = files.map((f) => f.framework!).filter(Boolean);

describe("the framework content in db/frameworks", () => {
  it("every file is valid", () => {
    const problems = files.flatMap((f) => f.problems.map((p) => `${f.file} ${p.path}: ${p.message}`));
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("has the common core and a module for each of the eight industries", () => {
    expect(frameworks.map((f) => f.id).sort()).toEqual(["core", ...INDUSTRIES].sort());
  });

  it("has at least 25 core questions and 10 per industry module, mostly scored", () => {
    for (const f of frameworks) {
      const questions = f.sections.flatMap((s) => s.questions);
      const scored = questions.filter((q) => SCORED_TYPES.includes(q.type));
      expect(questions.length, f.id).toBeGreaterThanOrEqual(f.id === "core" ? 25 : 10);
      expect(scored.length / questions.length, f.id).toBeGreaterThan(0.6);
    }
  });

  it("covers every topic the core must cover", () => {
    const core = frameworks.find((f) => f.id === "core")!;
    const text = core.sections.map((s) => `${s.id} ${s.title.en}`.toLowerCase()).join(" | ");
    for (const topic of ["governance", "staff", "reporting", "value", "products", "network", "remedy", "transparency"]) expect(text, topic).toContain(topic);
  });

  it("question ids are unique across every module, and every reference framework is used somewhere", () => {
    const ids = frameworks.flatMap((f) => f.sections.flatMap((s) => s.questions.map((q) => q.id)));
    expect(new Set(ids).size).toBe(ids.length);
    const used = new Set(frameworks.flatMap((f) => f.sections.flatMap((s) => s.questions.flatMap((q) => Object.entries(q.traces).flatMap(([k, v]) => (v ?? []).map((x) => `${k}:${x}`))))));
    for (const [framework, codes] of Object.entries(TRACE_FRAMEWORKS)) {
      expect(codes.filter((c) => used.has(`${framework}:${c}`)).length, framework).toBeGreaterThan(0);
    }
    // The Code's six criteria are all served (by the travel module at least).
    expect(TRACE_FRAMEWORKS.code.filter((c) => !used.has(`code:${c}`))).toEqual([]);
  });

  it("uses every question type, conditions and evidence requests", () => {
    const questions = frameworks.flatMap((f) => f.sections.flatMap((s) => s.questions));
    expect(new Set(questions.map((q) => q.type))).toEqual(new Set(["maturity", "yes_partly_no", "single", "multiple", "number", "date", "text"]));
    expect(questions.filter((q) => q.condition).length).toBeGreaterThanOrEqual(10);
    expect(questions.filter((q) => q.evidence === "recommended").length).toBeGreaterThanOrEqual(5);
  });
});
