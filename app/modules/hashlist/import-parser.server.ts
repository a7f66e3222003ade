/**
 * Reads a hash list file – CSV or JSON lines – as a stream, one entry or one error per line, in
 * constant memory: a file of millions of lines is never held whole, and neither is an overlong line.
 *
 * Lines end with "\n" ("\r\n" too). A UTF-8 byte order mark at the start is ignored. Empty lines and
 * lines starting with "#" are skipped. Line numbers count every line of the file, from 1, so staff
 * find a reported line in an editor. A line of more than MAX_LINE_BYTES bytes is reported once
 * (`line_too_long`) and skipped unread; a line that is not UTF-8 is `not_utf8`.
 *
 * CSV (RFC 4180 without line breaks inside fields): the first line that is not a comment is the
 * header. Columns are found by name, in any case and order: `algorithm`, `value` (or `hash`), and
 * optionally `quality`, `category`, `source`; other columns are ignored. The delimiter is ",", or
 * ";" or a tab if the header uses those (spreadsheets in Swedish write ";"). A line may leave out
 * trailing columns; a line with more fields than the header is `csv_malformed` (an unquoted comma in
 * a source, usually). A line of only delimiters – a spreadsheet's empty row – counts as empty.
 *
 * JSON lines: one object per line, `{"algorithm": "sha256", "value": "…", "quality": 87,
 * "category": "A", "source": "…"}`; null counts as absent, other keys are ignored.
 *
 * Each entry is checked by `checkEntry` (values.ts). Duplicates are the database's business.
 */
import { isAscii } from "node:buffer";
import { z } from "zod";
import { AppError } from "~/utils/errors";
import { checkEntry, ENTRY_ERROR_CODES, MAX_LINE_BYTES, SOURCE_MAX_LENGTH, type EntryDefaults, type EntryFields, type HashEntry } from "./values";

export type ParsedEntry = HashEntry;

/** Why a line was refused: stable codes (translations: errors.<code>). */
export const IMPORT_ERROR_CODES = ["line_too_long", "not_utf8", "csv_malformed", "json_malformed", ...ENTRY_ERROR_CODES] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export type ParsedLine = { line: number; entry: ParsedEntry } | { line: number; error: ImportErrorCode; detail?: string };

export type ImportFormat = "csv" | "jsonl";

export interface ParseOptions {
  format: ImportFormat;
  /** For lines without a source or category of their own. */
  defaults?: EntryDefaults;
}

/**
 * A file that cannot be read at all: a CSV file without a usable header. Thrown before any line is
 * yielded. `csv_header_missing`: no header, or one without the algorithm or value column (detail:
 * which); `csv_header_invalid`: a header line that is too long, not UTF-8, badly quoted, or names a
 * column twice.
 */
export type HashImportFileErrorCode = "csv_header_missing" | "csv_header_invalid";

export class HashImportError extends AppError {
  declare readonly code: HashImportFileErrorCode;

  constructor(
    code: HashImportFileErrorCode,
    public readonly detail?: string,
  ) {
    super(code, 400, { params: detail === undefined ? {} : { detail } });
    this.name = "HashImportError";
  }
}

/**
 * The file's lines, one entry or error each, in file order; blank, comment and header lines yield
 * nothing. Pull-based: the input is read only as fast as the caller consumes, and breaking out of
 * the loop stops (and, for a Node stream, destroys) the input. Throws HashImportError for a CSV file
 * without a usable header, and RangeError for a default source that is too long.
 */
export async function* parseHashFile(
  input: NodeJS.ReadableStream | AsyncIterable<Buffer | Uint8Array | string>,
  options: ParseOptions,
): AsyncGenerator<ParsedLine> {
  const defaults = options.defaults ?? {};
  const defaultSource = defaults.source?.trim();
  if (defaultSource && [...defaultSource].length > SOURCE_MAX_LENGTH) throw new RangeError(`a source has at most ${SOURCE_MAX_LENGTH} characters`);
  const reader = options.format === "csv" ? new CsvReader(defaults) : new JsonLinesReader(defaults);
  const lines = new LineSplitter();
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
    for (const text of lines.push(toBuffer(chunk))) {
      const parsed = reader.read(lines.line, text);
      if (parsed !== null) yield parsed;
    }
  }
  for (const text of lines.end()) {
    const parsed = reader.read(lines.line, text);
    if (parsed !== null) yield parsed;
  }
  reader.finish();
}

/**
 * The format by file name (.csv; .jsonl, .ndjson, .json), else by content: a first line (after a
 * byte order mark, blank and "#" lines) that starts with "{" is JSON lines, one that names an
 * `algorithm` column is CSV. Null if neither – a .json file holding a JSON array included.
 */
