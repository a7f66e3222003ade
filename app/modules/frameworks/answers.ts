import type { Question } from "./framework-schema";
import { NOT_APPLICABLE, type AnswerValue } from "./scoring";

export type AnswerCheck = { ok: true; value: AnswerValue | null } | { ok: false; error: string };

const MATURITY = ["0", "1", "2", "3", "4"];
const CHOICES = ["yes", "partly", "no"];

/**
 * Checks what a form sent for one question against the question's type. An empty answer clears the
 * question (`value: null`). Errors are translation codes (errors.answer_*).
 */
export function checkAnswer(question: Question, raw: unknown): AnswerCheck {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  if (list.some((v) => typeof v !== "string")) return { ok: false, error: "answer_invalid" };
  const values = (list as string[]).map((v) => v.trim()).filter((v) => v !== "");
  if (values.length === 0) return { ok: true, value: null };
  const one = values.length === 1 ? values[0]! : null;
  switch (question.type) {
    case "maturity":
      return one !== null && MATURITY.includes(one) ? { ok: true, value: one } : { ok: false, error: "answer_invalid_choice" };
    case "yes_partly_no":
      if (one === NOT_APPLICABLE) return question.allowNotApplicable ? { ok: true, value: one } : { ok: false, error: "answer_invalid_choice" };
      return one !== null && CHOICES.includes(one) ? { ok: true, value: one } : { ok: false, error: "answer_invalid_choice" };
    case "single":
      if (one === NOT_APPLICABLE) return question.allowNotApplicable ? { ok: true, value: one } : { ok: false, error: "answer_invalid_choice" };
      return one !== null && question.options.some((o) => o.id === one) ? { ok: true, value: one } : { ok: false, error: "answer_invalid_choice" };
    case "multiple": {
      const ids = new Set(question.options.map((o) => o.id));
      if (!values.every((v) => ids.has(v))) return { ok: false, error: "answer_invalid_choice" };
      return { ok: true, value: question.options.map((o) => o.id).filter((id) => values.includes(id)) };
    }
    case "number": {
      if (one === null || !/^-?\d{1,12}([.,]\d{1,4})?$/.test(one)) return { ok: false, error: "answer_number" };
      const n = Number(one.replace(",", "."));
      if (n < question.min) return { ok: false, error: `answer_too_small:${question.min}` };
      if (question.max !== undefined && n > question.max) return { ok: false, error: `answer_too_big:${question.max}` };
      return { ok: true, value: String(n) };
    }
    case "date": {
      if (one === null || !/^\d{4}-\d{2}-\d{2}$/.test(one)) return { ok: false, error: "answer_date" };
      const d = new Date(`${one}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== one || d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 2100) {
        return { ok: false, error: "answer_date" };
      }
      return { ok: true, value: one };
    }
    case "text": {
      if (one === null) return { ok: false, error: "answer_invalid" };
      return [...one].length <= question.maxLength ? { ok: true, value: one } : { ok: false, error: `too_long:${question.maxLength}` };
    }
  }
}
