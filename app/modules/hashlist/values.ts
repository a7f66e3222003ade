/**
 * Hash list entries: the algorithms, the text and byte forms of their values, and the checks one
 * entry passes before it is stored. Pure (no Node APIs, no Buffer): the same code checks a form in
 * the browser and every line of an import on the server.
 *
 * Value formats – the text staff and companies exchange, and the bytes the database keeps:
 * - md5 (16 bytes), sha1 (20), sha256 (32): hexadecimal, 32, 40 and 64 digits.
 * - pdq (32 bytes, 256 bits): 64 hexadecimal digits, as Meta's reference implementation prints them.
 * - photodna (144 bytes): 288 hexadecimal digits, or base64 (RFC 4648 §4), 192 characters, as it is
 *   often exchanged. 144 is a multiple of 3, so base64 never has "=" padding; this is what
 *   Buffer.toString("base64") gives (checked in test/unit/hashlist-values.test.ts). The URL-safe
 *   alphabet ("-" and "_" for "+" and "/") is accepted too.
 * Hex is accepted in either case and written in lower case; whitespace around a value is ignored.
 * The canonical text (`valueToText`) is what a value is displayed and exported as: lower-case hex for
 * every algorithm, so that sorting the text sorts the bytes (the snapshot's order and checksum).
 */

export const ALGORITHMS = ["md5", "sha1", "sha256", "pdq", "photodna"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** One byte per algorithm in compact storage and exports. Never renumber: codes are stored. */
export const ALGORITHM_CODE: Record<Algorithm, number> = { md5: 1, sha1: 2, sha256: 3, pdq: 4, photodna: 5 };

const ALGORITHM_BY_CODE = new Map<number, Algorithm>(ALGORITHMS.map((a) => [ALGORITHM_CODE[a], a]));

export function algorithmOfCode(code: number): Algorithm {
  const algorithm = ALGORITHM_BY_CODE.get(code);
  if (algorithm === undefined) throw new RangeError(`unknown hash algorithm code ${code}`);
  return algorithm;
}

/** The length of a value in bytes. */
export const VALUE_BYTES: Record<Algorithm, number> = { md5: 16, sha1: 20, sha256: 32, pdq: 32, photodna: 144 };

/** PDQ quality (0–100) below which Meta advises not to match: such hashes are refused. */
export const PDQ_MIN_QUALITY = 50;

/**
 * Severity categories as UK practice (IWF, CPS sentencing guidelines) uses them: A the most severe
 * (penetrative sexual activity, sexual activity with an animal, sadism), B non-penetrative sexual
 * activity, C other indecent images; `unknown` when the source does not say.
 */
export const CATEGORIES = ["A", "B", "C", "unknown"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Where an entry came from (an organisation, a list and its date): free text, in characters. */
export const SOURCE_MAX_LENGTH = 100;

/** The longest line an import reads, in bytes (without its line ending). */
export const MAX_LINE_BYTES = 4096;

export function isAlgorithm(value: string): value is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(value);
}

/** An algorithm's name as files write it: any case, "sha-256" as well as "sha256". Null if unknown. */
export function parseAlgorithm(text: string): Algorithm | null {
  if (isAlgorithm(text)) return text;
  const name = text.trim().toLowerCase().replaceAll("-", "");
  return isAlgorithm(name) ? name : null;
}

/** A category in any case ("a", "Unknown"). Null if unknown. */
export function parseCategory(text: string): Category | null {
  const name = text.trim();
  if (name.length === 1) {
    const upper = name.toUpperCase();
    return upper === "A" || upper === "B" || upper === "C" ? upper : null;
  }
  return name.toLowerCase() === "unknown" ? "unknown" : null;
}

// ---------------------------------------------------------------------------------------------------
// Codecs: small, table-driven, no Buffer.

const HEX_DIGITS = "0123456789abcdef";
const BYTE_TO_HEX = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);
/** Character code → nibble; -1 for anything that is not a hex digit. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
  HEX_VALUE[HEX_DIGITS.toUpperCase().charCodeAt(i)] = i;
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Character code → sextet; "-" and "_" (URL-safe alphabet) as "+" and "/"; -1 otherwise. */
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64_ALPHABET.charCodeAt(i)] = i;
BASE64_VALUE["-".charCodeAt(0)] = 62;
BASE64_VALUE["_".charCodeAt(0)] = 63;

