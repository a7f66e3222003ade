/**
 * The fuzz suite: malformed and hostile input to every form action of the built portal and to every
 * API operation, over real HTTP. Whatever arrives, the answer is never a 5xx, nothing is written,
 * and a sent script payload never comes back unescaped.
 *
 * The cases are drawn by fast-check from the routes' zod schemas (test/support/fuzz.ts) with a fixed
 * seed: a failure names the route and the case, and the next run sends the same requests.
 */
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "~/utils/ids";
import { useTestDb } from "../support/db";
import { companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";
import { changedTables, dbSnapshot, followDb, seedPersonas, type Persona, type Snapshot, type World } from "../support/personas";
import { loadBuild, startTestServer, type TestServer } from "../support/server";
import {
  FORM_SCHEMAS,
  FUZZ_SEED,
  HUGE,
  deeplyNested,
  hostileForms,
  hostileMatchBodies,
  hostileQueryValues,
  isDangerousEcho,
  urlEncode,
  type FormPairs,
} from "../support/fuzz";

/** Forms per route as the persona who may use it, and as nobody. */
const CASES_ALLOWED = 6;
const CASES_ANONYMOUS = 1;

/** Routes whose POST changes the session by design whatever the form says (sign-out ends it). */
const SKIPPED = new Set(["routes/_auth+/logout"]);

/** The personas tried, in order, to find one the route's guard lets through to the form. */
const PREFERENCE = ["a.org_admin", "a.compliance_officer", "a.partner_manager", "a.engineer", "staff_admin", "staff", "a.org_admin_second_factor_pending", "anonymous"] as const;

const ctx = useTestDb();
let server: TestServer;
let build: ServerBuild;

beforeAll(async () => {
  build = await loadBuild();
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

type BuildRoute = ServerBuild["routes"][string];

function fullPath(route: BuildRoute): string {
  const segments: string[] = [];
  for (let r: BuildRoute | undefined = route; r; r = r.parentId ? build.routes[r.parentId] : undefined) if (r.path) segments.unshift(r.path);
  return `/${segments.join("/")}`;
}

/** The route's URL with company A's (or an existing) thing in every param. */
function urlOf(path: string, w: World, listId: number): string {
  const values: Record<string, string> = {
    assessmentId: w.aAssessment.assessmentId,
    sectionId: "core.policy",
    evidenceId: w.aAssessment.evidenceId,
    actionId: w.aCollab.actionId,
    fileId: w.aCollab.fileId,
    reportId: w.aReport,
    membershipId: w.a.members.engineer.membershipId,
    organisationId: w.a.organisation.id,
    listId: String(listId),
    importId: newId(),
    list: "test",
  };
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (!values[name]) throw new Error(`${path}: no fuzz value for :${name}; add one to urlOf()`);
    return values[name];
  });
}

/** A body and its content type, as sent. */
interface Body {
  label: string;
  body: string | FormData;
  contentType?: string;
  /** The values sent, for the check that none comes back unescaped. */
  values: string[];
}

const urlencoded = (label: string, pairs: FormPairs): Body => ({
  label,
  body: urlEncode(pairs),
  contentType: "application/x-www-form-urlencoded",
  values: pairs.flat(),
});

/** The same route reached with the wrong kind of body: JSON, a file where text is expected, garbage, too much. */
function wrongBodies(pairs: FormPairs): Body[] {
  const multipart = new FormData();
  for (const [k] of pairs) multipart.append(k, new Blob(["%PDF-1.4 <script>alert(1)</script>"], { type: "application/pdf" }), "../../etc/passwd");
  multipart.append("intent", new Blob(["x"]), "intent.txt");
  return [
    { label: "JSON to a form action", body: JSON.stringify(Object.fromEntries(pairs)), contentType: "application/json", values: [] },
    { label: "multipart with files where text is expected", body: multipart, values: [] },
    { label: "multipart with a broken boundary", body: "--nope\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", contentType: "multipart/form-data; boundary=other", values: [] },
    { label: "malformed percent-encoding", body: "intent=%ZZ&%=&&=x&a=%E0%80%AF&b=%C0%AE%C0%AE%2F", contentType: "application/x-www-form-urlencoded", values: [] },
    { label: "a body larger than the limit", body: `intent=${HUGE}&name=${HUGE}`, contentType: "application/x-www-form-urlencoded", values: [] },
    { label: "text/plain", body: "intent=create\nname=x", contentType: "text/plain", values: [] },
  ];
}

async function send(url: string, body: Body, cookie: string | undefined) {
  const headers = new Headers();
  if (body.contentType) headers.set("Content-Type", body.contentType);
  try {
    const res = await server.fetch(url, { method: "POST", body: body.body, headers, cookie });
    if (process.env.FUZZ_DEBUG) console.info(url, body.label, res.status, res.headers.get("connection"));
    return { res, text: await res.text() };
  } catch (error) {
    throw new Error(`POST ${url} (${body.label}): no answer: ${String((error as Error).cause ?? error)}`);
  }
}

/** Never a 5xx; a script payload that was sent never comes back as it was in HTML. */
function answerFailures(label: string, res: Response, text: string, sent: string[]): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`${label}: ${res.status} (server error)`);
  const html = (res.headers.get("Content-Type") ?? "").includes("html");
  for (const value of sent.filter(isDangerousEcho)) if (html && text.includes(value)) out.push(`${label}: the answer echoes ${JSON.stringify(value.slice(0, 60))} unescaped`);
  return out;
}

