/**
 * Bad input to every form: a 4xx answer with field errors (translation codes), and nothing written.
 */
import { describe, expect, it } from "vitest";
import * as accountIndex from "~/routes/account+/_index";
import * as accountPassword from "~/routes/account+/password";
import * as accountSessions from "~/routes/account+/sessions";
import * as accountTwoFactor from "~/routes/account+/two-factor";
import * as forgotPassword from "~/routes/_auth+/forgot-password";
import * as login from "~/routes/_auth+/login";
import * as loginTwoFactor from "~/routes/_auth+/login_.two-factor";
import * as stepUp from "~/routes/_auth+/login_.step-up";
import * as register from "~/routes/_auth+/register";
import * as resetPassword from "~/routes/_auth+/reset-password";
import * as verifyEmail from "~/routes/_auth+/verify-email";
import * as member from "~/routes/app+/members_.$membershipId";
import * as members from "~/routes/app+/members";
import * as organisation from "~/routes/app+/organisation";
import * as registerOrganisation from "~/routes/app+/register-organisation";
import * as invitation from "~/routes/invitations.accept";
import * as staffAccounts from "~/routes/staff+/accounts";
import * as staffOrganisation from "~/routes/staff+/organisations_.$organisationId";
import * as assessmentsIndex from "~/routes/app+/assessments._index";
import * as assessmentOverview from "~/routes/app+/assessments.$assessmentId._index";
import * as assessmentSection from "~/routes/app+/assessments.$assessmentId.sections.$sectionId";
import * as assessmentEvidence from "~/routes/app+/assessments.$assessmentId.evidence._index";
import * as assessmentResults from "~/routes/app+/assessments.$assessmentId.results";
import * as plan from "~/routes/app+/plan";
import * as hashlist from "~/routes/app+/hashlist";
import * as apiKeys from "~/routes/app+/api-keys";
import * as staffReview from "~/routes/staff+/assessments.$assessmentId._index";
import * as staffFrameworks from "~/routes/staff+/frameworks";
import { startAssessment, submitAssessment, saveAnswers } from "~/modules/assessments/assessments.server";
import { useTestDb } from "../support/db";
import { publishFixtures } from "../support/frameworks";
import { createCompany, createOrganisation, createUser, rowCounts, sessionCookie } from "../support/factories";
import { run, testContext, testRequest } from "../support/routes";

const ctx = useTestDb();

type Persona = "anonymous" | "admin" | "officer" | "engineer" | "staffAdmin" | "pending2fa";
interface FormCase {
  name: string;
  action: (args: any) => unknown;
  path: string;
  as: Persona;
  params?: Record<string, string>;
  cases: Record<string, string | string[]>[];
}

const LONG = "x".repeat(5000);
const HOSTILE = ["' OR 1=1 --", "<script>alert(1)</script>", "\u0000", "😀".repeat(300), "%00", "../../etc/passwd"];

