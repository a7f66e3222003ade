import { zodResolver } from "@hookform/resolvers/zod";
import { useSubmit } from "@remix-run/react";
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { useForm, type FieldValues, type Resolver, type UseFormRegisterReturn } from "react-hook-form";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { formDataToObject } from "~/utils/form-data";
import type { FormReply } from "~/utils/forms.server";
import { translateError } from "~/utils/zod";

/** Registers a field; the server-rendered page also gets its value (see useAppForm). */
export type AppRegister = (name: string, kind?: "value" | "checkbox") => UseFormRegisterReturn & { defaultValue?: string };

export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** Narrows whatever an action returned to a refused-form reply. */
export function asReply(value: unknown): FormReply | undefined {
  return value && typeof value === "object" && (value as FormReply).ok === false ? (value as FormReply) : undefined;
}

/**
 * A form validated by the same zod schema in the browser (react-hook-form) and in the action. The
 * form is plain HTML that posts without JavaScript; with JavaScript, invalid input is caught before
 * it is sent, and the valid form is submitted through Remix as if natively.
 */
export function useAppForm<S extends z.ZodType<any, any>>(
  schema: S,
  options: { reply?: FormReply; defaultValues?: Record<string, unknown> } = {},
) {
  const submit = useSubmit();
  const hydrated = useHydrated();
  const ref = useRef<HTMLFormElement>(null);
  const { reply } = options;
  // The schema sees what the server will see: the form's own fields (hidden ones included) with
  // react-hook-form's current values on top.
  const resolver = useMemo<Resolver<FieldValues>>(() => {
    const base = zodResolver(schema as any) as Resolver<FieldValues>;
    return (values, context, opts) => base({ ...(ref.current ? formDataToObject(new FormData(ref.current)) : {}), ...values }, context, opts);
  }, [schema]);
  const form = useForm<FieldValues>({
    resolver,
    mode: "onTouched",
    defaultValues: { ...options.defaultValues, ...(reply?.values ?? {}) },
  });
  useEffect(() => {
    for (const [name, message] of Object.entries(reply?.fieldErrors ?? {})) form.setError(name, { type: "server", message });
  }, [reply, form]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    const target = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    event.preventDefault();
    void form.handleSubmit(
      () => submit(submitter ?? target),
      (errors) => {
        // Problems only in fields the person cannot see or fix: let the server answer them.
        const visible = Object.keys(errors).some((name) => target.querySelector(`[name="${CSS.escape(name)}"]:not([type="hidden"])`));
        if (!visible) submit(submitter ?? target);
      },
    )(event);
  }

  function errorFor(name: string): string | undefined {
    const message = form.formState.errors[name]?.message;
    if (typeof message === "string") return message;
    return hydrated ? undefined : reply?.fieldErrors?.[name];
  }

  /** Spread onto <Form>: posts as plain HTML, validated first when JavaScript runs. */
  const formProps = { ref, method: "post" as const, noValidate: true, onSubmit };

  // react-hook-form sets values in the browser only. The server-rendered page (all there is without
  // JavaScript) gets them as default values, so a refused form comes back with its input. Checkbox
  // groups take theirs from `checked(name)`.
  const values = { ...options.defaultValues, ...(reply?.values ?? {}) };
  const register: AppRegister = (name, kind = "value") => {
    const value = values[name];
    return { ...form.register(name), ...(kind === "value" && typeof value === "string" ? { defaultValue: value } : {}) };
  };
  const checked = (name: string): string[] => {
    const value = values[name];
    return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
  };

  return { form, register, checked, formProps, errorFor };
}

/** The form-level message of a refused form: translated, announced to screen readers. */
export function FormAlert({ reply }: { reply?: FormReply }) {
  const { t } = useTranslation();
  if (!reply?.formError) return null;
  return (
    <div className="message error" role="alert">
      <p>{t(`errors.${reply.formError}`, { ...reply.formErrorParams })}</p>
    </div>
  );
}

interface FieldProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: (aria: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}

export function Field({ label, error, hint, children }: FieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {error && (
        <span className="error" id={errorId}>
          {translateError(t, error)}
        </span>
      )}
    </div>
  );
}

interface InputFieldProps {
  label: ReactNode;
  registration: UseFormRegisterReturn;
  error?: string;
  hint?: ReactNode;
  type?: "text" | "email" | "password" | "url" | "search" | "date" | "number";
  autoComplete?: string;
  required?: boolean;
  inputMode?: "numeric" | "text" | "email" | "url";
  maxLength?: number;
}

export function InputField({ label, registration, error, hint, type = "text", autoComplete, required, inputMode, maxLength }: InputFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(aria) => (
        <input
          {...aria}
          {...registration}
          type={type}
          autoComplete={autoComplete}
          aria-required={required || undefined}
          inputMode={inputMode}
          maxLength={maxLength}
        />
      )}
    </Field>
  );
}

export function SelectField({
  label,
  registration,
  error,
  hint,
  options,
  required,
  placeholder,
}: {
  label: ReactNode;
  registration: UseFormRegisterReturn;
  error?: string;
  hint?: ReactNode;
  options: { value: string; label: string }[];
  required?: boolean;
  placeholder?: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(aria) => (
        <select {...aria} {...registration} aria-required={required || undefined}>
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A group of checkboxes sharing one name: a fieldset with a legend, as screen readers expect. */
export function CheckboxGroup({
  legend,
  registration,
  options,
  error,
  hint,
  defaultChecked = [],
}: {
  legend: ReactNode;
  registration: UseFormRegisterReturn;
  options: { value: string; label: ReactNode; hint?: ReactNode }[];
  error?: string;
  hint?: ReactNode;
  defaultChecked?: string[];
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <span className="hint muted" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <div className="checks">
        {options.map((o) => (
          <div className="check" key={o.value}>
            <input type="checkbox" id={`${id}-${o.value}`} value={o.value} defaultChecked={defaultChecked.includes(o.value)} {...registration} />
            <label htmlFor={`${id}-${o.value}`}>
              {o.label}
              {o.hint && <span className="muted small"> – {o.hint}</span>}
            </label>
          </div>
        ))}
      </div>
      {error && (
        <span className="error" id={`${id}-error`}>
          {translateError(t, error)}
        </span>
      )}
    </fieldset>
  );
}

export function Notice({ code }: { code: string | null }) {
  const { t, i18n } = useTranslation();
  if (!code || !i18n.exists(`notices.${code}`)) return null;
  return (
    <div className="message success" role="status">
      <p>{t(`notices.${code}`)}</p>
    </div>
  );
}
