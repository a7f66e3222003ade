/**
 * What assessments say over time and across companies: a company's trend per section, its place
 * against the median of its industry (only where at least five other companies' approved assessments
 * exist, so nobody can be singled out), staff's overview per industry, and the exports.
 */
import type { Db } from "#db/dialect";
import { fromJson } from "#db/json";
import type { Language } from "~/modules/i18n/i18n";
import type { Question } from "~/modules/frameworks/framework-schema";
import type { AnswerValue } from "~/modules/frameworks/scoring";
import type { Industry } from "~/modules/organisations/schema";
import { toCsv } from "~/utils/csv";
import { listEvidence } from "./evidence.server";
import { loadAssessment, resultsOf, type LoadedAssessment } from "./assessments.server";

export const MIN_PEERS = 5;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Scores of this organisation's earlier submitted or approved years, oldest first. */
export async function trendOf(db: Db, organisationId: string, upToYear: number) {
  const rows = await db
    .selectFrom("assessment")
    .select(["year", "score", "section_scores", "status"])
    .where("organisation_id", "=", organisationId)
    .where("year", "<=", upToYear)
    .where("status", "in", ["submitted", "approved", "returned"])
    .where("score", "is not", null)
    .orderBy("year")
    .execute();
  return rows.map((r) => ({ year: Number(r.year), score: Number(r.score), status: r.status, sections: fromJson<Record<string, number | null>>(r.section_scores, {}) }));
}

export type IndustryComparison =
  | { available: true; peers: number; overall: number | null; sections: Record<string, number | null> }
  | { available: false; peers: number };

/** The median of the industry's other approved assessments of the same year, if there are enough. */
export async function industryComparison(db: Db, organisationId: string, industry: Industry, year: number): Promise<IndustryComparison> {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select(["a.score", "a.section_scores"])
    .where("a.year", "=", year)
    .where("a.status", "=", "approved")
    .where("o.industry", "=", industry)
    .where("a.organisation_id", "!=", organisationId)
    .execute();
  if (rows.length < MIN_PEERS) return { available: false, peers: rows.length };
  const sectionValues = new Map<string, number[]>();
  for (const r of rows) {
    for (const [id, score] of Object.entries(fromJson<Record<string, number | null>>(r.section_scores, {}))) {
      if (score === null) continue;
      sectionValues.set(id, [...(sectionValues.get(id) ?? []), score]);
    }
  }
  const sections = Object.fromEntries([...sectionValues].filter(([, v]) => v.length >= MIN_PEERS).map(([id, v]) => [id, median(v)]));
  return { available: true, peers: rows.length, overall: median(rows.map((r) => Number(r.score))), sections };
}

/** Staff's overview of a year: per industry, how many companies at each maturity level, and the most common gaps. */
export async function industryOverview(db: Db, year: number) {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select(["a.id", "a.organisation_id", "a.maturity_level", "o.industry"])
    .where("a.year", "=", year)
    .where("a.status", "=", "approved")
    .execute();
  const byIndustry = new Map<string, { levels: number[]; gapCounts: Map<string, { count: number; question: Question }>; companies: number }>();
  for (const r of rows) {
    const entry = byIndustry.get(r.industry) ?? { levels: [0, 0, 0, 0, 0], gapCounts: new Map(), companies: 0 };
    entry.companies++;
    if (r.maturity_level !== null) entry.levels[Number(r.maturity_level)]!++;
    const loaded = await loadAssessment(db, r.id, null);
    for (const gap of resultsOf(loaded).gaps) {
      const g = entry.gapCounts.get(gap.question.id) ?? { count: 0, question: gap.question };
      g.count++;
      entry.gapCounts.set(gap.question.id, g);
    }
    byIndustry.set(r.industry, entry);
  }
  return [...byIndustry].map(([industry, e]) => ({
    industry: industry as Industry,
    companies: e.companies,
    levels: e.levels,
    commonGaps: [...e.gapCounts.values()]
      .sort((a, b) => b.count - a.count || a.question.id.localeCompare(b.question.id))
      .slice(0, 8)
      .map((g) => ({ questionId: g.question.id, text: g.question.text, count: g.count })),
  }));
}

