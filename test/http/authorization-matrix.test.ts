/**
 * The authorization matrix: every route of the built portal × every kind of person, over real HTTP.
 *
 * ROUTES below classifies every route id of the server build. A route that is added to the app
 * without being classified here, or a classification of a route that is gone, fails the first test:
 * whoever adds a route decides, in this table, who may use it. The expected answer of every
 * request is derived from the route's class and from the permission table (permissions.ts); the
 * whole matrix runs and the failures are reported together.
 */
import { Readable } from "node:stream";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrganisationStatus } from "#db/schema";
import { PERMISSIONS, STAFF_PERMISSIONS, type Permission, type StaffPermission } from "~/modules/auth/permissions";
import { newId } from "~/utils/ids";
import { currentCommitment, newReportId } from "~/modules/reports/reports.server";
import { systemActor } from "~/modules/audit/audit.server";
import { importHashFile } from "~/modules/hashlist/import.server";
import { useTestDb } from "../support/db";
import { setUpHashLists } from "../support/hashlist";
import { nextOrgNumber, PASSWORD, rowCounts } from "../support/factories";
import { changedTables, dbSnapshot, followDb, seedPersonas, type OrgKey, type Persona, type World } from "../support/personas";
import { run, testContext, testRequest } from "../support/routes";
import { loadBuild, startTestServer, type TestServer } from "../support/server";

/**
 * Access classes. "Allowed" means: GET answers 200; an empty POST gets a validation answer (4xx,
 * not 401/403: the guard let it through and the form was refused), nothing written. A POST to a
 * page is answered like a GET where the guard is the page's (Remix runs the page's loaders after
 * its action): a signed-in user who posts to the sign-in page is sent home all the same.
 *
 * - root: the layout every page runs in; it has no URL of its own.
 * - public: everyone, signed in or not.
 * - guest: the sign-in page; a fully signed-in user is sent home (/app, staff /staff).
 * - guest:register: registration; a signed-in company user is sent to /app/register-organisation, staff to /staff.
 * - second-factor: only a session that still owes its second factor; no session → /login; a complete one → home.
 * - step-up: signed in; a user without TOTP is sent to enrol (/account/two-factor?required=1).
 * - signed-in: any signed-in user, staff included. Everyone who is not signed in is sent to
 *   /login?redirectTo=<path>; a session that owes its second factor to /login/two-factor (true of
 *   every class below).
 * - company: signed-in company users (with or without an organisation); staff are sent to /staff.
 * - company:no-staff: as company, but staff are refused (403).
 * - org:<permission>: a member of an organisation whose roles have the permission (PERMISSIONS), and
 *   for write permissions an organisation that may act; staff → /staff; no organisation → /app;
 *   another role → 403; another organisation's id → 404.
 * - staff:<permission>: NGO staff whose staff role has the permission (STAFF_PERMISSIONS); everyone
 *   else signed in → 403; an id that does not exist → 404.
 * - dev: development tools: open in development and test, 404 in production.
 * - sign-out: POST ends the request's own session (and records it); always → /?notice=signed_out.
 * - language: POST switches the language (a cookie, and the account's language); always → /.
 * - redirect:<to>: the loader only redirects there, whoever asks.
 * - api: the hash-list API: a bearer key, never a session; everyone here (no key) gets 401.
 * - not-found: answers 404 to everyone (the API's catch-all).
 * - method-not-allowed: answers 405 to everyone (GET of an API operation that is a POST).
 */
type Access =
  | "root"
  | "public"
  | "guest"
  | "guest:register"
  | "second-factor"
  | "step-up"
  | "signed-in"
  | "company"
  | "company:no-staff"
  | `org:${Permission}`
  | `staff:${StaffPermission}`
  | "dev"
  | "api"
  | "not-found"
  | "method-not-allowed"
  | "sign-out"
  | "language"
  | `redirect:/${string}`;

interface RouteRule {
  /** The full URL pattern, as computed from the build (a moved route must be re-examined). */
  path: string;
  /** Who may GET the route (its loader, or its page when it has none). */
  get: Access;
  /** Who may POST to it: present exactly when the route has an action. */
  post?: Access;
  /** The status an allowed persona's empty form gets, when it is not a plain validation answer. */
  emptyForm?: number;
}

