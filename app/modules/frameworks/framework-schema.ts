/**
 * The format of an assessment framework file (db/frameworks/*.json): data, not code. One file per
 * module: the common core, or one industry's module. `validateFramework` checks a file beyond its
 * shape: unique ids, conditions that point at earlier questions, weights and traces that make sense.
 */
import { z } from "zod";

export const TRACE_FRAMEWORKS = {
  /** The Code (tourism): six criteria. */
  code: ["C1", "C2", "C3", "C4", "C5", "C6"],
  /** Children's Rights and Business Principles: ten principles. */
  crbp: ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"],
  /** Voluntary Principles to Counter Online CSEA: eleven principles. */
  vp: ["VP1", "VP2", "VP3", "VP4", "VP5", "VP6", "VP7", "VP8", "VP9", "VP10", "VP11"],
  /** ITU/UNICEF Child Online Protection guidelines: five areas. */
  itu: ["ITU1", "ITU2", "ITU3", "ITU4", "ITU5"],
  /** Due diligence (UN Guiding Principles): six steps. */
  dd: ["policy", "assess", "engage", "integrate", "report", "remediate"],
} as const;

export type TraceFramework = keyof typeof TRACE_FRAMEWORKS;

const text = z.object({ sv: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
export type LocalText = z.infer<typeof text>;

const id = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, "ids are lower-case words separated by dots");

const option = z.object({ id: z.string().regex(/^[a-z0-9_]+$/), label: text, score: z.number().min(0).max(1) }).strict();

const condition = z
  .object({
    /** An earlier question of the same module (or of the core, for an industry module). */
    question: id,
    /** Shown when that answer is one of these values (yes/partly/no/na, option ids) … */
    anyOf: z.array(z.string()).min(1).optional(),
    /** … or, for a maturity question, when its level is at least this. */
    atLeast: z.number().int().min(0).max(4).optional(),
  })
  .strict()
  .refine((c) => (c.anyOf === undefined) !== (c.atLeast === undefined), "a condition has either anyOf or atLeast");

const traces = z
  .object({
    code: z.array(z.enum(TRACE_FRAMEWORKS.code)).optional(),
    crbp: z.array(z.enum(TRACE_FRAMEWORKS.crbp)).optional(),
    vp: z.array(z.enum(TRACE_FRAMEWORKS.vp)).optional(),
    itu: z.array(z.enum(TRACE_FRAMEWORKS.itu)).optional(),
    dd: z.array(z.enum(TRACE_FRAMEWORKS.dd)).optional(),
  })
  .strict();

const base = {
  id,
  text,
  /** What good looks like: shown beside the question. */
  guidance: text,
  /** How much the question counts in its section (0 for questions that are not scored). */
  weight: z.number().int().min(0).max(5),
  required: z.boolean().default(true),
  condition: condition.optional(),
  /** Whether evidence (a link or a small file) can be attached, and whether it is asked for. */
  evidence: z.enum(["none", "optional", "recommended"]).default("optional"),
  /** What to do about a weak answer: feeds the gaps and the improvement plan. */
  recommendation: text.optional(),
  traces,
};

export const questionSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("maturity"), levels: z.array(text).length(5) }).strict(),
  z.object({ ...base, type: z.literal("yes_partly_no"), allowNotApplicable: z.boolean().default(false) }).strict(),
  z.object({ ...base, type: z.literal("single"), options: z.array(option).min(2), allowNotApplicable: z.boolean().default(false) }).strict(),
  z.object({ ...base, type: z.literal("multiple"), options: z.array(option).min(2) }).strict(),
  z.object({ ...base, type: z.literal("number"), min: z.number().default(0), max: z.number().optional(), unit: text.optional() }).strict(),
  z.object({ ...base, type: z.literal("date") }).strict(),
  z.object({ ...base, type: z.literal("text"), maxLength: z.number().int().min(1).max(10_000).default(2000) }).strict(),
]);

export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question["type"];

export const SCORED_TYPES: QuestionType[] = ["maturity", "yes_partly_no", "single", "multiple"];

const section = z.object({ id, title: text, intro: text.optional(), questions: z.array(questionSchema).min(1) }).strict();
export type Section = z.infer<typeof section>;

export const frameworkFileSchema = z
  .object({
    /** "core", or the industry: travel, online_platforms, hosting, telecom, payments, gaming, retail, employer. */
    id: z.enum(["core", "travel", "online_platforms", "hosting", "telecom", "payments", "gaming", "retail", "employer"]),
    /** Bumped for every published change: YYYY.N. */
    version: z.string().regex(/^\d{4}\.\d+$/),
    title: text,
    description: text,
    sections: z.array(section).min(1),
    /** The core only: the maturity levels the overall score maps to (five, from 0 upwards). */
    maturityLevels: z
      .array(z.object({ from: z.number().min(0).max(100), name: text, description: text }).strict())
      .length(5)
      .optional(),
  })
  .strict();

