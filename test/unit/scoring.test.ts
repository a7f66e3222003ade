import { describe, expect, it } from "vitest";
import { checkAnswer } from "~/modules/frameworks/answers";
import { frameworkFileSchema, validateFramework, type FrameworkFile } from "~/modules/frameworks/framework-schema";
import { answerScore, maturityLevel, scoreAssessment, type AnswerValue } from "~/modules/frameworks/scoring";

const t = (s: string) => ({ sv: `${s} (sv)`, en: s });
const levels = [0, 1, 2, 3, 4].map((l) => t(`level ${l}`));
const common = { guidance: t("good looks like"), recommendation: t("do this"), traces: { crbp: ["P1"] } };

const core: FrameworkFile = frameworkFileSchema.parse({
  id: "core",
  version: "2026.1",
  title: t("Core"),
  description: t("Core"),
  maturityLevels: [0, 20, 40, 60, 80].map((from, i) => ({ from, name: t(`L${i}`), description: t(`L${i}`) })),
  sections: [
    {
      id: "core.policy",
      title: t("Policy"),
      questions: [
        { ...common, id: "core.policy.has", type: "yes_partly_no", text: t("Has a policy?"), weight: 4 },
        { ...common, id: "core.policy.depth", type: "maturity", text: t("How mature?"), weight: 2, levels, condition: { question: "core.policy.has", anyOf: ["yes", "partly"] } },
        { ...common, id: "core.policy.reviewed", type: "date", text: t("Last review"), weight: 0, required: false, recommendation: undefined },
      ],
    },
    {
      id: "core.products",
      title: t("Products"),
      questions: [
        { ...common, id: "core.products.detect", type: "single", text: t("Detection"), weight: 3, allowNotApplicable: true, options: [{ id: "none", label: t("None"), score: 0 }, { id: "some", label: t("Some"), score: 0.5 }, { id: "all", label: t("All"), score: 1 }] },
        { ...common, id: "core.products.channels", type: "multiple", text: t("Channels"), weight: 1, options: [{ id: "a", label: t("A"), score: 0.6 }, { id: "b", label: t("B"), score: 0.6 }, { id: "c", label: t("C"), score: 1 }] },
        { ...common, id: "core.products.count", type: "number", text: t("How many"), weight: 0, min: 0, max: 1000, recommendation: undefined },
      ],
    },
  ],
});

const answers = (entries: Record<string, AnswerValue>) => new Map(Object.entries(entries));

describe("scoring", () => {
  it("scores each type on 0–1", () => {
    const [has, depth] = core.sections[0]!.questions;
    const [detect, channels] = core.sections[1]!.questions;
    expect(answerScore(depth!, "3")).toBe(0.75);
    expect([answerScore(has!, "yes"), answerScore(has!, "partly"), answerScore(has!, "no")]).toEqual([1, 0.5, 0]);
    expect(answerScore(detect!, "some")).toBe(0.5);
    expect(answerScore(detect!, "na")).toBeNull();
    expect(answerScore(channels!, ["a", "b"])).toBe(1);
    expect(answerScore(channels!, ["a"])).toBe(0.6);
    expect(answerScore(has!, undefined)).toBe(0);
  });

  it("weights questions, leaves out hidden and not-applicable ones, and counts unanswered ones as 0", () => {
    // Policy: has=partly (0.5 × 4), depth=2 (0.5 × 2) → 50. Products: detect n/a, channels c (1 × 1) → 100.
    const r = scoreAssessment([core], answers({ "core.policy.has": "partly", "core.policy.depth": "2", "core.products.detect": "na", "core.products.channels": ["c"] }));
    expect(r.sections.map((s) => s.score)).toEqual([50, 100]);
    // Overall over every counting question: (2 + 1 + 1) / (4 + 2 + 1) = 57 %.
    expect(r.overall).toBe(57);
    // "no" hides the follow-up: it neither counts nor is required.
    const no = scoreAssessment([core], answers({ "core.policy.has": "no" }));
    expect(no.questions.find((q) => q.question.id === "core.policy.depth")?.visible).toBe(false);
    expect(no.sections[0]!.score).toBe(0);
    expect(no.missing.map((q) => q.question.id)).toEqual(["core.products.detect", "core.products.channels", "core.products.count"]);
    // Nothing answered: everything visible counts as 0.
    expect(scoreAssessment([core], answers({})).overall).toBe(0);
  });

  it("ranks the gaps by what they cost and carries their recommendation", () => {
    const r = scoreAssessment([core], answers({ "core.policy.has": "partly", "core.policy.depth": "1", "core.products.detect": "all", "core.products.channels": ["a"] }));
    expect(r.gaps.map((g) => [g.question.id, g.cost])).toEqual([
      ["core.policy.has", 2],
      ["core.policy.depth", 1.5],
      ["core.products.channels", 0.4],
    ]);
    expect(r.gaps[0]!.recommendation?.en).toBe("do this");
  });

  it("tracks progress over visible required questions only", () => {
    const r = scoreAssessment([core], answers({ "core.policy.has": "yes" }));
    expect(r.progress).toEqual({ answered: 1, required: 5 });
  });

  it("maps the overall score to the core's maturity levels", () => {
    expect([0, 19, 20, 59, 80, 100].map((s) => maturityLevel(core, s))).toEqual([0, 0, 1, 2, 4, 4]);
    expect(maturityLevel(core, null)).toBeNull();
  });
});