const ROUTES: Record<string, RouteRule> = {
  root: { path: "/", get: "root" },
  "routes/_index": { path: "/", get: "public" },
  "routes/healthz": { path: "/healthz", get: "public" },
  // Readiness (load balancers and orchestrators ask it, unauthenticated); /metrics is no Remix route:
  // the server answers it before Remix, behind its own token (test/http/observability.test.ts).
  "routes/readyz": { path: "/readyz", get: "public" },
  "routes/api+/$": { path: "/api/*", get: "not-found", post: "not-found" },
  "routes/api+/v1.lists._index": { path: "/api/v1/lists", get: "api" },
  "routes/developers": { path: "/developers", get: "public" },
  "routes/api+/v1.openapi[.]json": { path: "/api/v1/openapi.json", get: "public" },
  "routes/api+/v1.match": { path: "/api/v1/match", get: "method-not-allowed", post: "api" },
  "routes/api+/v1.lists.$list.snapshot": { path: "/api/v1/lists/:list/snapshot", get: "api" },
  "routes/api+/v1.lists.$list.changes": { path: "/api/v1/lists/:list/changes", get: "api" },
  "routes/lang": { path: "/lang", get: "redirect:/", post: "language" },
  "routes/invitations.accept": { path: "/invitations/accept", get: "public", post: "public" },
  "routes/dev+/outbox": { path: "/dev/outbox", get: "dev" },

  "routes/_auth+/login": { path: "/login", get: "guest", post: "guest" },
  "routes/_auth+/login_.two-factor": { path: "/login/two-factor", get: "second-factor", post: "second-factor" },
  "routes/_auth+/login_.step-up": { path: "/login/step-up", get: "step-up", post: "step-up" },
  "routes/_auth+/logout": { path: "/logout", get: "redirect:/", post: "sign-out" },
  "routes/_auth+/register": { path: "/register", get: "guest:register", post: "guest:register" },
  "routes/_auth+/forgot-password": { path: "/forgot-password", get: "public", post: "public" },
  "routes/_auth+/reset-password": { path: "/reset-password", get: "public", post: "public" },
  "routes/_auth+/verify-email": { path: "/verify-email", get: "public", post: "public" },

  "routes/account+/_index": { path: "/account", get: "signed-in", post: "signed-in" },
  "routes/account+/password": { path: "/account/password", get: "signed-in", post: "signed-in" },
  "routes/account+/sessions": { path: "/account/sessions", get: "signed-in", post: "signed-in" },
  "routes/account+/two-factor": { path: "/account/two-factor", get: "signed-in", post: "signed-in" },

  "routes/app+/_index": { path: "/app", get: "company" },
  "routes/app+/register-organisation": { path: "/app/register-organisation", get: "company:no-staff", post: "company:no-staff" },
  // Only an organisation of one's own can be chosen: an empty choice names none of them (403).
  "routes/app+/switch-organisation": { path: "/app/switch-organisation", get: "redirect:/app", post: "signed-in", emptyForm: 403 },
  "routes/app+/organisation": { path: "/app/organisation", get: "org:organisation.view", post: "org:organisation.edit" },
  "routes/app+/members": { path: "/app/members", get: "org:members.view", post: "org:members.manage" },
  "routes/app+/members_.$membershipId": { path: "/app/members/:membershipId", get: "org:members.manage", post: "org:members.manage" },
  "routes/app+/audit": { path: "/app/audit", get: "org:audit.view" },

  "routes/staff+/_index": { path: "/staff", get: "staff:staff.organisations.view" },
  "routes/staff+/organisations": { path: "/staff/organisations", get: "staff:staff.organisations.view" },
  "routes/staff+/organisations_.$organisationId": {
    path: "/staff/organisations/:organisationId",
    get: "staff:staff.organisations.view",
    post: "staff:staff.organisations.decide",
  },
  "routes/staff+/audit": { path: "/staff/audit", get: "staff:staff.audit.view" },
  "routes/staff+/accounts": { path: "/staff/accounts", get: "staff:staff.accounts.manage", post: "staff:staff.accounts.manage" },
  "routes/staff+/status": { path: "/staff/status", get: "staff:staff.status.view" },

  "routes/app+/assessments._index": { path: "/app/assessments", get: "org:assessment.view", post: "org:assessment.edit" },
  "routes/app+/assessments.$assessmentId._index": { path: "/app/assessments/:assessmentId", get: "org:assessment.view", post: "org:assessment.edit" },
  "routes/app+/assessments.$assessmentId.sections.$sectionId": {
    path: "/app/assessments/:assessmentId/sections/:sectionId",
    get: "org:assessment.view",
    post: "org:assessment.edit",
  },
  "routes/app+/assessments.$assessmentId.evidence._index": { path: "/app/assessments/:assessmentId/evidence", get: "org:assessment.view", post: "org:assessment.edit" },
  "routes/app+/assessments.$assessmentId.evidence.$evidenceId": { path: "/app/assessments/:assessmentId/evidence/:evidenceId", get: "org:assessment.view" },
  "routes/app+/assessments.$assessmentId.results": { path: "/app/assessments/:assessmentId/results", get: "org:assessment.view", post: "org:plan.manage" },
  "routes/app+/assessments.$assessmentId.export[.]csv": { path: "/app/assessments/:assessmentId/export.csv", get: "org:assessment.view" },
  "routes/app+/assessments.$assessmentId.export[.]json": { path: "/app/assessments/:assessmentId/export.json", get: "org:assessment.view" },
  "routes/app+/plan": { path: "/app/plan", get: "org:plan.view", post: "org:plan.manage" },
  // Everyone in the organisation sees its hash-list access; only an admin accepts the agreement.
  "routes/app+/hashlist": { path: "/app/hashlist", get: "org:hashlist.view", post: "org:agreement.accept" },
  // Creating and rolling a key also need a fresh second factor (requireFreshSecondFactor), but the
  // action validates the form first: an empty or bad form gets its 400 before any step-up redirect,
  // and only a form that could succeed is sent to step-up. So the plain org: class holds (the
  // personas' sessions have a fresh second factor anyway; test/routes/api-keys.test.ts covers the
  // step-up itself).
  "routes/app+/api-keys": { path: "/app/api-keys", get: "org:apikeys.view", post: "org:apikeys.manage" },

  "routes/app+/collaboration._index": { path: "/app/collaboration", get: "org:collab.view" },
  "routes/app+/collaboration.export[.]csv": { path: "/app/collaboration/export.csv", get: "org:collab.view" },
  "routes/app+/collaboration.new": { path: "/app/collaboration/new", get: "org:collab.manage", post: "org:collab.manage" },
  "routes/app+/collaboration.$actionId._index": { path: "/app/collaboration/:actionId", get: "org:collab.view", post: "org:collab.manage" },
  "routes/app+/collaboration.$actionId.edit": { path: "/app/collaboration/:actionId/edit", get: "org:collab.manage", post: "org:collab.manage" },
  "routes/app+/collaboration.$actionId.files.$fileId": { path: "/app/collaboration/:actionId/files/:fileId", get: "org:collab.view" },
  "routes/staff+/collaboration._index": { path: "/staff/collaboration", get: "staff:staff.collab.review" },
  "routes/staff+/collaboration.export[.]csv": { path: "/staff/collaboration/export.csv", get: "staff:staff.collab.review" },
  "routes/staff+/collaboration.overview": { path: "/staff/collaboration/overview", get: "staff:staff.collab.review" },
  "routes/staff+/collaboration.overview[.]csv": { path: "/staff/collaboration/overview.csv", get: "staff:staff.collab.review" },
  "routes/staff+/collaboration.new": { path: "/staff/collaboration/new", get: "staff:staff.collab.review", post: "staff:staff.collab.review" },
  "routes/staff+/collaboration.$actionId._index": { path: "/staff/collaboration/:actionId", get: "staff:staff.collab.review", post: "staff:staff.collab.review" },
  "routes/staff+/collaboration.$actionId.files.$fileId": { path: "/staff/collaboration/:actionId/files/:fileId", get: "staff:staff.collab.review" },
  "routes/app+/commitment": { path: "/app/commitment", get: "org:reports.view", post: "org:commitment.sign" },
  "routes/app+/reports._index": { path: "/app/reports", get: "org:reports.view", post: "org:reports.issue" },
  "routes/app+/reports.$reportId._index": { path: "/app/reports/:reportId", get: "org:reports.view" },
  "routes/app+/reports.$reportId.download": { path: "/app/reports/:reportId/download", get: "org:reports.view" },
  "routes/staff+/reports._index": { path: "/staff/reports", get: "staff:staff.reports.view" },
  "routes/staff+/reports.$reportId._index": { path: "/staff/reports/:reportId", get: "staff:staff.reports.view", post: "staff:staff.reports.withdraw" },
  "routes/staff+/reports.$reportId.download": { path: "/staff/reports/:reportId/download", get: "staff:staff.reports.view" },
  "routes/verify.$reportId": { path: "/verify/:reportId", get: "public", post: "public" },

  "routes/staff+/assessments._index": { path: "/staff/assessments", get: "staff:staff.assessments.review" },
  "routes/staff+/assessments.overview": { path: "/staff/assessments/overview", get: "staff:staff.assessments.review" },
  "routes/staff+/assessments.export[.]csv": { path: "/staff/assessments/export.csv", get: "staff:staff.assessments.review" },
  "routes/staff+/assessments.$assessmentId._index": {
    path: "/staff/assessments/:assessmentId",
    get: "staff:staff.assessments.review",
    post: "staff:staff.assessments.review",
  },
  "routes/staff+/assessments.$assessmentId.evidence.$evidenceId": {
    path: "/staff/assessments/:assessmentId/evidence/:evidenceId",
    get: "staff:staff.assessments.review",
  },
  "routes/staff+/frameworks": { path: "/staff/frameworks", get: "staff:staff.frameworks.view", post: "staff:staff.frameworks.publish" },
  "routes/staff+/hashlists._index": { path: "/staff/hashlists", get: "staff:staff.hashlists.view", post: "staff:staff.hashlists.manage" },
  "routes/staff+/hashlists.$listId": { path: "/staff/hashlists/:listId", get: "staff:staff.hashlists.view", post: "staff:staff.hashlists.manage" },
  "routes/staff+/hashlists.imports.$importId": { path: "/staff/hashlists/imports/:importId", get: "staff:staff.hashlists.view" },
};

