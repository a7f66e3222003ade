/**
 * Hostile input for the fuzz suite (test/security/fuzz.test.ts), derived from the forms' and the
 * API's zod schemas: which fields a form has and what kind each is (text, number, choice, list), and
 * for each kind the values that break assumptions: wrong types, nothing, far too much, unicode edge
 * cases, injection strings. fast-check draws the cases from a fixed seed, so a run is reproducible.
 */
import fc from "fast-check";
import type { z } from "zod";
import { formDataToObject } from "~/utils/form-data";
import { acceptAgreementSchema } from "~/modules/agreements/schema";
import { apiKeysActionSchema } from "~/modules/api-keys/schema";
import { commentSchema, planActionSchema, reviewSchema, startAssessmentSchema } from "~/modules/assessments/schema";
import {
  changePasswordSchema,
  codeSchema,
  forgotPasswordSchema,
  loginSchema,
  newPasswordSchema,
  profileSchema as accountProfileSchema,
  sessionsSchema,
  twoFactorSchema,
} from "~/modules/auth/schema";
import { actionFields, companyDetailSchema, editActionSchema, staffDetailSchema, staffNewActionSchema } from "~/modules/collaboration/schema";
import { createListSchema, grantListsSchema, removeEntrySchema } from "~/modules/hashlist/staff-schema";
import { acceptNewAccountSchema, memberActionSchema, membersActionSchema } from "~/modules/members/schema";
import { additionalOrganisationSchema, profileSchema as organisationSchema, registrationSchema, statusDecisionSchema } from "~/modules/organisations/schema";
import { issueReportSchema, signCommitmentSchema, verifyHashSchema, withdrawReportSchema } from "~/modules/reports/schema";
import { staffAccountsActionSchema } from "~/modules/staff/schema";

/** The seed of every draw: change it to explore, keep it fixed to reproduce. */
export const FUZZ_SEED = 20_261_129;

type Schema = z.ZodType;

/**
 * The zod schemas each route's action parses its form with (route id → schemas). A route that is
 * not listed still gets generic hostile fields. A generated case must be refused by every schema
 * listed, so that "nothing is written" is what the app owes it.
 */
export const FORM_SCHEMAS: Record<string, Schema[]> = {
  "routes/_auth+/login": [loginSchema],
  "routes/_auth+/login_.two-factor": [codeSchema],
  "routes/_auth+/login_.step-up": [codeSchema],
  "routes/_auth+/register": [registrationSchema],
  "routes/_auth+/forgot-password": [forgotPasswordSchema],
  "routes/_auth+/reset-password": [newPasswordSchema],
  "routes/invitations.accept": [acceptNewAccountSchema],
  "routes/account+/_index": [accountProfileSchema],
  "routes/account+/password": [changePasswordSchema],
  "routes/account+/sessions": [sessionsSchema],
  "routes/account+/two-factor": [twoFactorSchema],
  "routes/app+/register-organisation": [additionalOrganisationSchema],
  "routes/app+/organisation": [organisationSchema],
  "routes/app+/members": [membersActionSchema],
  "routes/app+/members_.$membershipId": [memberActionSchema],
  "routes/app+/hashlist": [acceptAgreementSchema],
  "routes/app+/api-keys": [apiKeysActionSchema],
  "routes/app+/assessments._index": [startAssessmentSchema],
  "routes/app+/assessments.$assessmentId._index": [commentSchema],
  "routes/app+/assessments.$assessmentId.sections.$sectionId": [commentSchema],
  "routes/app+/assessments.$assessmentId.results": [planActionSchema],
  "routes/app+/plan": [planActionSchema],
  "routes/app+/collaboration.new": [actionFields],
  "routes/app+/collaboration.$actionId._index": [companyDetailSchema],
  "routes/app+/collaboration.$actionId.edit": [editActionSchema],
  "routes/app+/commitment": [signCommitmentSchema],
  "routes/app+/reports._index": [issueReportSchema],
  "routes/verify.$reportId": [verifyHashSchema],
  "routes/staff+/organisations_.$organisationId": [statusDecisionSchema, grantListsSchema],
  "routes/staff+/accounts": [staffAccountsActionSchema],
  "routes/staff+/assessments.$assessmentId._index": [reviewSchema],
  "routes/staff+/collaboration.new": [staffNewActionSchema],
  "routes/staff+/collaboration.$actionId._index": [staffDetailSchema],
  "routes/staff+/reports.$reportId._index": [withdrawReportSchema],
  "routes/staff+/hashlists._index": [createListSchema],
  "routes/staff+/hashlists.$listId": [removeEntrySchema],
};

// ——— What a schema asks for ———

export type FieldKind =
  | { kind: "text" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "choice"; values: string[] }
  | { kind: "list"; item: FieldKind }
  | { kind: "object"; fields: Record<string, FieldKind> };