describe("answers", () => {
  const q = (id: string) => core.sections.flatMap((s) => s.questions).find((x) => x.id === id)!;
  it("accepts what each type allows and normalises it", () => {
    expect(checkAnswer(q("core.policy.depth"), "4")).toEqual({ ok: true, value: "4" });
    expect(checkAnswer(q("core.products.detect"), "na")).toEqual({ ok: true, value: "na" });
    expect(checkAnswer(q("core.products.channels"), ["c", "a"])).toEqual({ ok: true, value: ["a", "c"] });
    expect(checkAnswer(q("core.products.count"), "12,5")).toEqual({ ok: true, value: "12.5" });
    expect(checkAnswer(q("core.policy.reviewed"), "2026-02-28")).toEqual({ ok: true, value: "2026-02-28" });
    expect(checkAnswer(q("core.policy.has"), "")).toEqual({ ok: true, value: null });
  });

  it("refuses wrong types, values out of range and unknown choices", () => {
    expect(checkAnswer(q("core.policy.depth"), "5")).toEqual({ ok: false, error: "answer_invalid_choice" });
    expect(checkAnswer(q("core.policy.has"), "na")).toEqual({ ok: false, error: "answer_invalid_choice" });
    expect(checkAnswer(q("core.products.channels"), ["a", "x"])).toEqual({ ok: false, error: "answer_invalid_choice" });
    expect(checkAnswer(q("core.products.count"), "-1")).toEqual({ ok: false, error: "answer_too_small:0" });
    expect(checkAnswer(q("core.products.count"), "1e9")).toEqual({ ok: false, error: "answer_number" });
    expect(checkAnswer(q("core.products.count"), "1001")).toEqual({ ok: false, error: "answer_too_big:1000" });
    expect(checkAnswer(q("core.policy.reviewed"), "2026-02-30")).toEqual({ ok: false, error: "answer_date" });
    expect(checkAnswer(q("core.policy.has"), { yes: true })).toEqual({ ok: false, error: "answer_invalid" });
  });
});

describe("framework validation", () => {
  it("accepts a well-formed framework", () => {
    expect(validateFramework(core).problems).toEqual([]);
  });

  it("finds duplicate ids, conditions on later or unknown questions, bad weights and missing traces", () => {
    const broken = structuredClone(core) as any;
    broken.sections[0].questions[1].condition = { question: "core.products.detect", anyOf: ["all"] };
    broken.sections[1].questions[0].id = "core.policy.has";
    broken.sections[1].questions[1].weight = 0;
    broken.sections[1].questions[2].weight = 2;
    broken.sections[0].questions[0].traces = {};
    delete broken.sections[0].questions[0].text.en;
    const { problems } = validateFramework(broken);
    expect(problems.map((p) => p.path)).toContain("sections.0.questions.0.text.en");
    delete broken.sections[0].questions[0].text;
    broken.sections[0].questions[0].text = t("x");
    const messages = validateFramework(broken).problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "condition on core.products.detect, which is not an earlier question",
        "duplicate question id core.policy.has",
        "a scored question needs a weight of 1 to 5",
        "a number question is not scored: weight 0",
        "a scored question traces to at least one reference framework",
      ]),
    );
  });
});