/** Statuses in which an organisation may change its own data (the spec of PERMISSIONS' `write`). */
const MAY_ACT: OrganisationStatus[] = ["applied", "under_review", "approved"];

type BuildRoute = ServerBuild["routes"][string];

function fullPath(routes: ServerBuild["routes"], route: BuildRoute): string {
  const segments: string[] = [];
  for (let r: BuildRoute | undefined = route; r; r = r.parentId ? routes[r.parentId] : undefined) if (r.path) segments.unshift(r.path);
  return `/${segments.join("/")}`;
}

// ——— Expected answers ———

type Expected = { status: number } | { redirect: string } | { validation: true; or?: number };

const status = (s: number): Expected => ({ status: s });
const redirectTo = (to: string): Expected => ({ redirect: to });
const home = (p: Persona) => (p.staffRole ? "/staff" : "/app");

/** A target: a concrete URL (params filled in) and whose thing it names. */
interface Target {
  url: string;
  label: string;
  /** The organisation whose thing the URL (or form) names; "any" for a thing that exists outside any tenant, null for none at all. */
  owner: OrgKey | "any" | null;
}

/** Can the persona see the thing the target names, given that its class lets them in at all? */
function visible(p: Persona, t: Target): boolean {
  if (t.owner === null) return false;
  if (t.owner === "any" || p.staffRole) return true;
  return p.org === t.owner;
}

function orgAllows(p: Persona, permission: Permission): boolean {
  const rule = PERMISSIONS[permission];
  if (!p.roles.some((r) => (rule.roles as readonly string[]).includes(r))) return false;
  return !rule.write || MAY_ACT.includes(p.orgStatus!);
}

function staffAllows(p: Persona, permission: StaffPermission): boolean {
  return !!p.staffRole && (STAFF_PERMISSIONS[permission].roles as readonly string[]).includes(p.staffRole);
}

