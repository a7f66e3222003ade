import type { LocalText, Question } from "./framework-schema";

export type Lang = keyof LocalText;

/** A framework value with every bilingual text replaced by its text in one language. */
export type Localized<T> = T extends LocalText ? string : T extends readonly (infer U)[] ? Localized<U>[] : T extends object ? { [K in keyof T]: Localized<T[K]> } : T;

/** A question as a page shows it: in the reader's language, without what only scoring needs. */
export type LocalQuestion = Question extends infer Q ? (Q extends Question ? Omit<Localized<Q>, "traces" | "recommendation" | "weight" | "condition"> : never) : never;

const isLocalText = (v: object): v is LocalText => {
  const keys = Object.keys(v);
  return keys.length === 2 && typeof (v as LocalText).sv === "string" && typeof (v as LocalText).en === "string";
};

function localize<T>(value: T, lang: Lang): Localized<T> {
  if (Array.isArray(value)) return value.map((v) => localize(v, lang)) as Localized<T>;
  if (value !== null && typeof value === "object") {
    if (isLocalText(value)) return value[lang] as Localized<T>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localize(v, lang)])) as Localized<T>;
  }
  return value as Localized<T>;
}

/**
 * The question in one language, for a page's loader data: half the bytes of the bilingual question,
 * and nothing of the scoring model (weights, traces, conditions) that the browser does not need.
 */
export function localizeQuestion(question: Question, lang: Lang): LocalQuestion {
  const { traces: _traces, recommendation: _recommendation, weight: _weight, condition: _condition, ...shown } = question;
  return localize(shown, lang) as LocalQuestion;
}