const forms: FormCase[] = [
  {
    name: "register",
    action: register.action,
    path: "/register",
    as: "anonymous",
    cases: [
      {},
      { organisationName: LONG, country: "SE", orgNumber: "5560360794", industry: "travel", sizeBand: "1-9", name: "A", email: "a@b.se", password: "a long enough passphrase", confirm: "on" },
      { organisationName: "X AB", country: "ZZ", orgNumber: "1", industry: "space", sizeBand: "huge", name: "", email: "nope", password: "short", confirm: "yes" },
      { organisationName: "X AB", country: "SE", orgNumber: "5560360793", industry: "travel", sizeBand: "1-9", name: "A", email: "a@b.se", password: "a long enough passphrase", confirm: "on", website: "javascript:alert(1)" },
      { organisationName: HOSTILE[0]!, country: "SE", orgNumber: HOSTILE[1]!, industry: HOSTILE[2]!, sizeBand: "1-9", name: HOSTILE[3]!, email: HOSTILE[4]!, password: HOSTILE[5]!, confirm: "on" },
    ],
  },
  { name: "login", action: login.action, path: "/login", as: "anonymous", cases: [{}, { email: "not an email", password: "" }, { email: LONG, password: LONG }] },
  { name: "forgot password", action: forgotPassword.action, path: "/forgot-password", as: "anonymous", cases: [{}, { email: "nope" }, { email: HOSTILE[0]! }] },
  {
    name: "reset password",
    action: resetPassword.action,
    path: "/reset-password",
    as: "anonymous",
    cases: [{}, { token: "x", password: "short" }, { token: "a".repeat(43), password: "a long enough passphrase" }, { token: HOSTILE[0]!, password: "a long enough passphrase", purpose: "other" }],
  },
  { name: "verify e-mail", action: verifyEmail.action, path: "/verify-email", as: "anonymous", cases: [{}, { token: "not-a-token" }, { token: LONG }] },
  {
    name: "accept invitation",
    action: invitation.action,
    path: "/invitations/accept?token=unknown-token-aaaaaaaaaaaaaaaaaaaa",
    as: "anonymous",
    cases: [{}, { intent: "create_account", name: "", password: "x" }, { intent: "create_account", name: "Nils", password: "a long enough passphrase" }],
  },
  { name: "two-factor sign-in", action: loginTwoFactor.action, path: "/login/two-factor", as: "pending2fa", cases: [{}, { code: LONG }, { code: "000000" }] },
  { name: "step-up", action: stepUp.action, path: "/login/step-up", as: "admin", cases: [{}, { code: "12" }, { code: "000000" }] },
  { name: "profile", action: accountIndex.action, path: "/account", as: "admin", cases: [{}, { name: "", locale: "fi" }, { name: LONG, locale: "sv" }] },
  {
    name: "change password",
    action: accountPassword.action,
    path: "/account/password",
    as: "admin",
    cases: [{}, { currentPassword: "", newPassword: "short" }, { currentPassword: "wrong one", newPassword: "a long enough passphrase" }],
  },
  { name: "two-factor settings", action: accountTwoFactor.action, path: "/account/two-factor", as: "admin", cases: [{}, { intent: "enable" }, { intent: "enable", code: "000000" }, { intent: "explode" }] },
  { name: "sessions", action: accountSessions.action, path: "/account/sessions", as: "admin", cases: [{}, { intent: "end", key: "not-a-key" }, { intent: "end", key: HOSTILE[0]! }] },
  {
    name: "organisation profile",
    action: organisation.action,
    path: "/app/organisation",
    as: "admin",
    cases: [{}, { organisationName: "", industry: "space", sizeBand: "1-9" }, { organisationName: "X", industry: "travel", sizeBand: "1-9", website: "not a url" }],
  },
  {
    name: "invite",
    action: members.action,
    path: "/app/members",
    as: "admin",
    cases: [
      { intent: "invite" },
      { intent: "invite", email: "nope", roles: "engineer" },
      { intent: "invite", email: "a@b.se", roles: ["engineer", "king"] },
      { intent: "invite", email: "a@b.se" },
      { intent: "revoke_invitation", invitationId: "00000000-0000-7000-8000-000000000000" },
      { intent: "resend_invitation" },
      { intent: "unknown" },
    ],
  },
  { name: "edit member", action: member.action, path: "/app/members/:id", as: "admin", params: {}, cases: [{}, { intent: "change_roles" }, { intent: "change_roles", roles: "owner" }] },
  {
    name: "register another organisation",
    action: registerOrganisation.action,
    path: "/app/register-organisation",
    as: "admin",
    cases: [{}, { organisationName: "Y AB", country: "SE", orgNumber: "123", industry: "travel", sizeBand: "1-9" }],
  },
  {
    name: "staff decision",
    action: staffOrganisation.action,
    path: "/staff/organisations/:id",
    as: "staffAdmin",
    params: {},
    cases: [{}, { intent: "approve" }, { intent: "approve", reason: LONG }, { intent: "destroy", reason: "x" }, { intent: "suspend", reason: "Not possible from applied" }],
  },
  {
    name: "staff accounts",
    action: staffAccounts.action,
    path: "/staff/accounts",
    as: "staffAdmin",
    cases: [{ intent: "create" }, { intent: "create", name: "A", email: "nope", role: "god" }, { intent: "disable", userId: "00000000-0000-7000-8000-000000000000" }, { intent: "set_role" }],
  },
  {
    name: "start an assessment",
    action: assessmentsIndex.action,
    path: "/app/assessments",
    as: "officer",
    cases: [{}, { intent: "start", year: "1999" }, { intent: "start", year: "3000" }, { intent: "start", year: "x" }, { intent: "start", year: String(new Date().getUTCFullYear()), extraModules: ["space"] }],
  },
  { name: "assessment overview", action: assessmentOverview.action, path: "/app/assessments/:assessment", as: "officer", cases: [{}, { intent: "comment", body: "" }, { intent: "launch" }, { intent: "submit" }] },
  {
    name: "answer a section",
    action: assessmentSection.action,
    path: "/app/assessments/:assessment/sections/core.policy",
    as: "officer",
    cases: [
      {},
      { intent: "save", "present:core.policy.maturity": "1", "q:core.policy.maturity": "9", "v:core.policy.maturity": "0" },
      { intent: "save", "present:core.products.trained": "1", "q:core.products.trained": "many", "v:core.products.trained": "0" },
      { intent: "save", "present:travel.code.member": "1", "q:travel.code.member": "yes" },
      { intent: "save", "present:core.policy.reviewed": "1", "q:core.policy.reviewed": "2026-02-31" },
      { intent: "comment", questionId: "core.policy.has", body: LONG },
    ],
  },
  {
    name: "evidence",
    action: assessmentEvidence.action,
    path: "/app/assessments/:assessment/evidence?question=core.policy.has",
    as: "officer",
    cases: [{}, { intent: "link", url: "javascript:alert(1)" }, { intent: "link", url: "ftp://x.example/a" }, { intent: "file" }, { intent: "remove", evidenceId: "00000000-0000-7000-8000-000000000000" }],
  },
  { name: "gaps into the plan", action: assessmentResults.action, path: "/app/assessments/:assessment/results", as: "officer", cases: [{}, { intent: "other" }] },
  {
    name: "improvement plan",
    action: plan.action,
    path: "/app/plan",
    as: "officer",
    cases: [
      {},
      { intent: "add", action: "" },
      { intent: "add", action: "Do it", dueDate: "31/12/2026" },
      { intent: "add", action: "Do it", ownerUserId: "00000000-0000-7000-8000-000000000000" },
      { intent: "update", itemId: "00000000-0000-7000-8000-000000000000", baseVersion: "1", action: "x", status: "open" },
      { intent: "update", itemId: "x", baseVersion: "0", action: "x", status: "finished" },
      { intent: "note", itemId: "00000000-0000-7000-8000-000000000000", body: "hello" },
    ],
  },
  {
    name: "staff review",
    action: staffReview.action,
    path: "/staff/assessments/:submitted",
    as: "staffAdmin",
    cases: [{}, { decision: "reject" }, { decision: "return" }, { decision: "return", "comment:unknown.question": "x" }],
  },
  {
    name: "accept the data-use agreement",
    action: hashlist.action,
    path: "/app/hashlist",
    as: "admin",
    cases: [{}, { versionId: "00000000-0000-7000-8000-000000000000" }, { versionId: "00000000-0000-7000-8000-000000000000", confirm: "on" }, { versionId: LONG, confirm: "yes", language: "fi" }],
  },
  {
    name: "API keys",
    action: apiKeys.action,
    path: "/app/api-keys",
    as: "engineer",
    cases: [
      {},
      { intent: "create" },
      { intent: "create", name: LONG, scopes: "hashlist:write", lists: "x", days: "0" },
      { intent: "create", name: "CI", scopes: "hashlist:read", lists: "1", days: "366", cidrs: "not an address" },
      // Valid as a form, but the organisation has no hash-list access.
      { intent: "create", name: "CI", scopes: "hashlist:read", lists: "1", days: "90" },
      { intent: "roll", keyId: "00000000-0000-7000-8000-000000000000", graceDays: "8" },
      { intent: "roll", keyId: "00000000-0000-7000-8000-000000000000", graceDays: "1" },
      { intent: "revoke" },
      { intent: "revoke", keyId: "00000000-0000-7000-8000-000000000000" },
      { intent: "explode" },
    ],
  },
  { name: "publish a framework", action: staffFrameworks.action, path: "/staff/frameworks", as: "staffAdmin", cases: [{}, { frameworkId: "../../etc" }, { frameworkId: "core" }, { frameworkId: "nosuch" }] },
];