function expected(rule: RouteRule, method: "GET" | "POST", p: Persona, t: Target): Expected {
  const access = method === "GET" ? rule.get : rule.post!;
  const ok: Expected = method === "GET" ? status(200) : rule.emptyForm ? status(rule.emptyForm) : { validation: true };
  const found = (): Expected => (visible(p, t) ? ok : status(404));
  const where = new URL(t.url, "http://x");
  const pathname = `${where.pathname}${where.search}`;
  const anonymous = !p.cookie;
  const gate = anonymous
    ? redirectTo(`/login?${new URLSearchParams({ redirectTo: pathname })}`)
    : p.secondFactorPending
      ? redirectTo(`/login/two-factor?${new URLSearchParams({ redirectTo: pathname })}`)
      : null;

  if (access.startsWith("redirect:")) return redirectTo(access.slice("redirect:".length));
  if (access.startsWith("org:")) {
    if (gate) return gate;
    if (p.staffRole) return redirectTo("/staff");
    if (!p.org) return redirectTo("/app");
    return orgAllows(p, access.slice(4) as Permission) ? found() : status(403);
  }
  if (access.startsWith("staff:")) {
    if (gate) return gate;
    return staffAllows(p, access.slice(6) as StaffPermission) ? found() : status(403);
  }
  switch (access) {
    case "public":
    case "dev":
      return ok;
    case "guest":
      return anonymous || p.secondFactorPending ? ok : redirectTo(home(p));
    case "guest:register":
      return anonymous ? ok : redirectTo(p.staffRole ? "/staff" : "/app/register-organisation");
    case "second-factor":
      return anonymous ? redirectTo("/login") : p.secondFactorPending ? ok : redirectTo(home(p));
    case "step-up":
      return gate ?? (p.totp ? ok : redirectTo("/account/two-factor?required=1"));
    case "signed-in":
      return gate ?? ok;
    case "company":
      return gate ?? (p.staffRole ? redirectTo("/staff") : ok);
    case "company:no-staff":
      return gate ?? (p.staffRole ? status(403) : ok);
    case "api":
      return status(401);
    case "not-found":
      return status(404);
    case "method-not-allowed":
      return status(405);
    case "sign-out":
      return redirectTo("/?notice=signed_out");
    case "language":
      return redirectTo("/");
    default:
      throw new Error(`No rule for access class ${access}`);
  }
}

function describeExpected(e: Expected): string {
  if ("redirect" in e) return `redirect to ${e.redirect}`;
  if ("validation" in e) return "a validation answer (4xx, not 401/403)";
  return String(e.status);
}

function sameTarget(location: string | null, to: string): boolean {
  if (!location) return false;
  const got = new URL(location, "http://portal.invalid");
  const want = new URL(to, "http://portal.invalid");
  if (got.host !== want.host || got.pathname !== want.pathname) return false;
  const sorted = (u: URL) => [...u.searchParams].map(([k, v]) => `${k}=${v}`).sort().join("&");
  return sorted(got) === sorted(want);
}

function meets(e: Expected, res: Response): boolean {
  if ("redirect" in e) return res.status >= 300 && res.status < 400 && sameTarget(res.headers.get("Location"), e.redirect);
  if ("validation" in e) return res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403;
  return res.status === e.status;
}

function describeActual(res: Response): string {
  return res.status >= 300 && res.status < 400 ? `${res.status} → ${res.headers.get("Location")}` : String(res.status);
}

// ——— The test ———

const ctx = useTestDb();
let server: TestServer;
let build: ServerBuild;

