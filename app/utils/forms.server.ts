import { data } from "@remix-run/node";
import type { z } from "zod";
import { isLockConflict, isUniqueViolation } from "#db/errors";
import { AppError } from "./errors";
import { formDataToObject } from "./form-data";

/** What an action returns when a form is refused: codes, translated by the page. */
export interface FormReply {
  ok: false;
  formError?: string;
  formErrorParams?: Record<string, string | number>;
  fieldErrors?: Record<string, string>;
  /** What the service said beyond codes (e.g. the two values of an edit conflict). */
  data?: unknown;
  /** The submitted values (never passwords or codes), so a form without JavaScript keeps its input. */
  values?: Record<string, unknown>;
}

const MAX_FORM_BYTES = 64 * 1024;
const SECRET_FIELDS = /password|code|token|secret/i;

function publicValues(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => !SECRET_FIELDS.test(k)));
}

/** A refused form: 4xx, field errors as codes, nothing written. */
export function reply(status: number, body: Omit<FormReply, "ok">) {
  return data<FormReply>({ ok: false, ...body }, { status });
}

async function readFormParts(request: Request, maxBytes: number) {
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > maxBytes) throw new AppError("payload_too_large", 413);
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch {
    throw new AppError("invalid_form", 400);
  }
  const files = new Map<string, File>();
  for (const [key, value] of formData.entries()) if (typeof value !== "string" && !files.has(key)) files.set(key, value);
  return { fields: formDataToObject(formData), files };
}

export async function readForm(request: Request): Promise<Record<string, unknown>> {
  return (await readFormParts(request, MAX_FORM_BYTES)).fields;
}

/**
 * The one way an action handles a form: read it, validate it with the form's zod schema, run the
 * change, and turn an AppError into a translated 4xx reply. Any other error is a bug and propagates.
 */
export async function handleForm<S extends z.ZodTypeAny, R>(
  request: Request,
  schema: S,
  run: (input: z.infer<S>, raw: Record<string, unknown>, files: Map<string, File>) => Promise<R>,
  options: { maxBytes?: number } = {},
): Promise<R | ReturnType<typeof reply>> {
  let raw: Record<string, unknown> = {};
  try {
    const parts = await readFormParts(request, options.maxBytes ?? MAX_FORM_BYTES);
    raw = parts.fields;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.length ? issue.path.map(String).join(".") : "_form";
        fieldErrors[key] ??= issue.message;
      }
      const formError = fieldErrors._form;
      delete fieldErrors._form;
      return reply(400, { formError: formError ?? "fix_fields", fieldErrors, values: publicValues(raw) });
    }
    return await run(parsed.data, raw, parts.files);
  } catch (error) {
    // Two people doing the same thing at once (registering one address, say): the database's unique
    // key decides, or breaks a deadlock by rolling one back, and the loser gets a translated
    // conflict, not an error page. Nothing of the loser's change was written.
    if (isUniqueViolation(error) || isLockConflict(error)) return reply(409, { formError: "conflict", values: publicValues(raw) });
    if (error instanceof AppError) {
      return reply(error.status, {
        formError: error.code,
        formErrorParams: error.details.params,
        fieldErrors: error.details.fieldErrors,
        data: error.details.data,
        values: publicValues(raw),
      });
    }
    throw error;
  }
}