export function detectFormat(filename: string, firstBytes: Buffer | Uint8Array): ImportFormat | null {
  const first = firstContentLine(firstBytes);
  const extension = /\.([a-z0-9]+)$/i.exec(filename.trim())?.[1]?.toLowerCase();
  if (extension === "csv") return "csv";
  if (extension === "jsonl" || extension === "ndjson") return "jsonl";
  if (extension === "json") return first.startsWith("[") ? null : "jsonl";
  if (first.startsWith("{")) return "jsonl";
  return /(^|[,;\t"\s])algorithm(["\s]*)([,;\t]|$)/i.test(first) ? "csv" : null;
}

function firstContentLine(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes.subarray(0, 64 * 1024));
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) return trimmed;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------------
// Lines

const TOO_LONG = Symbol("line too long");
const NOT_UTF8 = Symbol("not UTF-8");
/** A line's text, without its line ending. */
type LineText = string | typeof TOO_LONG | typeof NOT_UTF8;

const EMPTY = Buffer.alloc(0);
/** Room for a line of MAX_LINE_BYTES plus "\r" and, on the first line, a byte order mark. */
const HOLD_BYTES = MAX_LINE_BYTES + 4;

/** Strict UTF-8; a byte order mark inside the file is kept (and trimmed away as white space). */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Cuts chunks into lines and decodes them; `line` is the number of the line last yielded. A line
 * inside one chunk is decoded from the chunk (as Latin-1 if the whole chunk is ASCII: the common
 * case, and the fastest); the start of a line that continues in the next chunk is copied into one
 * fixed buffer, and once a line outgrows that buffer the rest of it is skipped until its newline.
 */
class LineSplitter {
  line = 0;
  private readonly held = Buffer.allocUnsafe(HOLD_BYTES);
  private heldLength = 0;
  private skipping = false;

  *push(chunk: Buffer): Generator<LineText> {
    const ascii = isAscii(chunk);
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1) break;
      yield this.complete(chunk, start, newline, ascii);
      start = newline + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const length = chunk.length - start;
      if (this.heldLength + length > HOLD_BYTES) {
        this.skipping = true;
        this.heldLength = 0;
      } else {
        chunk.copy(this.held, this.heldLength, start);
        this.heldLength += length;
      }
    }
  }

  /** The last line, if the file does not end with a newline. */
  *end(): Generator<LineText> {
    if (this.skipping || this.heldLength > 0) yield this.complete(EMPTY, 0, 0, true);
  }

  private complete(chunk: Buffer, start: number, end: number, ascii: boolean): LineText {
    this.line++;
    if (this.skipping) {
      this.skipping = false;
      return TOO_LONG;
    }
    if (this.heldLength === 0) return this.decode(chunk, start, end, ascii);
    const length = this.heldLength + end - start;
    this.heldLength = 0;
    if (length > HOLD_BYTES) return TOO_LONG;
    chunk.copy(this.held, length - (end - start), start, end);
    return this.decode(this.held, 0, length, false);
  }

  private decode(bytes: Buffer, start: number, end: number, ascii: boolean): LineText {
    if (end > start && bytes[end - 1] === 13) end--;
    if (this.line === 1 && end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
    if (end - start > MAX_LINE_BYTES) return TOO_LONG;
    if (ascii) return bytes.toString("latin1", start, end);
    try {
      return utf8.decode(bytes.subarray(start, end));
    } catch {
      return NOT_UTF8;
    }
  }
}

/** Empty, white space or a comment. */
function isBlank(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || trimmed.charCodeAt(0) === 35; /* # */
}

function lineError(line: number, error: ImportErrorCode, detail?: string): ParsedLine {
  return detail === undefined ? { line, error } : { line, error, detail };
}

function entryLine(line: number, fields: EntryFields, defaults: EntryDefaults): ParsedLine {
  const check = checkEntry(fields, defaults);
  return check.ok ? { line, entry: check.entry } : lineError(line, check.error, check.detail);
}

interface LineReader {
  /** The line's entry or error; null for a line that is skipped (blank, comment, header). */
  read(line: number, text: LineText): ParsedLine | null;
  /** At the end of the file. */
  finish(): void;
}

// ---------------------------------------------------------------------------------------------------
// CSV

const DELIMITERS = [",", ";", "\t"] as const;
const COLUMN_NAMES: Record<string, keyof EntryFields> = {
  algorithm: "algorithm",
  value: "value",
  hash: "value",
  quality: "quality",
  category: "category",
  source: "source",
};

interface Columns {
  delimiter: string;
  count: number;
  algorithm: number;
  value: number;
  quality: number;
  category: number;
  source: number;
}

/**
 * One line's fields: split at the delimiter, double-quoted fields with "" for a quote (white space
 * around the quotes is allowed). A string is what is wrong with the line.
 */