/** One shape a form may take (a discriminated union has one per intent): field name → kind. */
export type Variant = Record<string, FieldKind>;

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  options?: Schema[];
  left?: Schema;
  right?: Schema;
  element?: Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
}
const defOf = (s: Schema) => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional", "lazy"]);

/** The schema under its wrappers and transforms: the one that says what the input must be. */
function inner(s: Schema): Schema {
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe") s = defOf(def.in!).type === "transform" ? def.out! : def.in!;
    else break;
  }
  return s;
}

export function kindOf(s: Schema): FieldKind {
  const def = defOf(inner(s));
  switch (def.type) {
    case "number":
    case "bigint":
    case "int":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "enum":
      return { kind: "choice", values: Object.values(def.entries ?? {}).map(String) };
    case "literal":
      return { kind: "choice", values: (def.values ?? []).map(String) };
    case "array":
      return { kind: "list", item: kindOf(def.element!) };
    case "object":
      return { kind: "object", fields: variantsOf(inner(s))[0] ?? {} };
    default:
      return { kind: "text" };
  }
}

/** The shapes a form of this schema may take. */
export function variantsOf(schema: Schema): Variant[] {
  const s = inner(schema);
  const def = defOf(s);
  if (def.type === "object") return [Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, kindOf(v)]))];
  if (def.type === "union") return (def.options ?? []).flatMap(variantsOf);
  if (def.type === "intersection") {
    const left = variantsOf(def.left!);
    const right = variantsOf(def.right!);
    return left.flatMap((l) => right.map((r) => ({ ...l, ...r })));
  }
  return [{}];
}

// ——— Hostile values ———

export const XSS_PAYLOADS = ["<script>alert('fuzz')</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>", "javascript:alert(1)"];

/** Payloads whose verbatim echo in an HTML answer would be a cross-site scripting hole. */
export const isDangerousEcho = (value: string) => /<script|onerror=|<svg\/onload/i.test(value);

const INJECTIONS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '"; DROP TABLE user; --',
  "1; SELECT SLEEP(5)",
  "\\",
  "\\'; --",
  "\\\\\\\\",
  "%27%20OR%201%3D1",
  ...XSS_PAYLOADS,
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "/etc/passwd\u0000.png",
  "{{7*7}}",
  "${7*7}",
  "#{7*7}",
  "<%= 7*7 %>",
  "__proto__",
  "constructor",
  "toString",
];

const UNICODE = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\u202eevil\u202c",
  "\u200f\u200e\u2066",
  "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",
  "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}",
  "\ufeff",
  "\ufffd\uffff",
  "𝕏".repeat(5_000),
  `${"a".repeat(20_000)}\r\n${"b".repeat(20_000)}`,
  "line\r\nInjected-Header: yes",
  " ",
  "\t\n",
];

const NUMBERS = ["1e308", "-1e308", "1e309", "-0", "NaN", "Infinity", "-Infinity", "0x10", "1_000", "9007199254740993", "-1", "0", "1.5", "01", " 7 ", "1e-400"];
const WRONG_TYPES = ["true", "false", "null", "undefined", "[]", "{}", '{"$gt":""}', "[object Object]"];

/** Far too much: past every field's maximum and past the body limit of a form (64 KiB). */
export const HUGE = "A".repeat(100 * 1024);

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS, ...WRONG_TYPES) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(5_000), "9".repeat(400)) },
);

/** A value for a form field: a string, a repeated key (several values), or none at all. */
export type FormValue = string | string[] | undefined;

function plausible(kind: FieldKind): string {
  switch (kind.kind) {
    case "choice":
      return kind.values[0] ?? "x";
    case "number":
      return "1";
    case "boolean":
      return "on";
    case "list":
      return plausible(kind.item);
    default:
      return "Fuzz";
  }
}

/** One field's value: mostly hostile, sometimes plausible (so that the other fields are reached). */
function fieldValue(kind: FieldKind): fc.Arbitrary<FormValue> {
  const good = kind.kind === "choice" ? fc.constantFrom(...(kind.values.length ? kind.values : ["x"])) : fc.constant(plausible(kind));
  return fc.oneof(
    { weight: 2, arbitrary: good },
    { weight: 5, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.array(fc.oneof(good, hostileString), { minLength: 2, maxLength: 4 }) },
  );
}

const HOSTILE_KEYS = ["__proto__", "__proto__[polluted]", "constructor[prototype][polluted]", "constructor", "prototype", "intent[]", "x".repeat(2_000), "", "a\u0000b", "$where", "__defineGetter__"];

/** Fields the form does not have, some of them aimed at prototype pollution. */
const extraFields = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), fc.oneof(hostileString, fc.array(hostileString, { minLength: 2, maxLength: 3 }))), { maxLength: 3 });

export type FormPairs = [string, string][];