beforeAll(async () => {
  build = await loadBuild();
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

/** The staff hash-list pages' ids: set up with the world, before each test. */
let staffHashlists: { listId: number; importId: string };
const MATRIX_MD5 = "0123456789abcdef0123456789abcdef";
/** A complete, valid collaborative action. */
const COLLAB_FORM = { type: "training", title: "Matrix training", startsOn: "2026-03-02", description: "Valid in every way.", status: "done", peopleTrained: "5" };

/** The URLs to request for a route: its pattern with every param filled in, once per kind of id. */
function targetsOf(path: string, world: World): Target[] {
  const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (params.length === 0) return [{ url: path, label: path, owner: "any" }];
  // An assessment's pages: company A's and company B's (a foreign id), and for staff a missing one.
  if (params[0] === "assessmentId") {
    const query = path.endsWith("/evidence") ? "?question=core.policy.has" : "";
    const fillAll = (assessment: { assessmentId: string; evidenceId: string }) =>
      path.replace(":assessmentId", assessment.assessmentId).replace(":sectionId", "core.policy").replace(":evidenceId", assessment.evidenceId) + query;
    const targets: Target[] = [
      { url: fillAll(world.aAssessment), label: `${path} (company A's)`, owner: "a" },
      { url: fillAll(world.bAssessment), label: `${path} (company B's)`, owner: "b" },
    ];
    if (path.startsWith("/staff/")) targets.push({ url: fillAll({ assessmentId: newId(), evidenceId: newId() }), label: `${path} (none such)`, owner: null });
    return targets;
  }
  // A collaborative action's pages (and its file): company A's and company B's, and for staff a missing one.
  if (params[0] === "actionId") {
    const fillAll = (c: { actionId: string; fileId: string }) => path.replace(":actionId", c.actionId).replace(":fileId", c.fileId);
    const targets: Target[] = [
      { url: fillAll(world.aCollab), label: `${path} (company A's)`, owner: "a" },
      { url: fillAll(world.bCollab), label: `${path} (company B's)`, owner: "b" },
    ];
    if (path.startsWith("/staff/")) targets.push({ url: fillAll({ actionId: newId(), fileId: newId() }), label: `${path} (none such)`, owner: null });
    return targets;
  }
  // A report: company A's and B's, and for staff a missing one. The public verification page shows a
  // report's company to anyone holding its (unguessable) address: it is probed with A's only.
  if (params[0] === "reportId") {
    const fill = (id: string) => path.replace(":reportId", id);
    if (path.startsWith("/verify/")) return [{ url: fill(world.aReport), label: `${path} (company A's, public)`, owner: "any" }];
    const targets: Target[] = [
      { url: fill(world.aReport), label: `${path} (company A's)`, owner: "a" },
      { url: fill(world.bReport), label: `${path} (company B's)`, owner: "b" },
    ];
    if (path.startsWith("/staff/")) targets.push({ url: fill(newReportId()), label: `${path} (none such)`, owner: null });
    return targets;
  }
  if (params.length > 1) throw new Error(`${path}: more than one param; teach targetsOf() about it`);
  const fill = (value: string) => path.replace(/:\w+/, value);
  switch (params[0]) {
    case "list":
      return [{ url: fill("test"), label: `${path} (the test list)`, owner: "any" }];
    case "membershipId":
      return [
        { url: fill(world.a.members.engineer.membershipId), label: `${path} (company A's member)`, owner: "a" },
        { url: fill(world.b.members.engineer.membershipId), label: `${path} (company B's member)`, owner: "b" },
      ];
    // The staff hash-list pages: a list and an import that exist, and ids that do not.
    case "listId":
      return [
        { url: fill(String(staffHashlists.listId)), label: `${path} (the industry list)`, owner: "any" },
        { url: fill("999999"), label: `${path} (no such list)`, owner: null },
      ];
    case "importId":
      return [
        { url: fill(staffHashlists.importId), label: `${path} (an import)`, owner: "any" },
        { url: fill(newId()), label: `${path} (no such import)`, owner: null },
      ];
    case "organisationId":
      return [
        { url: fill(world.a.organisation.id), label: `${path} (company A)`, owner: "a" },
        { url: fill(newId()), label: `${path} (no such organisation)`, owner: null },
      ];
    default:
      throw new Error(`${path}: no test value for :${params[0]}; add one to targetsOf()`);
  }
}

/** A complete, valid form for an action, and what it would do. */
interface Probe {
  routeId: string;
  target: (path: string) => Target;
  form: Record<string, string | string[]>;
  what: string;
}

function classifiedRoutes() {
  return Object.values(build.routes)
    .filter((r) => ROUTES[r.id] && ROUTES[r.id]!.get !== "root")
    .map((r) => ({ id: r.id, route: r, rule: ROUTES[r.id]! }));
}

describe("route table", () => {
  it("classifies every route of the build, and names no route that does not exist", () => {
    const inBuild = Object.keys(build.routes);
    const unclassified = inBuild.filter((id) => !ROUTES[id]);
    const stale = Object.keys(ROUTES).filter((id) => !build.routes[id]);
    const problems = [
      ...unclassified.map((id) => `route "${id}" (${fullPath(build.routes, build.routes[id]!)}) is not classified: add it to ROUTES with who may use it`),
      ...stale.map((id) => `ROUTES names "${id}", which the build no longer has: remove or rename it`),
    ];
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("knows every route's URL pattern and whether it has an action", () => {
    const problems: string[] = [];
    for (const [id, route] of Object.entries(build.routes)) {
      const rule = ROUTES[id];
      if (!rule) continue;
      const path = fullPath(build.routes, route);
      if (path !== rule.path) problems.push(`${id}: the table says ${rule.path}, the build serves ${path}`);
      if (!!route.module.action !== !!rule.post) {
        problems.push(route.module.action ? `${id}: has an action, but the table does not say who may POST to it` : `${id}: the table classifies a POST, but there is no action`);
      }
      if (rule.get === "root" && id !== "root") problems.push(`${id}: only the root route is "root"`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("has no nested routes: no page renders an <Outlet/>, and a parent's loader would run with its own guard", () => {
    const nested = Object.values(build.routes)
      .filter((r) => r.id !== "root" && r.parentId !== "root")
      .map((r) => `${r.id} is nested in ${r.parentId}: name the file with a trailing "_" on the parent segment (e.g. members_.$membershipId.tsx)`);
    expect(nested, nested.join("\n")).toEqual([]);
  });
});

describe("authorization matrix", () => {
  let world: World;
  beforeEach(async () => {
    world = await seedPersonas(ctx.db);
    // A hash list with one import, for the staff hash-list pages.
    const { industry } = await setUpHashLists(ctx.db);
    const file = Readable.from([`algorithm,value\nmd5,${MATRIX_MD5}\nmd5,bad\n`]);
    const imported = await importHashFile(ctx.db, systemActor("matrix"), industry.id, file, { fileName: "matrix.csv", format: "csv" });
    staffHashlists = { listId: industry.id, importId: imported.id };
  });

  /** Never a 5xx; never company B's data to anyone but staff (and the development outbox). */
  function generalFailures(label: string, p: Persona, rule: RouteRule, res: Response, body: string): string[] {
    const out: string[] = [];
    if (res.status >= 500) out.push(`${label} as ${p.name}: ${res.status} (server error)`);
    if (!p.staffRole && rule.get !== "dev") {
      for (const secret of world.bSecrets) if (body.includes(secret)) out.push(`${label} as ${p.name}: the answer shows company B's "${secret}"`);
    }
    return out;
  }

  function report(failures: string[], checks: number) {
    if (failures.length) throw new Error(`${failures.length} of ${checks} checks failed:\n  ${failures.join("\n  ")}`);
  }

  // Every route × every persona over HTTP: slow on a busy machine, so a generous limit.
  it("GET: every route × persona answers as its class and the permission table say", { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    let checks = 0;
    for (const { rule } of classifiedRoutes()) {
      for (const target of targetsOf(rule.path, world)) {
        for (const p of world.personas) {
          const want = expected(rule, "GET", p, target);
          const res = await server.fetch(target.url, { cookie: p.cookie });
          const body = await res.text();
          checks++;
          if (!meets(want, res)) failures.push(`GET ${target.label} as ${p.name} [${rule.get}]: expected ${describeExpected(want)}, got ${describeActual(res)}`);
          failures.push(...generalFailures(`GET ${target.label}`, p, rule, res, body));
        }
      }
    }
    report(failures, checks);
    expect(checks).toBeGreaterThan(250);
  });

  // Every route × every persona over HTTP: slow on a busy machine, so a generous limit.
  it("POST an empty form: refused or a validation answer, for everyone, and nothing is written", { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    let checks = 0;
    for (const { rule } of classifiedRoutes().filter((r) => r.rule.post)) {
      for (const target of targetsOf(rule.path, world)) {
        for (const p of world.personas) {
          const want = expected(rule, "POST", p, target);
          // Signing out ends the session it is sent with: spend a spare one.
          const cookie = rule.post === "sign-out" ? await p.spareCookie() : p.cookie;
          // The page is viewed first: a refused form re-renders it, and whatever merely viewing it
          // does (the two-factor page starts an enrolment, once) is not the form's doing.
          await (await server.fetch(target.url, { cookie })).text();
          const beforeCounts = await rowCounts(ctx.db);
          const before = await dbSnapshot(ctx.db);
          const res = await server.fetch(target.url, { cookie, form: {} });
          const body = await res.text();
          checks++;
          const label = `POST ${target.label} as ${p.name} [${rule.post}]`;
          if (!meets(want, res)) failures.push(`${label}: expected ${describeExpected(want)}, got ${describeActual(res)}`);
          failures.push(...generalFailures(`POST ${target.label}`, p, rule, res, body));
          const after = await dbSnapshot(ctx.db);
          if (rule.post === "sign-out" && cookie) {
            // Exactly the session it was sent with ends, and the sign-out is recorded.
            const counts = await rowCounts(ctx.db);
            const delta = { session: counts.session! - beforeCounts.session!, audit_event: counts.audit_event! - beforeCounts.audit_event! };
            if (delta.session !== -1 || delta.audit_event !== 1) failures.push(`${label}: expected one session ended and one audit event, got ${JSON.stringify(delta)}`);
            const changed = changedTables(before, after, ["session", "audit_event"]);
            if (changed.length) failures.push(`${label}: wrote to ${changed.join(", ")}`);
          } else {
            const changed = changedTables(before, after);
            if (changed.length) failures.push(`${label}: wrote to ${changed.join(", ")}`);
          }
        }
      }
    }
    report(failures, checks);
    expect(checks).toBeGreaterThan(200);
  });

  /**
   * Complete, valid forms from everyone who may not make the change (another role, a suspended
   * organisation, staff on company pages, companies on staff pages, another tenant's ids): the
   * guards answer, not the validation, and nothing is written. Personas who may make the change
   * are skipped (their requests would succeed).
   */
  // Every route × every persona over HTTP: slow on a busy machine, so a generous limit.
  it("POST a valid form as anyone who may not make the change: refused, nothing written", { timeout: 180_000 }, async () => {
    const w = world;
    const commitment = (await currentCommitment(ctx.db))!;
    const page = (label?: string, owner: Target["owner"] = "any") => (path: string): Target => ({ url: path, label: label ? `${path} (${label})` : path, owner });
    const withId = (id: string, label: string, owner: Target["owner"]) => (path: string): Target => ({ url: path.replace(/:\w+/, id), label: `${path} (${label})`, owner });
    const probes: Probe[] = [
      {
        routeId: "routes/app+/organisation",
        target: page(),
        form: { organisationName: "Taken Over AB", industry: "hosting", sizeBand: "10-49", website: "https://taken-over.example", baseVersion: "1" },
        what: "edit the organisation",
      },
      { routeId: "routes/app+/members", target: page(), form: { intent: "invite", email: "intruder@example.test", roles: ["org_admin"] }, what: "invite an admin" },
      ...(["revoke_invitation", "resend_invitation"] as const).map(
        (intent): Probe => ({
          routeId: "routes/app+/members",
          target: page("company B's invitation", "b"),
          form: { intent, invitationId: w.bInvitationId },
          what: `${intent} company B's invitation`,
        }),
      ),
      ...(["a", "b"] as const).flatMap((org): Probe[] => {
        const name = `company ${org.toUpperCase()}`;
        return [
          {
            routeId: "routes/app+/members_.$membershipId",
            target: withId(w[org].members.engineer.membershipId, `${name}'s engineer`, org),
            form: { intent: "change_roles", roles: ["org_admin", "engineer"], baseVersion: "1" },
            what: `make ${name}'s engineer an admin`,
          },
          {
            routeId: "routes/app+/members_.$membershipId",
            target: withId(w[org].members.org_admin.membershipId, `${name}'s admin`, org),
            form: { intent: "remove" },
            what: `remove ${name}'s admin`,
          },
        ];
      }),
      {
        routeId: "routes/app+/register-organisation",
        target: page(),
        form: { organisationName: "Staff Side AB", country: "SE", orgNumber: nextOrgNumber(), industry: "hosting", sizeBand: "10-49" },
        what: "register an organisation",
      },
      {
        routeId: "routes/staff+/organisations_.$organisationId",
        target: withId(w.a.organisation.id, "company A", "any"),
        form: { intent: "suspend", reason: "Matrix test" },
        what: "suspend company A",
      },
      {
        routeId: "routes/staff+/organisations_.$organisationId",
        target: withId(newId(), "no such organisation", null),
        form: { intent: "suspend", reason: "Matrix test" },
        what: "suspend an organisation that does not exist",
      },
      {
        routeId: "routes/staff+/accounts",
        target: page(),
        form: { intent: "create", name: "Back Door", email: "back-door@example.test", role: "staff_admin" },
        what: "create a staff admin",
      },
      { routeId: "routes/staff+/accounts", target: page(), form: { intent: "set_role", userId: w.staff.id, role: "staff_admin", baseVersion: "1" }, what: "promote staff to staff admin" },
      { routeId: "routes/staff+/accounts", target: page(), form: { intent: "disable", userId: w.staffAdmin.id, baseVersion: "1" }, what: "disable the staff admin" },
      { routeId: "routes/staff+/hashlists._index", target: page(), form: { intent: "create", slug: "matrix-list", nameSv: "Matrislistan", nameEn: "Matrix list" }, what: "create a hash list" },
      {
        routeId: "routes/staff+/hashlists.$listId",
        target: withId(String(staffHashlists.listId), "the industry list", "any"),
        form: { intent: "remove_entry", algorithm: "md5", value: MATRIX_MD5 },
        what: "remove a hash-list entry",
      },
      {
        routeId: "routes/staff+/organisations_.$organisationId",
        target: withId(w.a.organisation.id, "company A", "any"),
        form: { intent: "grant_lists", lists: [String(staffHashlists.listId)], baseVersion: "1" },
        what: "grant company A a hash list",
      },
      { routeId: "routes/app+/hashlist", target: page(), form: { versionId: newId(), language: "sv", confirm: "on" }, what: "accept the data-use agreement" },
      {
        routeId: "routes/app+/api-keys",
        target: page(),
        form: { intent: "create", name: "Back Door", scopes: ["hashlist:read", "hashlist:match"], lists: ["1"], days: "90" },
        what: "create an API key",
      },
      { routeId: "routes/app+/api-keys", target: page(), form: { intent: "revoke", keyId: newId() }, what: "revoke an API key" },
      { routeId: "routes/app+/api-keys", target: page(), form: { intent: "roll", keyId: newId(), graceDays: "1" }, what: "roll an API key" },
      { routeId: "routes/app+/collaboration.new", target: page(), form: COLLAB_FORM, what: "log a collaborative action" },
      ...(["a", "b"] as const).flatMap((org): Probe[] => {
        const name = `company ${org.toUpperCase()}`;
        const id = w[`${org}Collab`].actionId;
        return [
          { routeId: "routes/app+/collaboration.$actionId._index", target: withId(id, `${name}'s action`, org), form: { intent: "comment", body: "Intruding" }, what: `comment on ${name}'s action` },
          { routeId: "routes/app+/collaboration.$actionId._index", target: withId(id, `${name}'s action`, org), form: { intent: "request", revision: "1" }, what: `request confirmation of ${name}'s action` },
          { routeId: "routes/app+/collaboration.$actionId._index", target: withId(id, `${name}'s action`, org), form: { intent: "remove_file", fileId: w[`${org}Collab`].fileId }, what: `remove ${name}'s file` },
          { routeId: "routes/app+/collaboration.$actionId.edit", target: withId(id, `${name}'s action`, org), form: { ...COLLAB_FORM, baseRevision: "1" }, what: `change ${name}'s action` },
          { routeId: "routes/staff+/collaboration.$actionId._index", target: withId(id, `${name}'s action`, "any"), form: { intent: "ask_changes", revision: "1", body: "Not staff" }, what: `ask for changes to ${name}'s action` },
        ];
      }),
      { routeId: "routes/staff+/collaboration.new", target: page(), form: { ...COLLAB_FORM, organisationId: w.a.organisation.id }, what: "record an action for company A" },
      {
        routeId: "routes/app+/commitment",
        target: page(),
        form: { versionId: commitment.id, language: "sv", period: String(new Date().getUTCFullYear()), signerTitle: "Matrix title", password: PASSWORD, confirm: "on" },
        what: "sign the commitment",
      },
      { routeId: "routes/app+/reports._index", target: page(), form: { period: String(new Date().getUTCFullYear()), language: "sv" }, what: "issue a report" },
      ...(["a", "b"] as const).map(
        (org): Probe => ({
          routeId: "routes/staff+/reports.$reportId._index",
          target: withId(w[`${org}Report`], `company ${org.toUpperCase()}'s report`, "any"),
          form: { reason: "Withdrawn by an intruder" },
          what: `withdraw company ${org.toUpperCase()}'s report`,
        }),
      ),
    ];

    const failures: string[] = [];
    let checks = 0;
    for (const probe of probes) {
      const rule = ROUTES[probe.routeId];
      if (!rule?.post) throw new Error(`probe "${probe.what}": ${probe.routeId} is not a classified route with an action`);
      const target = probe.target(rule.path);
      for (const p of w.personas) {
        const want = expected(rule, "POST", p, target);
        if ("validation" in want) continue; // allowed: the change would be made
        const before = await dbSnapshot(ctx.db);
        const res = await server.fetch(target.url, { cookie: p.cookie, form: probe.form });
        const body = await res.text();
        checks++;
        const label = `POST ${target.label} (${probe.what}) as ${p.name} [${rule.post}]`;
        if (!meets(want, res)) failures.push(`${label}: expected ${describeExpected(want)}, got ${describeActual(res)}`);
        failures.push(...generalFailures(`POST ${target.label}`, p, rule, res, body));
        const changed = changedTables(before, await dbSnapshot(ctx.db));
        if (changed.length) failures.push(`${label}: wrote to ${changed.join(", ")}`);
      }
    }
    report(failures, checks);
    expect(checks).toBeGreaterThan(100);
  });

  describe("tenancy: company A's admin and company B", () => {
    const adminOf = (w: World) => w.personas.find((p) => p.name === "a.org_admin")!;
    const bRows = async (w: World) => ({
      memberships: await ctx.db.selectFrom("membership").selectAll().where("organisation_id", "=", w.b.organisation.id).orderBy("id").execute(),
      roles: await ctx.db
        .selectFrom("membership_role")
        .innerJoin("membership", "membership.id", "membership_role.membership_id")
        .select(["membership_role.membership_id", "membership_role.role"])
        .where("membership.organisation_id", "=", w.b.organisation.id)
        .orderBy("membership_role.membership_id")
        .orderBy("membership_role.role")
        .execute(),
      invitations: await ctx.db.selectFrom("invitation").selectAll().where("organisation_id", "=", w.b.organisation.id).orderBy("id").execute(),
    });

    it("cannot see B's member: 404, and none of B's data in the answer", async () => {
      const admin = adminOf(world);
      for (const m of Object.values(world.b.members)) {
        const res = await server.fetch(`/app/members/${m.membershipId}`, { cookie: admin.cookie });
        const body = await res.text();
        expect(res.status).toBe(404);
        for (const secret of world.bSecrets) expect(body).not.toContain(secret);
      }
      // The same page for A's own member shows them.
      const own = await server.fetch(`/app/members/${world.a.members.engineer.membershipId}`, { cookie: admin.cookie });
      expect(own.status).toBe(200);
      expect(await own.text()).toContain(world.a.members.engineer.email);
    });

    it("cannot change B's roles or remove B's members with valid forms: 404, B unchanged", async () => {
      const admin = adminOf(world);
      const before = await bRows(world);
      const counts = await rowCounts(ctx.db);
      for (const m of Object.values(world.b.members)) {
        const change = await server.fetch(`/app/members/${m.membershipId}`, { cookie: admin.cookie, form: { intent: "change_roles", roles: ["engineer"], baseVersion: "1" } });
        expect(change.status).toBe(404);
        const remove = await server.fetch(`/app/members/${m.membershipId}`, { cookie: admin.cookie, form: { intent: "remove" } });
        expect(remove.status).toBe(404);
      }
      expect(await bRows(world)).toEqual(before);
      expect(await rowCounts(ctx.db)).toEqual(counts);
    });

    it("cannot revoke or resend B's invitation: 404, the invitation unchanged, no mail", async () => {
      const admin = adminOf(world);
      const before = await bRows(world);
      const counts = await rowCounts(ctx.db);
      for (const intent of ["revoke_invitation", "resend_invitation"]) {
        const res = await server.fetch("/app/members", { cookie: admin.cookie, form: { intent, invitationId: world.bInvitationId } });
        expect(res.status).toBe(404);
      }
      expect(await bRows(world)).toEqual(before);
      expect(before.invitations).toHaveLength(1);
      expect(before.invitations[0]!.revoked_at).toBeNull();
      expect(await rowCounts(ctx.db)).toEqual(counts);
    });

    it("cannot switch the session to B: 403, the session still works in A", async () => {
      const admin = adminOf(world);
      const sessions = () => ctx.db.selectFrom("session").select(["id", "active_organisation_id"]).where("user_id", "=", admin.userId!).execute();
      const before = await sessions();
      const res = await server.fetch("/app/switch-organisation", { cookie: admin.cookie, form: { organisationId: world.b.organisation.id } });
      expect(res.status).toBe(403);
      expect(await sessions()).toEqual(before);
      const members = await server.fetch("/app/members", { cookie: admin.cookie });
      const body = await members.text();
      expect(body).toContain(world.a.members.engineer.email);
      for (const secret of world.bSecrets) expect(body).not.toContain(secret);
      // Nor can anyone else who is not a member of B; staff belong to no organisation at all.
      for (const p of world.personas.filter((x) => x.cookie && !x.secondFactorPending)) {
        const other = await server.fetch("/app/switch-organisation", { cookie: p.cookie, form: { organisationId: world.b.organisation.id } });
        expect(other.status, p.name).toBe(403);
      }
    });

    it("cannot end B's admin's session by its key", async () => {
      const admin = adminOf(world);
      const counts = await rowCounts(ctx.db);
      const res = await server.fetch("/account/sessions", { cookie: admin.cookie, form: { intent: "end", key: world.bAdminSessionKey } });
      expect(res.status).toBeLessThan(500);
      const still = await ctx.db.selectFrom("session").select("id").where("id", "=", world.bAdminSessionKey).executeTakeFirst();
      expect(still).toBeDefined();
      expect(await rowCounts(ctx.db)).toEqual(counts);
    });
  });

  it("a suspended organisation's admin can read but not write: 403 on every write, nothing written", async () => {
    const p = world.personas.find((x) => x.name === "suspended.org_admin")!;
    const own = world.suspended.members;
    for (const page of ["/app", "/app/organisation", "/app/members", "/app/audit", "/app/hashlist", "/app/api-keys"]) {
      expect((await server.fetch(page, { cookie: p.cookie })).status, page).toBe(200);
    }
    const writes: [string, Record<string, string | string[]>][] = [
      ["/app/organisation", { organisationName: "Still Trading AB", industry: "travel", sizeBand: "10-49", baseVersion: "1" }],
      ["/app/members", { intent: "invite", email: "new-colleague@example.test", roles: ["engineer"] }],
      [`/app/members/${own.engineer.membershipId}`, { intent: "change_roles", roles: ["engineer", "org_admin"], baseVersion: "1" }],
      [`/app/members/${own.engineer.membershipId}`, { intent: "remove" }],
      ["/app/hashlist", { versionId: newId(), language: "sv", confirm: "on" }],
    ];
    const before = await dbSnapshot(ctx.db);
    for (const [url, form] of writes) {
      const res = await server.fetch(url, { cookie: p.cookie, form });
      expect(res.status, url).toBe(403);
      await res.text();
    }
    expect(changedTables(before, await dbSnapshot(ctx.db))).toEqual([]);
  });
});

describe("development tools", () => {
  it("the outbox does not exist in production", async () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, APP_URL: process.env.APP_URL };
    try {
      process.env.NODE_ENV = "production";
      process.env.APP_URL = "https://portal.test";
      vi.resetModules(); // a fresh configuration, read in production mode
      const outbox = await import("~/routes/dev+/outbox");
      const res = await run(outbox.loader as never, testRequest("/dev/outbox"), testContext(ctx.db));
      expect(res.status).toBe(404);
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      process.env.APP_URL = saved.APP_URL;
      vi.resetModules();
    }
  });
});