export function bytesToHex(bytes: Uint8Array): string {
  // On the server (snapshots and deltas format millions of values) Node's own encoder is several times faster.
  if (typeof Buffer !== "undefined") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

/** Null unless `text` is an even number of hex digits (either case, nothing else). */
export function hexToBytes(text: string): Uint8Array | null {
  return text.length % 2 === 0 && isHex(text) ? decodeHex(text) : null;
}

/** Hex digits, already checked, to bytes. */
function decodeHex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0, j = 0; i < bytes.length; i++, j += 2) {
    bytes[i] = (HEX_VALUE[text.charCodeAt(j)]! << 4) | HEX_VALUE[text.charCodeAt(j + 1)]!;
  }
  return bytes;
}

/** A regular expression beats a charCodeAt loop here by a factor of three (V8, 64 digits). */
const HEX_TEXT = /^[0-9a-fA-F]*$/;

function isHex(text: string): boolean {
  return HEX_TEXT.test(text);
}

/** Standard base64 with "=" padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! + BASE64_ALPHABET[(n >> 6) & 63]! + BASE64_ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64_ALPHABET[n >> 18]! + BASE64_ALPHABET[(n >> 12) & 63]! + BASE64_ALPHABET[(n >> 6) & 63]! + "=";
  }
  return out;
}

/**
 * Strict base64 (standard or URL-safe alphabet; "=" padding optional, but only at the end and only
 * as much as the length calls for; unused bits must be zero, so every value has one text). Null
 * otherwise.
 */
export function base64ToBytes(text: string): Uint8Array | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padding = text.length - end;
  if (padding > 2 || (padding > 0 && text.length % 4 !== 0) || end % 4 === 1) return null;
  if (!isBase64(text, end)) return null;
  const bytes = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < end; i += 4) {
    const n = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    bytes[o++] = n >> 16;
    bytes[o++] = (n >> 8) & 255;
    bytes[o++] = n & 255;
  }
  const rest = end - i;
  if (rest === 2) {
    const n = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12);
    if (n & 0xffff) return null;
    bytes[o++] = n >> 16;
  } else if (rest === 3) {
    const n = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6);
    if (n & 0xff) return null;
    bytes[o++] = n >> 16;
    bytes[o++] = (n >> 8) & 255;
  }
  return bytes;
}

function sextet(text: string, i: number): number {
  return BASE64_VALUE[text.charCodeAt(i)]!;
}

function isBase64(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || BASE64_VALUE[c] === -1) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Values

export type ValueErrorCode = "value_not_hex" | "value_wrong_length" | "value_not_base64";
export type ValueCheck = { ok: true; bytes: Uint8Array; text: string } | { ok: false; error: ValueErrorCode };

/**
 * Checks a value's text for its algorithm and returns its bytes and canonical text. Characters that
 * do not belong to the encoding are `value_not_hex`/`value_not_base64`; a well-formed value of the
 * wrong size is `value_wrong_length` (an empty value too).
 */
export function parseValue(algorithm: Algorithm, text: string): ValueCheck {
  const value = text.trim();
  const size = VALUE_BYTES[algorithm];
  if (algorithm === "photodna" && !(value.length === size * 2 && isHex(value))) {
    // Characters outside the alphabet, or "=" anywhere but as padding at the end, are not base64;
    // good base64 of another size is a wrong length. 192 characters need no padding.
    let end = value.length;
    while (end > 0 && value.charCodeAt(end - 1) === 61 /* = */) end--;
    const body = value.slice(0, end);
    if (value.length - body.length > 2 || !isBase64(body, body.length)) return { ok: false, error: "value_not_base64" };
    if (body.length !== (size / 3) * 4) return { ok: false, error: "value_wrong_length" };
    if (body.length !== value.length) return { ok: false, error: "value_not_base64" };
    const bytes = base64ToBytes(value)!;
    return { ok: true, bytes, text: bytesToHex(bytes) };
  }
  if (!isHex(value)) return { ok: false, error: "value_not_hex" };
  if (value.length !== size * 2) return { ok: false, error: "value_wrong_length" };
  return { ok: true, bytes: decodeHex(value), text: value.toLowerCase() };
}

