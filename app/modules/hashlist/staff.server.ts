/**
 * What the staff hash-list pages need beyond the list and import services: who started the imports,
 * which organisations hold a list, and the upload of a list file from the browser – streamed from the
 * request into the import, never held whole (a file can be hundreds of megabytes).
 */
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import type { Db } from "#db/dialect";
import type { OrganisationStatus } from "#db/schema";
import type { Actor } from "~/modules/audit/audit.server";
import { AppError } from "~/utils/errors";
import { detectFormat } from "./import-parser.server";
import { importHashFile, listImports, type ImportReport } from "./import.server";
import type { HashList } from "./lists.server";
import { uploadFieldsSchema, type UploadFields } from "./staff-schema";

export type StaffImport = ImportReport & { startedByName: string | null };

/** The names of the users who started these imports (null for the system). */
export async function withStarterNames(db: Db, imports: ImportReport[]): Promise<StaffImport[]> {
  const ids = [...new Set(imports.map((i) => i.startedBy).filter((id): id is string => id !== null))];
  const users = ids.length ? await db.selectFrom("user").select(["id", "name"]).where("id", "in", ids).execute() : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return imports.map((i) => ({ ...i, startedByName: i.startedBy === null ? null : (names.get(i.startedBy) ?? null) }));
}

export async function listStaffImports(db: Db, listId: number | null, limit = 50): Promise<StaffImport[]> {
  return withStarterNames(db, await listImports(db, listId, limit));
}

/** The organisations granted a list, by name. */
export async function organisationsGranted(db: Db, listId: number): Promise<{ id: string; name: string; status: OrganisationStatus; grantedAt: number }[]> {
  const rows = await db
    .selectFrom("hashlist_grant as g")
    .innerJoin("organisation as o", "o.id", "g.organisation_id")
    .select(["o.id", "o.name", "o.status", "g.granted_at"])
    .where("g.list_id", "=", listId)
    .orderBy("o.name")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, grantedAt: Number(r.granted_at) }));
}

// ---------------------------------------------------------------------------------------------------
// Upload

/** A text field of the upload form is short; anything longer is not our form. */
const MAX_FIELD_BYTES = 4096;
/** detectFormat looks at the first 64 KiB. */
const PEEK_BYTES = 64 * 1024;

/** A refused upload: the code, field errors and the fields as sent (for the form to keep them). */
export class UploadError extends AppError {
  constructor(
    code: string,
    status: number,
    fieldErrors: Record<string, string> | undefined,
    public readonly values: Record<string, unknown>,
  ) {
    super(code, status, { fieldErrors });
    this.name = "UploadError";
  }
}

/** A refusal of the upload's fields, as handleForm words one. */
function fieldsRefused(issues: { path: PropertyKey[]; message: string }[], values: Record<string, unknown>): UploadError {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) fieldErrors[issue.path.length ? issue.path.map(String).join(".") : "_form"] ??= issue.message;
  const formError = fieldErrors._form ?? "fix_fields";
  delete fieldErrors._form;
  return new UploadError(formError, 400, fieldErrors, values);
}

/** Reads what is left of a part, so that the parser goes on to the next part without buffering it. */
async function drain(it: AsyncIterator<Uint8Array>) {
  for (;;) if ((await it.next()).done) return;
}

/**
 * Imports the file of a staff upload (multipart/form-data: the fields `intent` = import, `mode` and
 * optionally `source`, then the part `file`) into the list, streaming: the file part's bytes go
 * straight from the request into importHashFile, at the pace the import writes them. The fields must
 * come before the file, as the page's form sends them; the format is detected from the file's name
 * and first bytes. Throws UploadError (a 4xx) when the upload is refused before anything is written:
 * invalid fields, no file, an empty file, an unknown format, the test list. What is left of a refused
 * or failed file is read and discarded, never buffered.
 */
export async function importUpload(db: Db, actor: Actor, list: HashList, request: Request): Promise<ImportReport> {
  const fields: Record<string, string> = {};
  // Set by the upload handler (TypeScript does not follow assignments in callbacks).
  let refusal = null as UploadError | null;
  let report = null as ImportReport | null;
  let sawFile = false;

  const refuse = (code: string, status: number, fieldErrors?: Record<string, string>) => {
    refusal ??= new UploadError(code, status, fieldErrors, { ...fields });
  };

  const importFile = async (name: string, input: UploadFields, it: AsyncIterator<Uint8Array>) => {
    // The first bytes, for the format; then the rest of the file from where they end.
    const head: Uint8Array[] = [];
    let size = 0;
    let ended = false;
    while (size < PEEK_BYTES) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      head.push(r.value);
      size += r.value.byteLength;
    }
    if (size === 0) return refuse(name === "" ? "import_file_missing" : "import_file_empty", 400, { file: name === "" ? "import_file_missing" : "import_file_empty" });
    const format = detectFormat(name, Buffer.concat(head));
    if (format === null) return refuse("file_format_unknown", 400, { file: "file_format_unknown" });
    // Without `return`: the import stopping early (a file without a header) leaves the rest to drain().
    const rest: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          const chunk = head.shift();
          if (chunk) return { done: false, value: chunk };
          return ended ? { done: true, value: undefined } : it.next();
        },
      }),
    };
    report = await importHashFile(db, actor, list.id, rest, { fileName: name, format, mode: input.mode, source: input.source ?? null });
  };

  const handler: UploadHandler = async (part) => {
    const it = part.data[Symbol.asyncIterator]();
    if (part.filename === undefined) {
      // A text field.
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        size += r.value.byteLength;
        if (size > MAX_FIELD_BYTES) throw new UploadError("payload_too_large", 413, undefined, {});
        chunks.push(r.value);
      }
      if (!sawFile) fields[part.name] ??= Buffer.concat(chunks).toString("utf8");
      // Too late to use: the file was read without it. (After an import that was made, it is ignored.)
      else if (!report) refusal = new UploadError("import_fields_first", 400, undefined, { ...fields });
      return undefined;
    }
    if (part.name !== "file" || sawFile || refusal) {
      await drain(it);
      return undefined;
    }
    sawFile = true;
    const parsed = uploadFieldsSchema.safeParse(fields);
    if (!parsed.success) {
      refusal ??= fieldsRefused(parsed.error.issues, { ...fields });
    } else if (list.isTest) {
      refuse("test_list_fixed", 409);
    } else {
      await importFile(part.filename, parsed.data, it);
    }
    await drain(it);
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (error instanceof AppError) throw error;
    // A body that is not multipart, or breaks off: nothing more can be read.
    if (error instanceof TypeError || (error instanceof Error && /^malformed multipart/.test(error.message))) {
      throw new UploadError("invalid_form", 400, undefined, { ...fields });
    }
    throw error;
  }
  if (refusal) throw refusal;
  if (report) return report;
  const parsed = uploadFieldsSchema.safeParse(fields);
  if (!parsed.success) throw fieldsRefused(parsed.error.issues, { ...fields });
  throw new UploadError("import_file_missing", 400, { file: "import_file_missing" }, { ...fields });
}