function answerText(question: Question, value: AnswerValue | undefined, language: Language): string {
  if (value === undefined) return "";
  const values = Array.isArray(value) ? value : [value];
  switch (question.type) {
    case "maturity":
      return `${value}: ${question.levels[Number(value)]?.[language] ?? ""}`;
    case "single":
    case "multiple":
      return values.map((v) => (v === "na" ? "n/a" : (question.options.find((o) => o.id === v)?.label[language] ?? v))).join("; ");
    default:
      return values.join("; ");
  }
}

/** The company's assessment as rows: one per question, in framework order. */
export async function assessmentRows(db: Db, loaded: LoadedAssessment, language: Language) {
  const results = resultsOf(loaded);
  const evidence = await listEvidence(db, loaded.assessment.id);
  return results.questions.map((q) => {
    const answer = loaded.answers.get(q.question.id);
    const section = loaded.frameworks.flatMap((f) => f.framework.sections).find((s) => s.id === q.sectionId)!;
    return {
      module: q.question.id.split(".")[0]!,
      sectionId: q.sectionId,
      section: section.title[language],
      questionId: q.question.id,
      question: q.question.text[language],
      type: q.question.type,
      weight: q.question.weight,
      shown: q.visible,
      answer: answer?.value ?? null,
      answerText: answerText(q.question, answer?.value, language),
      score: q.score === null ? null : Math.round(q.score * 100),
      carriedOver: answer?.carriedOver ?? false,
      evidence: evidence.filter((e) => e.questionId === q.question.id).map((e) => (e.kind === "link" ? e.url! : `${e.fileName} (sha256:${e.sha256})`)),
    };
  });
}

export async function assessmentCsv(db: Db, loaded: LoadedAssessment, language: Language) {
  const rows = await assessmentRows(db, loaded, language);
  const header = ["module", "section_id", "section", "question_id", "question", "type", "weight", "shown", "answer", "answer_text", "score", "carried_over", "evidence"];
  return toCsv([
    header,
    ...rows.map((r) => [
      r.module,
      r.sectionId,
      r.section,
      r.questionId,
      r.question,
      r.type,
      r.weight,
      r.shown ? "yes" : "no",
      Array.isArray(r.answer) ? r.answer.join(";") : r.answer,
      r.answerText,
      r.score,
      r.carriedOver ? "yes" : "no",
      r.evidence.join(" | "),
    ]),
  ]);
}

export async function assessmentJson(db: Db, loaded: LoadedAssessment, language: Language) {
  const results = resultsOf(loaded);
  return {
    year: loaded.assessment.year,
    status: loaded.assessment.status,
    frameworks: loaded.frameworks.map((f) => ({ id: f.frameworkId, version: f.version, sha256: f.sha256 })),
    overall: results.overall,
    maturityLevel: results.maturityLevel,
    sections: results.sections.map((s) => ({ id: s.section.id, title: s.section.title[language], score: s.score })),
    gaps: results.gaps.map((g) => ({ questionId: g.question.id, score: Math.round(g.score * 100), recommendation: g.recommendation?.[language] ?? null })),
    answers: await assessmentRows(db, loaded, language),
  };
}

/** Staff: every approved assessment of a year, one row per company, with its section scores. */
export async function yearCsv(db: Db, year: number) {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select(["o.name", "o.country", "o.org_number", "o.industry", "a.year", "a.score", "a.maturity_level", "a.section_scores", "a.decided_at"])
    .where("a.year", "=", year)
    .where("a.status", "=", "approved")
    .orderBy("o.name")
    .execute();
  const sections = [...new Set(rows.flatMap((r) => Object.keys(fromJson<Record<string, number | null>>(r.section_scores, {}))))].sort();
  return toCsv([
    ["organisation", "country", "org_number", "industry", "year", "score", "maturity_level", "approved_at", ...sections],
    ...rows.map((r) => {
      const scores = fromJson<Record<string, number | null>>(r.section_scores, {});
      return [r.name, r.country, r.org_number, r.industry, Number(r.year), r.score === null ? null : Number(r.score), r.maturity_level === null ? null : Number(r.maturity_level), r.decided_at ? new Date(Number(r.decided_at)).toISOString() : null, ...sections.map((s) => scores[s] ?? null)];
    }),
  ]);
}