/** The canonical text of a stored value. Throws if the bytes do not have the algorithm's size. */
export function valueToText(algorithm: Algorithm, bytes: Uint8Array): string {
  if (bytes.length !== VALUE_BYTES[algorithm]) {
    throw new RangeError(`a ${algorithm} value has ${VALUE_BYTES[algorithm]} bytes, not ${bytes.length}`);
  }
  return bytesToHex(bytes);
}

// ---------------------------------------------------------------------------------------------------
// Entries

/** One entry as a file or form gives it: text (a JSON number for quality), absent or empty if not given. */
export interface EntryFields {
  algorithm?: string | null;
  value?: string | null;
  quality?: string | number | null;
  category?: string | null;
  source?: string | null;
}

export interface HashEntry {
  algorithm: Algorithm;
  value: Uint8Array;
  /** Canonical text of the value. */
  text: string;
  /** PDQ only, PDQ_MIN_QUALITY–100; null for every other algorithm. */
  quality: number | null;
  category: Category;
  source: string | null;
}

/** What an entry's fields can be refused for: stable codes (translations: errors.<code>). */
export const ENTRY_ERROR_CODES = [
  "fields_missing",
  "algorithm_unknown",
  "value_not_hex",
  "value_wrong_length",
  "value_not_base64",
  "quality_missing",
  "quality_invalid",
  "quality_too_low",
  "quality_not_allowed",
  "category_unknown",
  "source_too_long",
] as const;
export type EntryErrorCode = (typeof ENTRY_ERROR_CODES)[number];

export type EntryCheck = { ok: true; entry: HashEntry } | { ok: false; error: EntryErrorCode; detail?: string };

export interface EntryDefaults {
  /** For entries without a source of their own. */
  source?: string | null;
  /** For entries without a category of their own (otherwise `unknown`). */
  category?: Category;
}

/**
 * Checks one entry. The first problem wins, in field order: algorithm and value are required, then
 * the value, quality, category and source.
 *
 * Quality: required for PDQ (an integer 0–100, at least PDQ_MIN_QUALITY to be matchable). A quality
 * on any other algorithm is refused (`quality_not_allowed`) rather than dropped: it means shifted
 * columns or a wrong algorithm – a PDQ hash labelled sha256 would otherwise pass as an exact hash,
 * since both are 64 hex digits.
 */
export function checkEntry(fields: EntryFields, defaults: EntryDefaults = {}): EntryCheck {
  const algorithmText = fields.algorithm?.trim() ?? "";
  const valueText = fields.value?.trim() ?? "";
  if (algorithmText === "" || valueText === "") {
    return { ok: false, error: "fields_missing", detail: algorithmText === "" ? "algorithm" : "value" };
  }
  const algorithm = parseAlgorithm(algorithmText);
  if (algorithm === null) return { ok: false, error: "algorithm_unknown", detail: algorithmText.slice(0, 40) };
  const value = parseValue(algorithm, valueText);
  if (!value.ok) return { ok: false, error: value.error };

  let quality: number | null = null;
  const qualityField = typeof fields.quality === "string" ? fields.quality.trim() : fields.quality;
  if (qualityField !== undefined && qualityField !== null && qualityField !== "") {
    if (algorithm !== "pdq") return { ok: false, error: "quality_not_allowed" };
    quality = typeof qualityField === "number" ? qualityField : /^\d{1,3}$/.test(qualityField) ? Number(qualityField) : NaN;
    if (!Number.isInteger(quality) || quality < 0 || quality > 100) return { ok: false, error: "quality_invalid" };
    if (quality < PDQ_MIN_QUALITY) return { ok: false, error: "quality_too_low" };
  } else if (algorithm === "pdq") {
    return { ok: false, error: "quality_missing" };
  }

  let category: Category = defaults.category ?? "unknown";
  const categoryText = fields.category?.trim() ?? "";
  if (categoryText !== "") {
    const parsed = parseCategory(categoryText);
    if (parsed === null) return { ok: false, error: "category_unknown", detail: categoryText.slice(0, 40) };
    category = parsed;
  }

  const sourceText = fields.source?.trim() ?? "";
  const source = sourceText !== "" ? sourceText : defaults.source?.trim() || null;
  if (source !== null && source.length > SOURCE_MAX_LENGTH && [...source].length > SOURCE_MAX_LENGTH) {
    return { ok: false, error: "source_too_long" };
  }

  return { ok: true, entry: { algorithm, value: value.bytes, text: value.text, quality, category, source } };
}
