/**
 * Scoring: pure functions over a framework's questions and an assessment's answers.
 *
 * - A question counts when it is visible (its condition holds), scored (maturity, yes/partly/no,
 *   single or multiple choice) and not answered "not applicable".
 * - Its score is 0–1: maturity level / 4; yes 1, partly 0.5, no 0; the chosen option's score; for
 *   multiple choice, the sum of the chosen options' scores, at most 1. An unanswered question scores 0,
 *   so the score rises as the assessment is filled in.
 * - A section's score, and the overall score, is the weighted mean over the questions that count,
 *   as 0–100; null when nothing counts.
 * - A gap is a counting question scoring below 0.75, ranked by what it costs: weight × (1 − score).
 */
import { SCORED_TYPES, type FrameworkFile, type LocalText, type Question, type Section } from "./framework-schema";

/** An answer as stored: a string (level, choice, option id, number, date, text) or a list (multiple choice). */
export type AnswerValue = string | string[];
export type Answers = ReadonlyMap<string, AnswerValue>;

export const NOT_APPLICABLE = "na";
export const GAP_THRESHOLD = 0.75;

export function isAnswered(value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  return Array.isArray(value) ? value.length > 0 : value.trim() !== "";
}

/** Whether a question is shown, given the answers so far (conditions may point at any module). */
export function isVisible(question: Question, answers: Answers, questionsById: ReadonlyMap<string, Question>): boolean {
  const c = question.condition;
  if (!c) return true;
  const target = questionsById.get(c.question);
  // A question whose condition's own question is hidden is hidden too.
  if (!target || !isVisible(target, answers, questionsById)) return false;
  const value = answers.get(c.question);
  if (!isAnswered(value)) return false;
  if (c.atLeast !== undefined) return Number(value) >= c.atLeast;
  const values = Array.isArray(value) ? value : [value!];
  return values.some((v) => c.anyOf!.includes(v));
}

/** The 0–1 score of an answer, or null when the question does not count (not scored, or n/a). */
export function answerScore(question: Question, value: AnswerValue | undefined): number | null {
  if (!SCORED_TYPES.includes(question.type)) return null;
  if (value === NOT_APPLICABLE) return null;
  if (!isAnswered(value)) return 0;
  switch (question.type) {
    case "maturity":
      return Math.min(4, Math.max(0, Number(value))) / 4;
    case "yes_partly_no":
      return value === "yes" ? 1 : value === "partly" ? 0.5 : 0;
    case "single":
      return question.options.find((o) => o.id === value)?.score ?? 0;
    case "multiple": {
      const chosen = new Set(Array.isArray(value) ? value : [value!]);
      return Math.min(1, question.options.filter((o) => chosen.has(o.id)).reduce((sum, o) => sum + o.score, 0));
    }
    default:
      return null;
  }
}

export interface QuestionResult {
  question: Question;
  sectionId: string;
  visible: boolean;
  answered: boolean;
  score: number | null;
}

export interface SectionResult {
  section: Section;
  frameworkId: string;
  score: number | null;
  answered: number;
  required: number;
  requiredAnswered: number;
}

export interface Gap {
  question: Question;
  sectionId: string;
  score: number;
  cost: number;
  recommendation: LocalText | undefined;
}

export interface Results {
  overall: number | null;
  sections: SectionResult[];
  questions: QuestionResult[];
  gaps: Gap[];
  /** Visible required questions without an answer: submitting is refused while there are any. */
  missing: QuestionResult[];
  progress: { answered: number; required: number };
}

const weightedPercent = (items: { weight: number; score: number }[]) => {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  return total === 0 ? null : Math.round((items.reduce((sum, i) => sum + i.weight * i.score, 0) / total) * 100);
};

export function indexQuestions(frameworks: readonly FrameworkFile[]): Map<string, Question> {
  const byId = new Map<string, Question>();
  for (const f of frameworks) for (const s of f.sections) for (const q of s.questions) byId.set(q.id, q);
  return byId;
}

/** Scores an assessment made of these framework modules (the core first). */
export function scoreAssessment(frameworks: readonly FrameworkFile[], answers: Answers): Results {
  const byId = indexQuestions(frameworks);
  const questions: QuestionResult[] = [];
  const sections: SectionResult[] = [];
  for (const f of frameworks) {
    for (const section of f.sections) {
      const counted: { weight: number; score: number }[] = [];
      let answered = 0;
      let required = 0;
      let requiredAnswered = 0;
      for (const question of section.questions) {
        const value = answers.get(question.id);
        const visible = isVisible(question, answers, byId);
        const isDone = isAnswered(value);
        const score = visible ? answerScore(question, value) : null;
        questions.push({ question, sectionId: section.id, visible, answered: isDone, score });
        if (!visible) continue;
        if (isDone) answered++;
        if (question.required) {
          required++;
          if (isDone) requiredAnswered++;
        }
        if (score !== null) counted.push({ weight: question.weight, score });
      }
      sections.push({ section, frameworkId: f.id, score: weightedPercent(counted), answered, required, requiredAnswered });
    }
  }
  const counting = questions.filter((q) => q.score !== null);
  const gaps = counting
    .filter((q) => q.score! < GAP_THRESHOLD)
    .map((q) => ({ question: q.question, sectionId: q.sectionId, score: q.score!, cost: q.question.weight * (1 - q.score!), recommendation: q.question.recommendation }))
    .sort((a, b) => b.cost - a.cost || a.question.id.localeCompare(b.question.id));
  const missing = questions.filter((q) => q.visible && q.question.required && !q.answered);
  const required = questions.filter((q) => q.visible && q.question.required);
  return {
    overall: weightedPercent(counting.map((q) => ({ weight: q.question.weight, score: q.score! }))),
    sections,
    questions,
    gaps,
    missing,
    progress: { answered: required.length - missing.length, required: required.length },
  };
}

/** The maturity level (0–4) an overall score falls in, by the core's levels. */
export function maturityLevel(core: FrameworkFile, overall: number | null): number | null {
  if (overall === null || !core.maturityLevels) return null;
  let level = 0;
  for (const [i, l] of core.maturityLevels.entries()) if (overall >= l.from) level = i;
  return level;
}