export function splitCsvLine(text: string, delimiter: string): string[] | string {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  const d = delimiter.charCodeAt(0);
  let i = 0;
  for (;;) {
    // At the start of a field.
    let j = i;
    while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) && text.charCodeAt(j) !== d) j++;
    if (text.charCodeAt(j) === 34 /* " */) {
      let value = "";
      let k = j + 1;
      for (;;) {
        const quote = text.indexOf('"', k);
        if (quote === -1) return "unclosed quote";
        value += text.slice(k, quote);
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"';
          k = quote + 2;
        } else {
          k = quote + 1;
          break;
        }
      }
      while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) && text.charCodeAt(k) !== d) k++;
      fields.push(value);
      if (k === text.length) return fields;
      if (text.charCodeAt(k) !== d) return "text after a closing quote";
      i = k + 1;
    } else {
      let end = text.indexOf(delimiter, i);
      if (end === -1) end = text.length;
      const value = text.slice(i, end);
      if (value.includes('"')) return "quote inside an unquoted field";
      fields.push(value);
      if (end === text.length) return fields;
      i = end + 1;
    }
  }
}

class CsvReader implements LineReader {
  private columns: Columns | null = null;

  constructor(private readonly defaults: EntryDefaults) {}

  read(line: number, text: LineText): ParsedLine | null {
    if (text === TOO_LONG) {
      if (this.columns === null) throw new HashImportError("csv_header_invalid", `line ${line}: longer than ${MAX_LINE_BYTES} bytes`);
      return lineError(line, "line_too_long");
    }
    if (text === NOT_UTF8) {
      if (this.columns === null) throw new HashImportError("csv_header_invalid", `line ${line}: not UTF-8`);
      return lineError(line, "not_utf8");
    }
    if (isBlank(text)) return null;
    if (this.columns === null) {
      this.columns = readHeader(text, line);
      return null;
    }
    const c = this.columns;
    const fields = splitCsvLine(text, c.delimiter);
    if (typeof fields === "string") return lineError(line, "csv_malformed", fields);
    if (fields.length > c.count) return lineError(line, "csv_malformed", `${fields.length} fields, the header has ${c.count}`);
    const entry: EntryFields = {
      algorithm: fields[c.algorithm],
      value: fields[c.value],
      quality: c.quality < 0 ? undefined : fields[c.quality],
      category: c.category < 0 ? undefined : fields[c.category],
      source: c.source < 0 ? undefined : fields[c.source],
    };
    if (!entry.algorithm?.trim() && !entry.value?.trim() && fields.every((f) => f.trim() === "")) return null;
    return entryLine(line, entry, this.defaults);
  }

  finish(): void {
    if (this.columns === null) throw new HashImportError("csv_header_missing", "no header line");
  }
}

function readHeader(text: string, line: number): Columns {
  let firstProblem: HashImportError | null = null;
  for (const delimiter of DELIMITERS) {
    const names = splitCsvLine(text, delimiter);
    if (typeof names === "string") {
      firstProblem ??= new HashImportError("csv_header_invalid", `line ${line}: ${names}`);
      continue;
    }
    const columns: Columns = { delimiter, count: names.length, algorithm: -1, value: -1, quality: -1, category: -1, source: -1 };
    let duplicate: string | null = null;
    names.forEach((name, index) => {
      const key = COLUMN_NAMES[name.trim().toLowerCase()];
      if (key === undefined) return;
      if (columns[key] !== -1) duplicate ??= key;
      columns[key] = index;
    });
    if (columns.algorithm === -1 || columns.value === -1) {
      const missing = [columns.algorithm === -1 ? "algorithm" : null, columns.value === -1 ? "value" : null].filter(Boolean).join(", ");
      firstProblem ??= new HashImportError("csv_header_missing", `line ${line}: no column ${missing}`);
      continue;
    }
    if (duplicate !== null) throw new HashImportError("csv_header_invalid", `line ${line}: two columns for ${duplicate}`);
    return columns;
  }
  throw firstProblem!;
}

// ---------------------------------------------------------------------------------------------------
// JSON lines

const jsonLine = z.object({
  algorithm: z.string().nullish(),
  value: z.string().nullish(),
  quality: z.union([z.number(), z.string()]).nullish(),
  category: z.string().nullish(),
  source: z.string().nullish(),
});

/** A field of the wrong JSON type: the field's own code where it has one. */
const JSON_TYPE_ERRORS: Partial<Record<string, ImportErrorCode>> = {
  algorithm: "algorithm_unknown",
  quality: "quality_invalid",
  category: "category_unknown",
};

class JsonLinesReader implements LineReader {
  constructor(private readonly defaults: EntryDefaults) {}

  read(line: number, text: LineText): ParsedLine | null {
    if (text === TOO_LONG) return lineError(line, "line_too_long");
    if (text === NOT_UTF8) return lineError(line, "not_utf8");
    if (isBlank(text)) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return lineError(line, "json_malformed", (error as Error).message.slice(0, 100));
    }
    const parsed = jsonLine.safeParse(json);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path[0];
      if (field === undefined) return lineError(line, "json_malformed", "not an object");
      return lineError(line, JSON_TYPE_ERRORS[String(field)] ?? "json_malformed", `${String(field)}: wrong type`);
    }
    return entryLine(line, parsed.data, this.defaults);
  }

  finish(): void {}
}