/** A form as the wire carries it: name/value pairs, a repeated name once per value. */
export function toPairs(fields: Record<string, FormValue>, extra: [string, FormValue][] = []): FormPairs {
  const pairs: FormPairs = [];
  for (const [k, v] of [...Object.entries(fields), ...extra]) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) pairs.push([k, item]);
  }
  return pairs;
}

/**
 * The form as the server reads it, for checking it against the schemas: decoded from the bytes
 * sent (raw surrogate bytes become U+FFFD, three of them), then as utils/form-data.ts does.
 */
export function asServerReadsIt(pairs: FormPairs): Record<string, unknown> {
  const fd = new FormData();
  for (const [k, v] of new URLSearchParams(urlEncode(pairs))) fd.append(k, v);
  return formDataToObject(fd);
}

/** Hostile forms for a route: from its schemas' fields, or generic fields when it has none known. */
export function hostileForms(schemas: Schema[] | undefined, count: number, seed: number): FormPairs[] {
  const variants = schemas?.flatMap(variantsOf).filter((v) => Object.keys(v).length) ?? [];
  const generic: Variant = { intent: { kind: "text" }, id: { kind: "text" }, name: { kind: "text" }, value: { kind: "text" }, file: { kind: "text" } };
  const shapes = variants.length ? variants : [generic];
  const form = fc
    .constantFrom(...shapes)
    .chain((variant) =>
      fc.tuple(fc.record(Object.fromEntries(Object.entries(variant).map(([k, kind]) => [k, fieldValue(kind)])) as Record<string, fc.Arbitrary<FormValue>>), extraFields),
    )
    .map(([fields, extra]) => toPairs(fields, extra))
    // Only forms every schema refuses: one that could be valid might rightly be saved.
    .filter((pairs) => !(schemas ?? []).some((s) => s.safeParse(asServerReadsIt(pairs)).success));
  return fc.sample(form, { seed, numRuns: count });
}

/**
 * application/x-www-form-urlencoded, by hand: a lone surrogate (which URLSearchParams would turn
 * into U+FFFD) is sent as the three bytes UTF-8 would give it (ED A0 80 …), invalid as they are.
 */
export function urlEncode(pairs: FormPairs): string {
  const enc = (s: string) => {
    let out = "";
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        out += encodeURIComponent(s.slice(i, i + 2));
        i++;
      } else if (c >= 0xd800 && c <= 0xdfff) {
        out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
      } else out += encodeURIComponent(s[i]!);
    }
    return out;
  };
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
}

// ——— The API ———

const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const ALGORITHM_NAMES = ["md5", "sha1", "sha256", "pdq", "photodna", "MD5", "md5 ", "sha512", "", "' OR 1=1 --"];

/** One hash of a match request: mostly almost right (a known algorithm, wrong lengths, not hex, wrong types). */
const hostileHash = fc.oneof(
  fc.record(
    {
      algorithm: fc.oneof(fc.constantFrom(...ALGORITHM_NAMES), hostileString),
      value: fc.oneof(hex(31), hex(33), hex(64), hex(63), fc.constant("zz".repeat(16)), fc.constant("0x" + "a".repeat(30)), hostileString, fc.constant("A".repeat(500))),
      quality: fc.oneof(fc.constant(-1), fc.constant(101), fc.constant(1e308), fc.constant(0.5), fc.constant("90"), fc.constant(null)),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom<unknown>(null, 1, "md5:abc", [], true),
  fc.record({ algorithm: fc.constant("md5"), value: hex(32), extra: hostileString }),
);

/** JSON bodies for POST /api/v1/match, derived from matchRequestSchema's fields. */
export function hostileMatchBodies(count: number, seed: number): unknown[] {
  const body = fc.oneof(
    fc.record(
      {
        hashes: fc.oneof(fc.array(hostileHash, { minLength: 0, maxLength: 5 }), fc.constantFrom<unknown>("md5", {}, null, 42)),
        lists: fc.oneof(fc.array(hostileString, { maxLength: 3 }), fc.constantFrom<unknown>("test", [1, 2], null, [{}])),
        maxDistance: fc.constantFrom<unknown>(-1, 1e308, "31", null, 0.5, 257, []),
        extra: fc.constantFrom<unknown>({ $gt: "" }, "' OR 1=1 --", [[[]]]),
      },
      { requiredKeys: [] },
    ),
    fc.constantFrom<unknown>(null, [], "hashes", 0, true),
  );
  return fc.sample(body, { seed, numRuns: count });
}

/** Hostile values for a query parameter. */
export function hostileQueryValues(count: number, seed: number): string[] {
  return fc.sample(hostileString, { seed, numRuns: count });
}

/** JSON nested `depth` levels deep: `{"hashes":[[[[…]]]]}`. */
export function deeplyNested(depth: number): string {
  return `{"hashes":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}
