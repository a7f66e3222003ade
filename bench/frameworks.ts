/**
 * A synthetic framework set for the assessment benchmark: exactly 100 questions for a company in
 * online platforms — a core of 80 questions in 5 sections of 16, and an industry module of 20 in one
 * section (the section the benchmark opens and saves). Every question type occurs (maturity,
 * yes/partly/no, single and multiple choice, number, date, free text), with weights, optional
 * questions, evidence settings, traces, and a few conditions (within a section, and from the
 * industry module on a core answer).
 *
 * The wording is generated, but its size is that of the real content in db/frameworks (measured on
 * the 153 questions there: question ≈ 120 characters, guidance ≈ 440, each maturity level ≈ 120, a
 * recommendation ≈ 210, an option ≈ 60; both languages), because the size is what rendering costs.
 * Deterministic: the same files on every run.
 */
import fs from "node:fs";
import path from "node:path";
import { validateFramework, type FrameworkFile, type LocalText, type Question } from "~/modules/frameworks/framework-schema";
import { mulberry32Unit } from "../test/support/prng";

export const BENCH_INDUSTRY = "online_platforms" as const;
/** The section of 20 questions that the benchmark opens and saves. */
export const BENCH_SECTION_ID = `${BENCH_INDUSTRY}.safety`;

const EN = [
  "the company", "children", "staff", "suppliers", "the board", "users", "reports", "the hotline", "the police", "contracts",
  "policy", "training", "risk assessment", "procedures", "evidence", "managers", "partners", "moderation", "detection", "known material",
  "grooming", "livestreaming", "age assurance", "safety by design", "incidents", "victims", "support", "transparency", "indicators", "follow-up",
  "is", "are", "has", "documents", "reviews", "measures", "reports on", "trains", "informs", "checks",
  "every year", "in writing", "at least", "clearly", "for all", "with", "and", "or", "in", "of", "on", "when", "how", "who",
];
const SV = [
  "företaget", "barn", "personalen", "leverantörer", "styrelsen", "användare", "anmälningar", "hotline", "polisen", "avtal",
  "policyn", "utbildning", "riskbedömning", "rutiner", "underlag", "chefer", "partner", "moderering", "upptäckt", "känt material",
  "grooming", "livesändning", "åldersverifiering", "inbyggd säkerhet", "händelser", "brottsoffer", "stöd", "öppenhet", "nyckeltal", "uppföljning",
  "är", "har", "dokumenterar", "ser över", "mäter", "rapporterar", "utbildar", "informerar", "kontrollerar", "följer upp",
  "varje år", "skriftligt", "minst", "tydligt", "för alla", "med", "och", "eller", "i", "av", "på", "när", "hur", "vem",
];


const random = mulberry32Unit(100);

/** Words until the text is about `chars` long, in sentences of 8–16 words. */
function prose(words: string[], chars: number, end: string): string {
  let text = "";
  let left = 0;
  while (text.length < chars) {
    const word = words[Math.floor(random() * words.length)]!;
    if (left === 0) {
      text += `${text ? ". " : ""}${word[0]!.toUpperCase()}${word.slice(1)}`;
      left = 8 + Math.floor(random() * 9);
    } else text += ` ${word}`;
    left -= 1;
  }
  return `${text}${end}`;
}

const t = (chars: number, end = "."): LocalText => ({ sv: prose(SV, chars, end), en: prose(EN, chars, end) });

type Kind = Question["type"];

const OPTION_IDS = ["systematic", "most", "some", "on_request", "planned", "none", "other"];