function report(failures: string[], requests: number) {
  if (failures.length) throw new Error(`${failures.length} failures in ${requests} requests:\n  ${failures.slice(0, 60).join("\n  ")}`);
}

/** What refused attempts may leave behind: nothing but the rate-limit counters (not in the snapshot). */
function writes(before: Snapshot, after: Snapshot): string[] {
  return changedTables(before, after);
}

describe("a form over its action's limit", () => {
  // Regression: the action refused it by its Content-Length without reading it, and the rest of the
  // body stayed on the kept-alive connection, where the next request (any client's next form) failed.
  it("is refused with 413 and ends its connection, so the next request is answered", async () => {
    const big = await server.fetch("/forgot-password", {
      method: "POST",
      body: `email=${"a".repeat(200 * 1024)}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await big.text();
    expect(big.status).toBe(413);
    expect(big.headers.get("Connection")).toBe("close");
    const next = await server.fetch("/forgot-password", { form: { email: "not an address" } });
    await next.text();
    expect(next.status).toBe(400);
  });
});

describe("fuzz: form actions", () => {
  it("hostile and malformed forms to every action: never a 5xx, nothing written, nothing echoed unescaped", { timeout: 300_000 }, async () => {
    const world = await seedPersonas(ctx.db);
    const { industry } = await setUpHashLists(ctx.db);
    const personas = new Map(world.personas.map((p) => [p.name, p]));
    const actionRoutes = Object.values(build.routes).filter((r) => r.module.action && !r.id.startsWith("routes/api+/") && !SKIPPED.has(r.id));
    expect(actionRoutes.length).toBeGreaterThan(30);

    const unknown = Object.keys(FORM_SCHEMAS).filter((id) => !build.routes[id]?.module.action);
    expect(unknown, "FORM_SCHEMAS names routes without an action in the build").toEqual([]);

    const failures: string[] = [];
    let requests = 0;
    let routeNumber = 0;
    // Answers to the allowed persona's forms that show the form was read and refused (not a guard's 401/403).
    let allowedCases = 0;
    let refusedByForm = 0;
    for (const route of actionRoutes) {
      routeNumber++;
      const url = urlOf(fullPath(route), world, industry.id);

      // The persona the guard lets through: the first whose empty form is refused by validation
      // (4xx, not 401/403), as the authorization matrix defines "allowed".
      let allowed: Persona | undefined;
      for (const name of PREFERENCE) {
        const p = personas.get(name)!;
        const { res } = await send(url, urlencoded("empty", []), p.cookie);
        requests++;
        if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
          allowed = p;
          break;
        }
      }
      allowed ??= personas.get("a.org_admin")!;

      const forms = hostileForms(FORM_SCHEMAS[route.id], CASES_ALLOWED + CASES_ANONYMOUS, FUZZ_SEED + routeNumber);
      const bodies: { body: Body; persona: Persona }[] = [
        ...forms.slice(0, CASES_ALLOWED).map((pairs, i) => ({ body: urlencoded(`case ${i}`, pairs), persona: allowed })),
        ...forms.slice(CASES_ALLOWED).map((pairs, i) => ({ body: urlencoded(`anonymous case ${i}`, pairs), persona: personas.get("anonymous")! })),
        ...wrongBodies(forms[0]!).map((body) => ({ body, persona: allowed })),
      ];

      // The page is viewed first: whatever merely viewing it does is not the form's doing.
      await (await server.fetch(url, { cookie: allowed.cookie })).text();
      const before = await dbSnapshot(ctx.db);
      for (const { body, persona } of bodies) {
        const { res, text } = await send(url, body, persona.cookie);
        requests++;
        const label = `POST ${url} [${route.id}] as ${persona.name}, ${body.label} ${typeof body.body === "string" ? JSON.stringify(body.body.slice(0, 200)) : ""}`;
        failures.push(...answerFailures(label, res, text, body.values));
        if (persona === allowed) {
          allowedCases++;
          if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) refusedByForm++;
        }
      }
      const changed = writes(before, await dbSnapshot(ctx.db));
      if (changed.length) failures.push(`POST ${url} [${route.id}] as ${allowed.name}: hostile forms wrote to ${changed.join(", ")}`);
    }
    console.info(`fuzz: ${requests} form requests to ${actionRoutes.length} actions; ${refusedByForm} of ${allowedCases} refused by the form`);
    report(failures, requests);
    // The cases reach the forms: most are refused by validation, not stopped at the door.
    expect(refusedByForm / allowedCases).toBeGreaterThan(0.8);
  });
});

describe("fuzz: the API", () => {
  it("hostile keys, headers, query parameters and JSON bodies: never a 5xx, nothing written", { timeout: 300_000 }, async () => {
    const { test, industry } = await setUpHashLists(ctx.db);
    const company = await companyWithAccess(ctx.db, [industry.id], { name: "Fuzz Hosting AB" });
    const { secret } = await keyFor(ctx.db, company, { listIds: [test.id, industry.id] });
    // The key's own rate limit would answer most of the run with 429 before any parsing.
    server.apiUsage.setLimits({ perMinute: 1_000_000, perDay: 1_000_000 });
    const bearer = `Bearer ${secret}`;

    const requests: { label: string; path: string; init: RequestInit }[] = [];
    const get = (label: string, path: string, headers: Record<string, string> = { Authorization: bearer }) => requests.push({ label, path, init: { headers } });

    // Keys and headers.
    const authorizations = [
      "",
      "Bearer",
      "Bearer ",
      `Basic ${Buffer.from(`user:${secret}`).toString("base64")}`,
      `bearer ${secret}`,
      `Bearer ${secret} ${secret}`,
      `Bearer ${secret.slice(0, -1)}`,
      `Bearer ${secret}x`,
      `Bearer ${secret.toUpperCase()}`,
      `Bearer ${"A".repeat(8_000)}`,
      "Bearer ' OR 1=1 --",
      "Bearer ../../etc/passwd",
      `Token ${secret}`,
      `Bearer ${secret}, Bearer ${secret}`,
      `Bearer\t${secret}`,
      "Bearer pp_live_\u00e9\u00e9",
    ];
    for (const a of authorizations) get(`Authorization ${JSON.stringify(a.slice(0, 40))}`, "/api/v1/lists", { Authorization: a });
    get("a huge header", "/api/v1/lists", { Authorization: bearer, "X-Fuzz": "x".repeat(12_000) });
    get("a header past the server's limit", "/api/v1/lists", { Authorization: bearer, "X-Fuzz": "x".repeat(40_000) });
    get("hostile forwarding headers", "/api/v1/lists", { Authorization: bearer, "X-Forwarded-For": "' OR 1=1 --, 999.1.1.1, ::ffff:zz", "X-Forwarded-Host": "../../etc", Accept: "*/*;q=NaN" });
    get("hostile Accept", "/api/v1/lists/test/snapshot", { Authorization: bearer, Accept: "application/x-ndjson;q=1e308, text/html" });

    // Query parameters and path segments.
    const values = hostileQueryValues(40, FUZZ_SEED);
    const q = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "\ufffd"));
    values.forEach((v, i) => {
      if (i % 4 === 0) get(`changes since=${JSON.stringify(v.slice(0, 40))}`, `/api/v1/lists/test/changes?since=${q(v)}`);
      if (i % 4 === 1) get(`changes limit=${JSON.stringify(v.slice(0, 40))}`, `/api/v1/lists/test/changes?since=0&limit=${q(v)}`);
      if (i % 4 === 2) get(`snapshot format/algorithm=${JSON.stringify(v.slice(0, 40))}`, `/api/v1/lists/industry/snapshot?format=${q(v)}&algorithm=${q(v)}`);
      if (i % 4 === 3) get(`list named ${JSON.stringify(v.slice(0, 40))}`, `/api/v1/lists/${q(v) || "%20"}/changes?since=0`);
    });
    get("repeated since", "/api/v1/lists/test/changes?since=0&since=1&since=' OR 1=1 --");
    get("unknown parameters", "/api/v1/lists/test/changes?since=0&__proto__[polluted]=1&constructor[prototype][polluted]=1");
    get("array syntax", "/api/v1/lists/test/changes?since[]=0&since[$gt]=0");
    get("path traversal", "/api/v1/lists/..%2F..%2Fetc%2Fpasswd/snapshot");
    get("encoded NUL", "/api/v1/lists/test%00/snapshot");
    get("since past every checkpoint", "/api/v1/lists/test/changes?since=9007199254740993");

    // Match bodies.
    const post = (label: string, body: string, contentType = "application/json") =>
      requests.push({ label, path: "/api/v1/match", init: { method: "POST", body, headers: { Authorization: bearer, "Content-Type": contentType } } });
    for (const [i, body] of hostileMatchBodies(60, FUZZ_SEED).entries()) post(`match body ${i} ${JSON.stringify(body)?.slice(0, 120)}`, JSON.stringify(body));
    post("deep nesting", deeplyNested(20_000));
    post("a huge array", JSON.stringify({ hashes: Array.from({ length: 20_000 }, () => ({ algorithm: "md5", value: "0".repeat(32) })) }));
    post("a huge string", JSON.stringify({ hashes: [{ algorithm: "md5", value: HUGE }] }));
    post("a body of 2 MB", JSON.stringify({ hashes: [{ algorithm: "md5", value: "a".repeat(2 * 1024 * 1024) }] }));
    post("invalid JSON", '{"hashes": [');
    post("JSON with a BOM and comments", '\ufeff{"hashes": [] /* x */}');
    post("duplicate keys", '{"hashes":[{"algorithm":"md5","value":"00000000000000000000000000000000"}],"hashes":"x"}');
    post("__proto__ key", '{"__proto__":{"polluted":true},"hashes":[{"algorithm":"md5","value":"00000000000000000000000000000000","__proto__":{"x":1}}]}');
    post("a form instead of JSON", "hashes=md5&value=00", "application/x-www-form-urlencoded");
    post("no body", "");
    post("numbers out of range", '{"hashes":[{"algorithm":"pdq","value":"00","quality":1e400}],"maxDistance":-0}');

    // Some without any key at all.
    requests.push({ label: "match without a key", path: "/api/v1/match", init: { method: "POST", body: JSON.stringify({ hashes: [{ algorithm: "md5", value: "<script>alert(1)</script>" }] }), headers: { "Content-Type": "application/json" } } });
    requests.push({ label: "changes without a key", path: "/api/v1/lists/test/changes?since=<script>alert(1)</script>", init: {} });

    const before = await dbSnapshot(ctx.db);
    const failures: string[] = [];
    for (const r of requests) {
      const res = await server.fetch(r.path, { ...r.init, headers: new Headers(r.init.headers) });
      const text = await res.text();
      const label = `${r.init.method ?? "GET"} ${r.path.slice(0, 120)} (${r.label})`;
      failures.push(...answerFailures(label, res, text, [r.path, String(r.init.body ?? "")].map(decodeURIComponentSafe)));
      // A script payload may come back inside JSON, but never in a page a browser would run.
      if (res.status !== 200 && !(res.headers.get("Content-Type") ?? "").includes("json") && res.status !== 431 && res.status !== 413) {
        failures.push(`${label}: a ${res.status} that is not JSON (${res.headers.get("Content-Type")})`);
      }
    }
    const changed = changedTables(before, await dbSnapshot(ctx.db));
    if (changed.length) failures.push(`the API requests wrote to ${changed.join(", ")}`);
    console.info(`fuzz: ${requests.length} API requests`);
    report(failures, requests.length);
    expect(requests.length).toBeGreaterThan(100);
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