describe("bad input to every form", () => {
  for (const form of forms) {
    it(`${form.name}: refused with a 4xx and translated field errors, nothing written`, async () => {
      const { organisation, members: people } = await createCompany(ctx.db);
      await publishFixtures(ctx.db);
      const officerActor = { userId: people.compliance_officer.id, label: people.compliance_officer.email, ip: null, userAgent: null };
      const year = new Date().getUTCFullYear();
      const { id: assessmentId } = await startAssessment(ctx.db, officerActor, organisation.id, { year, extraModules: [] });
      const { id: submittedId } = await startAssessment(ctx.db, officerActor, organisation.id, { year: year - 1, extraModules: [] });
      await saveAnswers(ctx.db, officerActor, organisation.id, submittedId, [
        { questionId: "core.policy.has", value: "no", baseVersion: 0 },
        { questionId: "core.products.detection", value: "none", baseVersion: 0 },
        { questionId: "core.products.reporting", value: ["form"], baseVersion: 0 },
        { questionId: "core.products.trained", value: "1", baseVersion: 0 },
        { questionId: "hosting.takedown.process", value: "0", baseVersion: 0 },
      ]);
      await submitAssessment(ctx.db, officerActor, organisation.id, submittedId);
      const target = await createOrganisation(ctx.db, { status: "applied" });
      const staff = await createUser(ctx.db, { staffRole: "staff_admin" });
      const pending = await createUser(ctx.db, { totp: true });
      const cookies: Record<Persona, string | undefined> = {
        anonymous: undefined,
        admin: await sessionCookie(ctx.db, people.org_admin.id, { organisationId: organisation.id }),
        officer: await sessionCookie(ctx.db, people.compliance_officer.id, { organisationId: organisation.id }),
        engineer: await sessionCookie(ctx.db, people.engineer.id, { organisationId: organisation.id }),
        staffAdmin: await sessionCookie(ctx.db, staff.id),
        pending2fa: await sessionCookie(ctx.db, pending.id, { twoFactor: false }),
      };
      const assessment = form.path.includes(":submitted") ? submittedId : assessmentId;
      const params = { membershipId: people.engineer.membershipId, organisationId: target.id, assessmentId: assessment, sectionId: "core.policy" };
      const path = form.path
        .replace("/members/:id", `/members/${params.membershipId}`)
        .replace("/organisations/:id", `/organisations/${params.organisationId}`)
        .replace(":assessment", assessmentId)
        .replace(":submitted", submittedId);
      for (const fields of form.cases) {
        const before = await rowCounts(ctx.db);
        const result = await run(form.action, testRequest(path, { form: fields, cookie: cookies[form.as] }), testContext(ctx.db), params);
        const label = `${form.name} ${JSON.stringify(fields).slice(0, 120)}`;
        expect(result.status, label).toBeGreaterThanOrEqual(400);
        expect(result.status, label).toBeLessThan(500);
        expect(result.data?.ok, label).toBe(false);
        const codes = [result.data.formError, ...Object.values(result.data.fieldErrors ?? {})].filter(Boolean) as string[];
        expect(codes.length, label).toBeGreaterThan(0);
        for (const code of codes) expect(code, label).toMatch(/^[a-z_]+(:\d+)?$/);
        const after = await rowCounts(ctx.db);
        // Failed attempts are audited (and counted by the rate limiter); nothing else changes.
        expect({ ...after, audit_event: 0 }, label).toEqual({ ...before, audit_event: 0 });
        const audits = await ctx.db.selectFrom("audit_event").select("action").orderBy("at", "desc").limit(after.audit_event! - before.audit_event!).execute();
        for (const a of audits) expect(a.action, label).toMatch(/_failed$/);
      }
    });
  }
});