function question(id: string, type: Kind, index: number, extra: Partial<Question> = {}): Question {
  const scored = type === "maturity" || type === "yes_partly_no" || type === "single" || type === "multiple";
  const common = {
    id,
    text: t(116, "?"),
    guidance: t(440),
    weight: scored ? 1 + (index % 5) : 0,
    required: scored || index % 3 !== 0,
    evidence: (type === "number" || type === "date" ? "none" : index % 4 === 0 ? "recommended" : "optional") as Question["evidence"],
    ...(scored ? { recommendation: t(200) } : {}),
    traces: scored ? { crbp: [(["P1", "P2", "P4", "P7"] as const)[index % 4]!], dd: [(["policy", "assess", "integrate", "report"] as const)[index % 4]!] } : {},
  };
  switch (type) {
    case "maturity":
      return { ...common, type, levels: [0, 1, 2, 3, 4].map((l) => ({ sv: `${l} – ${prose(SV, 110, ".")}`, en: `${l} – ${prose(EN, 110, ".")}` })), ...extra } as Question;
    case "yes_partly_no":
      return { ...common, type, allowNotApplicable: index % 5 === 0, ...extra } as Question;
    case "single": {
      const n = 4 + (index % 3);
      return { ...common, type, allowNotApplicable: false, options: OPTION_IDS.slice(0, n).map((o, i) => ({ id: o, label: t(55, ""), score: i === 0 ? 1 : Math.max(0, 1 - i / (n - 1)) })), ...extra } as Question;
    }
    case "multiple":
      return { ...common, type, options: OPTION_IDS.slice(0, 6).map((o, i) => ({ id: o, label: t(55, ""), score: i < 2 ? 1 : 0.5 })), ...extra } as Question;
    case "number":
      return { ...common, type, min: 0, max: index % 2 ? 10_000 : undefined, unit: { sv: "ärenden", en: "cases" }, ...extra } as Question;
    case "date":
      return { ...common, type, ...extra } as Question;
    case "text":
      return { ...common, type, maxLength: 2000, ...extra } as Question;
  }
}

/** The types of a 16-question core section (about the real content's mix). */
const CORE_TYPES: Kind[] = ["maturity", "yes_partly_no", "yes_partly_no", "single", "maturity", "yes_partly_no", "number", "multiple", "maturity", "yes_partly_no", "single", "yes_partly_no", "maturity", "date", "yes_partly_no", "text"];
/** The types of the industry section of 20 (the one measured). */
const SECTION_TYPES: Kind[] = [
  "yes_partly_no", "yes_partly_no", "maturity", "single", "number", "maturity", "multiple", "maturity", "yes_partly_no", "single",
  "text", "yes_partly_no", "maturity", "number", "yes_partly_no", "single", "multiple", "date", "maturity", "yes_partly_no",
];
const CORE_SECTIONS = ["governance", "staff", "reporting", "value_chain", "products"];

const qid = (section: string, i: number) => `${section}.q${String(i + 1).padStart(2, "0")}`;