export type FrameworkFile = z.infer<typeof frameworkFileSchema>;

export interface ValidationProblem {
  path: string;
  message: string;
}

/**
 * Everything about a framework file that its shape alone cannot say. `core` is the published core
 * (industry modules may make a question conditional on a core answer).
 */
export function validateFramework(input: unknown, core?: FrameworkFile): { framework?: FrameworkFile; problems: ValidationProblem[] } {
  const parsed = frameworkFileSchema.safeParse(input);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
  }
  const framework = parsed.data;
  const problems: ValidationProblem[] = [];
  const seen = new Map<string, Question>();
  const earlier = new Map<string, Question>();
  if (framework.id !== "core" && core) for (const s of core.sections) for (const q of s.questions) earlier.set(q.id, q);
  const sectionIds = new Set<string>();
  const prefix = `${framework.id}.`;

  for (const [si, s] of framework.sections.entries()) {
    const at = `sections.${si}`;
    if (sectionIds.has(s.id)) problems.push({ path: `${at}.id`, message: `duplicate section id ${s.id}` });
    sectionIds.add(s.id);
    if (!s.id.startsWith(prefix)) problems.push({ path: `${at}.id`, message: `section ids start with "${prefix}"` });
    for (const [qi, q] of s.questions.entries()) {
      const qat = `${at}.questions.${qi}`;
      if (seen.has(q.id) || earlier.has(q.id)) problems.push({ path: `${qat}.id`, message: `duplicate question id ${q.id}` });
      if (!q.id.startsWith(prefix)) problems.push({ path: `${qat}.id`, message: `question ids start with "${prefix}"` });
      const scored = SCORED_TYPES.includes(q.type);
      if (scored && q.weight < 1) problems.push({ path: `${qat}.weight`, message: "a scored question needs a weight of 1 to 5" });
      if (!scored && q.weight !== 0) problems.push({ path: `${qat}.weight`, message: `a ${q.type} question is not scored: weight 0` });
      if (scored && !q.recommendation) problems.push({ path: `${qat}.recommendation`, message: "a scored question needs a recommendation for weak answers" });
      const traceCount = Object.values(q.traces).reduce((n, list) => n + (list?.length ?? 0), 0);
      if (scored && traceCount === 0) problems.push({ path: `${qat}.traces`, message: "a scored question traces to at least one reference framework" });
      if (q.type === "single" || q.type === "multiple") {
        const ids = q.options.map((o) => o.id);
        if (new Set(ids).size !== ids.length) problems.push({ path: `${qat}.options`, message: "duplicate option ids" });
        if (!q.options.some((o) => o.score === 1)) problems.push({ path: `${qat}.options`, message: "one option must score 1 (the best answer)" });
      }
      if (q.type === "number" && q.max !== undefined && q.max <= q.min) problems.push({ path: `${qat}.max`, message: "max must be above min" });
      if (q.condition) {
        const target = earlier.get(q.condition.question) ?? seen.get(q.condition.question);
        if (!target) {
          problems.push({ path: `${qat}.condition`, message: `condition on ${q.condition.question}, which is not an earlier question` });
        } else if (q.condition.atLeast !== undefined && target.type !== "maturity") {
          problems.push({ path: `${qat}.condition`, message: "atLeast applies to maturity questions only" });
        } else if (q.condition.anyOf) {
          const allowed =
            target.type === "yes_partly_no"
              ? ["yes", "partly", "no", "na"]
              : target.type === "single" || target.type === "multiple"
                ? target.options.map((o) => o.id)
                : [];
          for (const v of q.condition.anyOf) {
            if (!allowed.includes(v)) problems.push({ path: `${qat}.condition.anyOf`, message: `"${v}" is not an answer of ${target.id}` });
          }
        }
      }
      seen.set(q.id, q);
    }
  }
  if (framework.id === "core") {
    if (!framework.maturityLevels) problems.push({ path: "maturityLevels", message: "the core defines the five maturity levels" });
    else {
      const froms = framework.maturityLevels.map((l) => l.from);
      if (froms[0] !== 0 || froms.some((f, i) => i > 0 && f <= froms[i - 1]!)) {
        problems.push({ path: "maturityLevels", message: "levels start at 0 and rise" });
      }
    }
  } else if (framework.maturityLevels) {
    problems.push({ path: "maturityLevels", message: "only the core defines maturity levels" });
  }
  return { framework, problems };
}
