import { useTranslation } from "react-i18next";
import type { Lang, LocalQuestion } from "~/modules/frameworks/localize";
import type { AnswerValue } from "~/modules/frameworks/scoring";
import { translateError } from "~/utils/zod";

export type { Lang };

/** The form field name of a question's answer. */
export const answerField = (questionId: string) => `q:${questionId}`;

/**
 * The input for one question, by its type. Plain HTML controls (radios, checkboxes, inputs) so that
 * the section form works without JavaScript; `disabled` renders a read-only answer.
 */
export function QuestionInput({
  question,
  value,
  error,
  disabled,
}: {
  question: LocalQuestion;
  value: AnswerValue | undefined;
  error?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const name = answerField(question.id);
  const id = `input-${question.id.replace(/\./g, "-")}`;
  const errorId = `${id}-error`;
  const described = error ? errorId : undefined;
  const values = Array.isArray(value) ? value : value !== undefined ? [value] : [];
  const radio = (choices: { value: string; label: string }[]) => (
    <div className="radios" role="radiogroup" aria-labelledby={`${id}-label`} aria-describedby={described} aria-invalid={error ? true : undefined}>
      {choices.map((c) => (
        <div className="check" key={c.value}>
          <input type="radio" id={`${id}-${c.value}`} name={name} value={c.value} defaultChecked={values.includes(c.value)} disabled={disabled} />
          <label htmlFor={`${id}-${c.value}`}>{c.label}</label>
        </div>
      ))}
    </div>
  );
  const na = (allowed: boolean) => (allowed ? [{ value: "na", label: t("answers.na") }] : []);
  let control;
  switch (question.type) {
    case "maturity":
      control = radio(question.levels.map((l, i) => ({ value: String(i), label: l })));
      break;
    case "yes_partly_no":
      control = radio([
        { value: "yes", label: t("answers.yes") },
        { value: "partly", label: t("answers.partly") },
        { value: "no", label: t("answers.no") },
        ...na(question.allowNotApplicable),
      ]);
      break;
    case "single":
      control = radio([...question.options.map((o) => ({ value: o.id, label: o.label })), ...na(question.allowNotApplicable)]);
      break;
    case "multiple":
      control = (
        <div className="checks" role="group" aria-labelledby={`${id}-label`} aria-describedby={described}>
          {question.options.map((o) => (
            <div className="check" key={o.id}>
              <input type="checkbox" id={`${id}-${o.id}`} name={name} value={o.id} defaultChecked={values.includes(o.id)} disabled={disabled} />
              <label htmlFor={`${id}-${o.id}`}>{o.label}</label>
            </div>
          ))}
        </div>
      );
      break;
    case "number":
      control = (
        <input
          id={id}
          name={name}
          type="text"
          inputMode="decimal"
          defaultValue={values[0] ?? ""}
          aria-labelledby={`${id}-label`}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
          disabled={disabled}
        />
      );
      break;
    case "date":
      control = <input id={id} name={name} type="date" defaultValue={values[0] ?? ""} aria-labelledby={`${id}-label`} aria-describedby={described} aria-invalid={error ? true : undefined} disabled={disabled} />;
      break;
    case "text":
      control = (
        <textarea
          id={id}
          name={name}
          maxLength={question.maxLength}
          defaultValue={values[0] ?? ""}
          aria-labelledby={`${id}-label`}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
          disabled={disabled}
        />
      );
      break;
  }
  return (
    <>
      {control}
      {question.type === "number" && question.unit && <span className="hint">{question.unit}</span>}
      {error && (
        <span className="error" id={errorId}>
          {translateError(t, error)}
        </span>
      )}
    </>
  );
}

/** An answer as text, for read-only views (staff review, conflicts). */
export function answerLabel(question: LocalQuestion, value: AnswerValue | null | undefined, t: (k: string) => string): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return t("answers.none");
  const values = Array.isArray(value) ? value : [value];
  const one = (v: string) => {
    if (v === "na") return t("answers.na");
    switch (question.type) {
      case "maturity":
        return question.levels[Number(v)] ?? v;
      case "yes_partly_no":
        return t(`answers.${v}`);
      case "single":
      case "multiple":
        return question.options.find((o) => o.id === v)?.label ?? v;
      default:
        return v;
    }
  };
  return values.map(one).join("; ");
}