function build(): { core: FrameworkFile; module: FrameworkFile } {
  const core: FrameworkFile = {
    id: "core",
    version: "2026.1",
    title: { sv: "Gemensam kärna (benchmark)", en: "Common core (benchmark)" },
    description: t(300),
    maturityLevels: ["Inledande", "Under uppbyggnad", "Etablerad", "Integrerad", "Ledande"].map((name, i) => ({
      from: i * 20,
      name: { sv: name, en: ["Initial", "Developing", "Established", "Integrated", "Leading"][i]! },
      description: t(180),
    })),
    sections: CORE_SECTIONS.map((name, s) => {
      const id = `core.${name}`;
      return {
        id,
        title: { sv: `Avsnitt ${s + 1}: ${SV[s + 10]}`, en: `Section ${s + 1}: ${EN[s + 10]}` },
        intro: t(250),
        questions: CORE_TYPES.map((type, i) => {
          // In two sections, the question after the first yes/partly/no one depends on it.
          const condition = i === 2 && s % 2 === 0 ? { question: qid(id, 1), anyOf: ["yes", "partly"] } : undefined;
          return question(qid(id, i), type, s * 16 + i, condition ? { condition } : {});
        }),
      };
    }),
  };
  const section = BENCH_SECTION_ID;
  const module: FrameworkFile = {
    id: BENCH_INDUSTRY,
    version: "2026.1",
    title: { sv: "Onlineplattformar (benchmark)", en: "Online platforms (benchmark)" },
    description: t(300),
    sections: [
      {
        id: section,
        title: { sv: "Säkerhet på plattformen", en: "Safety on the platform" },
        intro: t(250),
        questions: SECTION_TYPES.map((type, i) => {
          // Three conditions, all met by the answers the benchmark gives: on an earlier question of
          // the section (yes/partly/no, and maturity at least 2) and on a core answer.
          const condition =
            i === 1
              ? { question: qid(section, 0), anyOf: ["yes", "partly"] }
              : i === 8
                ? { question: qid(section, 7), atLeast: 2 }
                : i === 14
                  ? { question: qid("core.products", 1), anyOf: ["yes", "partly"] }
                  : undefined;
          const q = question(qid(section, i), type, 80 + i, condition ? { condition } : {});
          // The online-platform questions trace to the Voluntary Principles as well.
          return q.weight > 0 ? { ...q, traces: { ...q.traces, vp: [(["VP1", "VP3", "VP5", "VP8"] as const)[i % 4]!] } } : q;
        }),
      },
    ],
  };
  return { core, module };
}

/**
 * Writes core.json and online_platforms.json into `dir`, each checked with the app's own
 * validateFramework (the module against the core); any problem throws.
 */
export function writeBenchFrameworks(dir: string): { core: FrameworkFile; module: FrameworkFile; questions: Question[] } {
  const { core, module } = build();
  const coreCheck = validateFramework(JSON.parse(JSON.stringify(core)));
  const moduleCheck = validateFramework(JSON.parse(JSON.stringify(module)), coreCheck.framework);
  const problems = [...coreCheck.problems.map((p) => `core ${p.path}: ${p.message}`), ...moduleCheck.problems.map((p) => `${module.id} ${p.path}: ${p.message}`)];
  if (problems.length || !coreCheck.framework || !moduleCheck.framework) throw new Error(`The benchmark's frameworks are invalid:\n${problems.join("\n")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "core.json"), `${JSON.stringify(coreCheck.framework, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `${module.id}.json`), `${JSON.stringify(moduleCheck.framework, null, 2)}\n`);
  const questions = [coreCheck.framework, moduleCheck.framework].flatMap((f) => f.sections.flatMap((s) => s.questions));
  if (questions.length !== 100) throw new Error(`The benchmark's frameworks have ${questions.length} questions, not 100.`);
  return { core: coreCheck.framework, module: moduleCheck.framework, questions };
}

/**
 * Two valid answers to each question (`variant` 0 or 1), as the form sends them. Both meet every
 * condition of the benchmark's frameworks (yes/partly; maturity 2/3), so no question appears or
 * disappears when an answer alternates between them.
 */
export function answerFor(q: Question, variant: 0 | 1): string | string[] {
  switch (q.type) {
    case "maturity":
      return variant ? "3" : "2";
    case "yes_partly_no":
      return variant ? "partly" : "yes";
    case "single":
      return q.options[variant ? 1 : 0]!.id;
    case "multiple":
      return variant ? [q.options[0]!.id, q.options[2]!.id] : [q.options[0]!.id, q.options[1]!.id];
    case "number":
      return variant ? "15" : "12";
    case "date":
      return variant ? "2026-02-15" : "2026-01-15";
    case "text":
      return variant
        ? "Vi har en utsedd kontaktperson i ledningsgruppen och en ersättare; båda har gått ECPAT:s utbildning och nås via den interna kanalen för anmälningar (uppdaterad)."
        : "Vi har en utsedd kontaktperson i ledningsgruppen och en ersättare; båda har gått ECPAT:s utbildning och nås via den interna kanalen för anmälningar.";
  }
}

