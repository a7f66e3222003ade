import { z } from "zod";

/**
 * zod, configured once: every validation message is a translation code (`errors.<code>`), optionally
 * with one parameter after a colon ("too_long:200"). `translateError` turns it into text. The same
 * schemas run in the browser (react-hook-form) and in the action (the authority).
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case "invalid_type":
        return issue.input === undefined || issue.input === null || issue.input === "" ? "required" : "invalid";
      case "too_small":
        if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "required" : `too_short:${issue.minimum}`;
        if (issue.origin === "array" || issue.origin === "set") return Number(issue.minimum) <= 1 ? "choose_one" : `choose_at_least:${issue.minimum}`;
        return `too_small_number:${issue.minimum}`;
      case "too_big":
        if (issue.origin === "string") return `too_long:${issue.maximum}`;
        if (issue.origin === "array" || issue.origin === "set") return `too_many:${issue.maximum}`;
        return `too_big_number:${issue.maximum}`;
      case "invalid_format":
        if (issue.format === "email") return "invalid_email";
        if (issue.format === "url") return "invalid_url";
        return "invalid";
      case "invalid_value":
        return issue.input === undefined || issue.input === "" ? "required" : "invalid_choice";
      default:
        return "invalid";
    }
  },
});

export { z };

/** Trimmed text; empty input counts as missing. */
export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));
export const email = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(254)
    .pipe(z.email())
    .transform((v) => v.toLowerCase());
/** A checkbox group or multi-select: one value or many arrive; always an array. */
export const many = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess(
    (v) => (v === undefined || v === null || v === "" || v === false ? [] : Array.isArray(v) ? v : [v]),
    z.array(item),
  );

type TFn = (key: string, options?: Record<string, unknown>) => string;

export function translateError(t: TFn, message: string | undefined | null): string | undefined {
  if (!message) return undefined;
  const [code, param] = message.split(":", 2);
  return t(`errors.${code}`, { n: param, min: param, max: param });
}
