/**
 * No lost update on any editable record (docs/decisions/0018-optimistic-concurrency.md): the one place
 * that lists every record a person changes through a form, and races two writers on each.
 *
 * Both writers start from the same loaded page (the same version, or the same state) and write at
 * once. On MariaDB they are two transactions on two connections, genuinely concurrent; on SQLite the
 * driver runs transactions one after the other, so the second starts from the first one's result but
 * still carries the version its page was loaded with. Either way: exactly one write wins, the other is
 * refused with a conflict (or the refusal the record owes a second attempt), the stored row is exactly
 * the winner's (no lost update, no mixture of the two), and exactly the winner's audit records exist.
 * Each race runs twice (a fresh database each time), the writers started in both orders.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "#db/dialect";
import { isUniqueViolation } from "#db/errors";
import { revokeApiKey, rollApiKey } from "~/modules/api-keys/api-keys.server";
import { loadAssessment, reviewAssessment, saveAnswers, startAssessment, submitAssessment } from "~/modules/assessments/assessments.server";
import { addEvidenceLink, removeEvidence } from "~/modules/assessments/evidence.server";
import { addPlanItem, listPlan, updatePlanItem } from "~/modules/assessments/plan.server";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { updateProfile } from "~/modules/auth/auth.server";
import { askForChanges, confirmAction, createAction, getAction, requestConfirmation, updateAction } from "~/modules/collaboration/collaboration.server";
import { addActionFile, removeActionFile } from "~/modules/collaboration/files.server";
import { getHashlistAccess, setHashlistGrants } from "~/modules/hashlist/access.server";
import { createHashList, removeEntriesByStaff } from "~/modules/hashlist/lists.server";
import { bytesToHex, type HashEntry } from "~/modules/hashlist/values";
import { acceptInvitation, addMembership, changeMemberRoles, inviteMember, listMembers, removeMember, revokeInvitation } from "~/modules/members/members.server";
import { decideOrganisation, getOrganisation, updateOrganisationProfile } from "~/modules/organisations/organisations.server";
import { issueReport, withdrawReport } from "~/modules/reports/reports.server";
import { changeStaffRole, setStaffDisabled } from "~/modules/staff/staff.server";
import { AppError } from "~/utils/errors";
import { training } from "../support/collaboration";
import { engine, useTestDb } from "../support/db";
import { createCompany, createOrganisation, createUser, linkIn, outbox } from "../support/factories";
import { fixtureAnswers, publishFixtures } from "../support/frameworks";
import { addToList, companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";

const ctx = useTestDb();
const YEAR = new Date().getUTCFullYear();
const actorFor = (u: { id: string; email: string }): Actor & { userId: string } => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.8" });
const inviter = { name: "Anna Admin", language: "sv" as const };

/** What a race needs once its records exist: the two writers and how to read the result. */
interface Prepared {
  writers: [() => Promise<unknown>, () => Promise<unknown>];
  /** The stored record, as compared: exactly `outcomes[i]` when writer i won. */
  stored: () => Promise<unknown>;
  outcomes: [unknown, unknown];
  /** The audit actions written by the race when writer i won (sorted). */
  audit: [string[], string[]];
  /** A writer that resolves but did nothing (an idempotent second attempt) says so here. */
  didNothing?: (value: unknown) => boolean;
}

interface Race {
  /** The record and the form that changes it. */
  record: string;
  /** How it is protected (the ADR's table). */
  protection: string;
  /** What the loser may be refused with (AppError codes; "unique" for the database's unique key). */
  refusals: string[];
  prepare: (db: Db) => Promise<Prepared>;
}

function codeOf(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (isUniqueViolation(error)) return "unique";
  throw error;
}

async function newAudit(db: Db, since: string[]) {
  const rows = await db.selectFrom("audit_event").select(["id", "action"]).execute();
  return rows
    .filter((r) => !since.includes(r.id))
    .map((r) => r.action)
    .sort();
}

async function assessmentOf(db: Db) {
  await publishFixtures(db);
  const company = await createCompany(db);
  const officer = actorFor(company.members.compliance_officer);
  const admin = actorFor(company.members.org_admin);
  const { id } = await startAssessment(db, officer, company.organisation.id, { year: YEAR, extraModules: [] });
  return { ...company, officer, admin, assessmentId: id };
}

async function invitationOf(db: Db) {
  const company = await createCompany(db);
  const admin = actorFor(company.members.org_admin);
  const invitee = await createUser(db, { email: `invitee-${crypto.randomUUID()}@example.test` });
  const invitationId = await inviteMember(db, admin, company.organisation.id, { email: invitee.email, roles: ["engineer"] }, inviter);
  const token = new URL(linkIn((await outbox(db)).at(-1)!.text_body)).searchParams.get("token")!;
  const state = async () => {
    const inv = await db.selectFrom("invitation").select(["accepted_at", "revoked_at"]).where("id", "=", invitationId).executeTakeFirstOrThrow();
    const member = (await listMembers(db, company.organisation.id)).some((m) => m.userId === invitee.id);
    return { accepted: inv.accepted_at !== null, revoked: inv.revoked_at !== null, member };
  };
  return { ...company, admin, invitee, invitationId, token, state };
}

async function apiKeyOf(db: Db) {
  const { industry } = await setUpHashLists(db);
  const company = await companyWithAccess(db, [industry.id]);
  const { id } = await keyFor(db, company, { listIds: [industry.id] });
  const engineer = actorFor(company.members.engineer);
  const admin = actorFor(company.members.org_admin);
  const state = async () => {
    const keys = await db.selectFrom("api_key").select(["id", "revoked_by", "replaced_by"]).where("organisation_id", "=", company.organisation.id).execute();
    const old = keys.find((k) => k.id === id)!;
    return { keys: keys.length, revokedBy: old.revoked_by, replaced: old.replaced_by !== null };
  };
  return { ...company, keyId: id, engineer, admin, state };
}

async function staffAccountOf(db: Db) {
  const a = actorFor(await createUser(db, { staffRole: "staff_admin" }));
  const b = actorFor(await createUser(db, { staffRole: "staff_admin" }));
  const target = await createUser(db, { staffRole: "staff" });
  const state = async () => {
    const row = await db.selectFrom("user").select(["staff_role", "disabled_at", "staff_version"]).where("id", "=", target.id).executeTakeFirstOrThrow();
    return { role: row.staff_role, disabled: row.disabled_at !== null, version: Number(row.staff_version) };
  };
  return { a, b, target, state };
}

const PDF = new TextEncoder().encode("%PDF-1.4 a small programme");

/** Every record a person edits through a form, with its protection. */
const RACES: Race[] = [
  {
    record: "organisation profile (org admins, /app/organisation)",
    protection: "organisation.profile_version",
    refusals: ["conflict"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const b = await createUser(db);
      await addMembership(db, organisation.id, b.id, ["org_admin"]);
      const base = (await getOrganisation(db, organisation.id))!.profileVersion;
      const alfa = { organisationName: "Alfa AB", industry: "travel" as const, website: "https://alfa.example", sizeBand: "1-9", baseVersion: base };
      const beta = { organisationName: "Beta AB", industry: "gaming" as const, website: undefined, sizeBand: "250-999", baseVersion: base };
      return {
        writers: [() => updateOrganisationProfile(db, actorFor(members.org_admin), organisation.id, alfa), () => updateOrganisationProfile(db, actorFor(b), organisation.id, beta)],
        stored: async () => {
          const o = (await getOrganisation(db, organisation.id))!;
          return { name: o.name, industry: o.industry, website: o.website, sizeBand: o.sizeBand, version: o.profileVersion };
        },
        outcomes: [
          { name: "Alfa AB", industry: "travel", website: "https://alfa.example", sizeBand: "1-9", version: base + 1 },
          { name: "Beta AB", industry: "gaming", website: null, sizeBand: "250-999", version: base + 1 },
        ],
        audit: [["organisation.updated"], ["organisation.updated"]],
      };
    },
  },
  {
    record: "member roles (org admins, /app/members/:id)",
    protection: "membership.version",
    refusals: ["conflict"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const b = await createUser(db);
      await addMembership(db, organisation.id, b.id, ["org_admin"]);
      const target = members.engineer.membershipId;
      const base = (await listMembers(db, organisation.id)).find((m) => m.id === target)!.version;
      return {
        writers: [
          () => changeMemberRoles(db, actorFor(members.org_admin), organisation.id, target, ["partner_manager", "engineer"], base),
          () => changeMemberRoles(db, actorFor(b), organisation.id, target, ["compliance_officer"], base),
        ],
        stored: async () => {
          const m = (await listMembers(db, organisation.id)).find((x) => x.id === target)!;
          return { roles: m.roles, version: m.version };
        },
        outcomes: [
          { roles: ["partner_manager", "engineer"], version: base + 1 },
          { roles: ["compliance_officer"], version: base + 1 },
        ],
        audit: [["member.roles_changed"], ["member.roles_changed"]],
      };
    },
  },
  {
    record: "member removal (org admins, /app/members/:id)",
    protection: "organisation row lock; the DELETE must remove the row",
    refusals: ["not_found"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const target = members.engineer.membershipId;
      const admin = actorFor(members.org_admin);
      const state = async () => ({ member: (await listMembers(db, organisation.id)).some((m) => m.id === target) });
      return {
        writers: [() => removeMember(db, admin, organisation.id, target), () => removeMember(db, admin, organisation.id, target)],
        stored: state,
        outcomes: [{ member: false }, { member: false }],
        audit: [["member.removed"], ["member.removed"]],
      };
    },
  },
  {
    record: "invitation: revoked by one admin while the invitee accepts",
    protection: "conditional UPDATE: accepted_at IS NULL AND revoked_at IS NULL",
    refusals: ["not_found", "invitation_invalid"],
    async prepare(db) {
      const inv = await invitationOf(db);
      return {
        writers: [
          () => revokeInvitation(db, inv.admin, inv.organisation.id, inv.invitationId),
          () => acceptInvitation(db, actorFor(inv.invitee), inv.token, { ...inv.invitee, staffRole: null }),
        ],
        stored: inv.state,
        outcomes: [
          { accepted: false, revoked: true, member: false },
          { accepted: true, revoked: false, member: true },
        ],
        audit: [["member.invitation_revoked"], ["member.joined"]],
      };
    },
  },
  {
    record: "invitation: revoked by two admins at once",
    protection: "conditional UPDATE: accepted_at IS NULL AND revoked_at IS NULL",
    refusals: ["not_found"],
    async prepare(db) {
      const inv = await invitationOf(db);
      const other = await createUser(db);
      await addMembership(db, inv.organisation.id, other.id, ["org_admin"]);
      return {
        writers: [() => revokeInvitation(db, inv.admin, inv.organisation.id, inv.invitationId), () => revokeInvitation(db, actorFor(other), inv.organisation.id, inv.invitationId)],
        stored: inv.state,
        outcomes: [
          { accepted: false, revoked: true, member: false },
          { accepted: false, revoked: true, member: false },
        ],
        audit: [["member.invitation_revoked"], ["member.invitation_revoked"]],
      };
    },
  },
  {
    record: "invitation: accepted twice (two tabs)",
    protection: "conditional UPDATE: accepted_at IS NULL AND revoked_at IS NULL",
    refusals: ["invitation_invalid", "already_member"],
    async prepare(db) {
      const inv = await invitationOf(db);
      const accept = () => acceptInvitation(db, actorFor(inv.invitee), inv.token, { ...inv.invitee, staffRole: null });
      return {
        writers: [accept, accept],
        stored: inv.state,
        outcomes: [
          { accepted: true, revoked: false, member: true },
          { accepted: true, revoked: false, member: true },
        ],
        audit: [["member.joined"], ["member.joined"]],
      };
    },
  },
  {
    record: "staff account: role changed by one staff admin, disabled by another (/staff/accounts)",
    protection: "user.staff_version",
    refusals: ["conflict"],
    async prepare(db) {
      const s = await staffAccountOf(db);
      return {
        writers: [() => changeStaffRole(db, s.a, s.target.id, "staff_admin", 1), () => setStaffDisabled(db, s.b, s.target.id, true, 1)],
        stored: s.state,
        outcomes: [
          { role: "staff_admin", disabled: false, version: 2 },
          { role: "staff", disabled: true, version: 2 },
        ],
        audit: [["staff.role_changed"], ["staff.disabled"]],
      };
    },
  },
  {
    record: "staff account: disabled by two staff admins at once",
    protection: "user.staff_version",
    refusals: ["conflict"],
    async prepare(db) {
      const s = await staffAccountOf(db);
      return {
        writers: [() => setStaffDisabled(db, s.a, s.target.id, true, 1), () => setStaffDisabled(db, s.b, s.target.id, true, 1)],
        stored: s.state,
        outcomes: [
          { role: "staff", disabled: true, version: 2 },
          { role: "staff", disabled: true, version: 2 },
        ],
        audit: [["staff.disabled"], ["staff.disabled"]],
      };
    },
  },
  {
    record: "hash-list grants of an organisation (staff, /staff/organisations/:id)",
    protection: "organisation.grants_version",
    refusals: ["conflict"],
    async prepare(db) {
      const { industry } = await setUpHashLists(db);
      const national = await createHashList(db, systemActor("test"), { slug: "national", name: { sv: "Nationella listan", en: "National list" } });
      const { organisation } = await createCompany(db, { status: "approved" });
      const a = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      const b = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      const base = (await getHashlistAccess(db, organisation.id)).grantsVersion;
      return {
        writers: [() => setHashlistGrants(db, a, organisation.id, [industry.id], base), () => setHashlistGrants(db, b, organisation.id, [national.id], base)],
        stored: async () => {
          const access = await getHashlistAccess(db, organisation.id);
          return { granted: access.granted.map((l) => l.slug), version: access.grantsVersion };
        },
        outcomes: [
          { granted: ["industry"], version: base + 1 },
          { granted: ["national"], version: base + 1 },
        ],
        audit: [["hashlist.grants_changed"], ["hashlist.grants_changed"]],
      };
    },
  },
  {
    record: "organisation status decision (staff, /staff/organisations/:id)",
    protection: "conditional UPDATE: status = the status read",
    refusals: ["conflict", "transition_not_allowed"],
    async prepare(db) {
      const org = await createOrganisation(db, { status: "applied" });
      const a = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      const b = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      return {
        writers: [() => decideOrganisation(db, a, org.id, "approve", "Looks good"), () => decideOrganisation(db, b, org.id, "reject", "Not a fit")],
        stored: async () => {
          const o = (await getOrganisation(db, org.id))!;
          const events = await db.selectFrom("organisation_status_event").select("to_status").where("organisation_id", "=", org.id).execute();
          return { status: o.status, reason: o.statusReason, events: events.length };
        },
        outcomes: [
          { status: "approved", reason: "Looks good", events: 2 },
          { status: "rejected", reason: "Not a fit", events: 2 },
        ],
        audit: [["organisation.approve"], ["organisation.reject"]],
      };
    },
  },
  {
    record: "assessment answer, first save (company users, section form)",
    protection: "assessment_answer.version (0 = no answer yet), saves of an assessment take turns on its row lock",
    refusals: ["answer_conflict"],
    async prepare(db) {
      const s = await assessmentOf(db);
      const save = (actor: Actor, value: string) => () => saveAnswers(db, actor, s.organisation.id, s.assessmentId, [{ questionId: "core.policy.has", value, baseVersion: 0 }]);
      return {
        writers: [save(s.officer, "yes"), save(s.admin, "no")],
        stored: async () => {
          const a = (await loadAssessment(db, s.assessmentId, s.organisation.id)).answers.get("core.policy.has");
          return { value: a?.value, version: a?.version };
        },
        outcomes: [
          { value: "yes", version: 1 },
          { value: "no", version: 1 },
        ],
        audit: [["assessment.answers_saved"], ["assessment.answers_saved"]],
      };
    },
  },
  {
    record: "assessment answer, changed (company users, section form)",
    protection: "assessment_answer.version",
    refusals: ["answer_conflict"],
    async prepare(db) {
      const s = await assessmentOf(db);
      await saveAnswers(db, s.officer, s.organisation.id, s.assessmentId, [{ questionId: "core.policy.has", value: "partly", baseVersion: 0 }]);
      const save = (actor: Actor, value: string | null) => () => saveAnswers(db, actor, s.organisation.id, s.assessmentId, [{ questionId: "core.policy.has", value, baseVersion: 1 }]);
      return {
        // One changes the answer, the other clears it.
        writers: [save(s.officer, "yes"), save(s.admin, null)],
        stored: async () => {
          const a = (await loadAssessment(db, s.assessmentId, s.organisation.id)).answers.get("core.policy.has");
          return { value: a?.value ?? null, version: a?.version ?? null };
        },
        outcomes: [
          { value: "yes", version: 2 },
          { value: null, version: null },
        ],
        audit: [["assessment.answers_saved"], ["assessment.answers_saved"]],
      };
    },
  },
  {
    record: "assessment submission while an answer is cleared (company users)",
    protection: "answer saves bump assessment.row_version; saves lock the assessment and re-check its status",
    refusals: ["conflict", "assessment_locked", "assessment_incomplete"],
    async prepare(db) {
      const s = await assessmentOf(db);
      await saveAnswers(db, s.officer, s.organisation.id, s.assessmentId, fixtureAnswers("2"));
      return {
        writers: [
          () => submitAssessment(db, s.officer, s.organisation.id, s.assessmentId),
          () => saveAnswers(db, s.admin, s.organisation.id, s.assessmentId, [{ questionId: "core.policy.has", value: null, baseVersion: 1 }]),
        ],
        stored: async () => {
          const loaded = await loadAssessment(db, s.assessmentId, s.organisation.id);
          return { status: loaded.assessment.status, answered: loaded.answers.has("core.policy.has") };
        },
        outcomes: [
          { status: "submitted", answered: true },
          { status: "draft", answered: false },
        ],
        audit: [["assessment.submitted"], ["assessment.answers_saved"]],
      };
    },
  },
  {
    record: "assessment review (staff: approve or return)",
    protection: "assessment.row_version",
    refusals: ["conflict", "assessment_wrong_status"],
    async prepare(db) {
      const s = await assessmentOf(db);
      await saveAnswers(db, s.officer, s.organisation.id, s.assessmentId, fixtureAnswers("2"));
      await submitAssessment(db, s.officer, s.organisation.id, s.assessmentId);
      const a = actorFor(await createUser(db, { staffRole: "staff" }));
      const b = actorFor(await createUser(db, { staffRole: "staff" }));
      return {
        writers: [
          () => reviewAssessment(db, a, s.assessmentId, { decision: "approve", comments: [] }),
          () => reviewAssessment(db, b, s.assessmentId, { decision: "return", summary: "Please add the policy.", comments: [] }),
        ],
        stored: async () => {
          const row = await db.selectFrom("assessment").select(["status", "decided_by", "row_version"]).where("id", "=", s.assessmentId).executeTakeFirstOrThrow();
          const comments = await db.selectFrom("assessment_comment").select("id").where("assessment_id", "=", s.assessmentId).execute();
          return { status: row.status, decidedBy: row.decided_by, comments: comments.length };
        },
        outcomes: [
          { status: "approved", decidedBy: a.userId, comments: 0 },
          { status: "returned", decidedBy: b.userId, comments: 1 },
        ],
        audit: [["assessment.approved"], ["assessment.returned"]],
      };
    },
  },
  {
    record: "improvement-plan item (company users, /app/plan)",
    protection: "improvement_item.version",
    refusals: ["conflict"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const officer = actorFor(members.compliance_officer);
      const itemId = await addPlanItem(db, officer, organisation.id, { action: "Write a policy", ownerUserId: null, dueDate: null });
      const edit = (actor: Actor, action: string, status: "in_progress" | "done") => () =>
        updatePlanItem(db, actor, organisation.id, itemId, { action, ownerUserId: null, dueDate: null, status, baseVersion: 1 });
      return {
        writers: [edit(officer, "Write a policy (draft ready)", "in_progress"), edit(actorFor(members.org_admin), "Policy adopted", "done")],
        stored: async () => {
          const item = (await listPlan(db, organisation.id)).find((i) => i.id === itemId)!;
          return { action: item.action, status: item.status, version: item.version };
        },
        outcomes: [
          { action: "Write a policy (draft ready)", status: "in_progress", version: 2 },
          { action: "Policy adopted", status: "done", version: 2 },
        ],
        audit: [["plan.item_updated"], ["plan.item_updated"]],
      };
    },
  },
  {
    record: "assessment evidence removal (company users)",
    protection: "the DELETE must remove the row",
    refusals: ["not_found"],
    async prepare(db) {
      const s = await assessmentOf(db);
      const evidenceId = await addEvidenceLink(db, s.officer, s.organisation.id, s.assessmentId, "core.policy.has", "https://example.org/policy");
      const remove = (actor: Actor) => () => removeEvidence(db, actor, s.organisation.id, s.assessmentId, evidenceId);
      return {
        writers: [remove(s.officer), remove(s.admin)],
        stored: async () => ({ rows: (await db.selectFrom("assessment_evidence").select("id").where("id", "=", evidenceId).execute()).length }),
        outcomes: [{ rows: 0 }, { rows: 0 }],
        audit: [["assessment.evidence_removed"], ["assessment.evidence_removed"]],
      };
    },
  },
  {
    record: "collaborative action (company users, /app/collaboration/:id/edit)",
    protection: "collab_action.revision",
    refusals: ["conflict"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const manager = actorFor(members.partner_manager);
      const id = await createAction(db, manager, organisation.id, training(), []);
      return {
        writers: [
          () => updateAction(db, manager, organisation.id, id, training({ title: "Utbildning, vår" }), [], 1),
          () => updateAction(db, actorFor(members.org_admin), organisation.id, id, training({ peopleTrained: 12, status: "done" }), [], 1),
        ],
        stored: async () => {
          const { action, revisions } = await getAction(db, id, organisation.id);
          return { title: action.title, peopleTrained: action.peopleTrained, status: action.status, revision: action.revision, revisions: revisions.length };
        },
        outcomes: [
          { title: "Utbildning, vår", peopleTrained: 38, status: "planned", revision: 2, revisions: 2 },
          { title: "Utbildning för kundtjänst", peopleTrained: 12, status: "done", revision: 2, revisions: 2 },
        ],
        audit: [["collab.updated"], ["collab.updated"]],
      };
    },
  },
  {
    record: "collaborative action confirmation (staff: confirm or ask for changes)",
    protection: "conditional UPDATE: revision and confirmation state",
    refusals: ["conflict", "collab_wrong_state"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const manager = actorFor(members.partner_manager);
      const id = await createAction(db, manager, organisation.id, training({ status: "done" }), []);
      await requestConfirmation(db, manager, organisation.id, id, 1);
      const a = actorFor(await createUser(db, { staffRole: "staff" }));
      const b = actorFor(await createUser(db, { staffRole: "staff" }));
      return {
        writers: [() => confirmAction(db, a, id, 1, "Tack!"), () => askForChanges(db, b, id, 1, "Vilka deltog?")],
        stored: async () => {
          const { action, comments } = await getAction(db, id, organisation.id);
          return { confirmation: action.confirmation, comments: comments.map((c) => c.kind) };
        },
        outcomes: [
          { confirmation: "confirmed", comments: ["confirmed"] },
          { confirmation: "changes_requested", comments: ["changes_requested"] },
        ],
        audit: [["collab.confirmed"], ["collab.changes_requested"]],
      };
    },
  },
  {
    record: "collaborative action file removal (company users)",
    protection: "the DELETE must remove the row",
    refusals: ["not_found"],
    async prepare(db) {
      const { organisation, members } = await createCompany(db);
      const manager = actorFor(members.partner_manager);
      const id = await createAction(db, manager, organisation.id, training(), []);
      const file = await addActionFile(db, manager, organisation.id, id, { name: "program.pdf", bytes: PDF });
      const remove = (actor: Actor) => () => removeActionFile(db, actor, organisation.id, id, file.id);
      return {
        writers: [remove(manager), remove(actorFor(members.org_admin))],
        stored: async () => ({ rows: (await db.selectFrom("collab_file").select("id").where("id", "=", file.id).execute()).length }),
        outcomes: [{ rows: 0 }, { rows: 0 }],
        audit: [["collab.file_removed"], ["collab.file_removed"]],
      };
    },
  },
  {
    record: "report withdrawal (staff, /staff/reports/:id)",
    protection: "conditional UPDATE: status = 'valid'",
    refusals: ["report_already_withdrawn"],
    async prepare(db) {
      await setUpHashLists(db);
      const company = await createCompany(db);
      const report = await issueReport(db, actorFor(company.members.org_admin), company.organisation.id, { period: YEAR, language: "sv", trigger: "request" });
      const a = actorFor(await createUser(db, { staffRole: "staff" }));
      const b = actorFor(await createUser(db, { staffRole: "staff" }));
      return {
        writers: [() => withdrawReport(db, a, report.id, "The assessment was wrong."), () => withdrawReport(db, b, report.id, "Issued by mistake.")],
        stored: async () => {
          const r = await db.selectFrom("report").select(["status", "withdrawn_by", "withdrawn_reason"]).where("id", "=", report.id).executeTakeFirstOrThrow();
          return { status: r.status, by: r.withdrawn_by, reason: r.withdrawn_reason };
        },
        outcomes: [
          { status: "withdrawn", by: a.userId, reason: "The assessment was wrong." },
          { status: "withdrawn", by: b.userId, reason: "Issued by mistake." },
        ],
        audit: [["report.withdrawn"], ["report.withdrawn"]],
      };
    },
  },
  {
    record: "API key revoked twice (company engineers, /app/api-keys)",
    protection: "conditional UPDATE: revoked_at as read (second attempt does nothing)",
    refusals: [],
    async prepare(db) {
      const k = await apiKeyOf(db);
      return {
        writers: [() => revokeApiKey(db, k.engineer, k.organisation.id, k.keyId), () => revokeApiKey(db, k.admin, k.organisation.id, k.keyId)],
        didNothing: (value) => value === false,
        stored: k.state,
        outcomes: [
          { keys: 1, revokedBy: k.engineer.userId, replaced: false },
          { keys: 1, revokedBy: k.admin.userId, replaced: false },
        ],
        audit: [["api_key.revoked"], ["api_key.revoked"]],
      };
    },
  },
  {
    record: "API key rolled twice (company engineers, /app/api-keys)",
    protection: "conditional UPDATE: replaced_by IS NULL and revoked_at as read",
    refusals: ["api_key_not_active"],
    async prepare(db) {
      const k = await apiKeyOf(db);
      return {
        writers: [() => rollApiKey(db, k.engineer, k.organisation.id, k.keyId, 1), () => rollApiKey(db, k.admin, k.organisation.id, k.keyId, 3)],
        stored: k.state,
        outcomes: [
          { keys: 2, revokedBy: k.engineer.userId, replaced: true },
          { keys: 2, revokedBy: k.admin.userId, replaced: true },
        ],
        audit: [["api_key.rolled"], ["api_key.rolled"]],
      };
    },
  },
  {
    record: "API key rolled by one engineer while another revokes it",
    protection: "conditional UPDATE: revoked_at as read",
    refusals: ["api_key_not_active"],
    async prepare(db) {
      const k = await apiKeyOf(db);
      return {
        writers: [() => rollApiKey(db, k.engineer, k.organisation.id, k.keyId, 0), () => revokeApiKey(db, k.admin, k.organisation.id, k.keyId)],
        didNothing: (value) => value === false,
        stored: k.state,
        outcomes: [
          { keys: 2, revokedBy: k.engineer.userId, replaced: true },
          { keys: 1, revokedBy: k.admin.userId, replaced: false },
        ],
        audit: [["api_key.rolled"], ["api_key.revoked"]],
      };
    },
  },
  {
    record: "hash-list entry removed by two staff at once (/staff/hashlists/:id)",
    protection: "hash_list row lock; a second removal finds no live entry (removed: 0, not audited)",
    refusals: [],
    async prepare(db) {
      const { industry } = await setUpHashLists(db);
      const value = new Uint8Array(crypto.createHash("sha256").update("race").digest());
      const entry: HashEntry = { algorithm: "sha256", value, text: bytesToHex(value), quality: null, category: "A", source: "test" };
      await addToList(db, industry.id, [entry]);
      const a = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      const b = actorFor(await createUser(db, { staffRole: "staff_admin" }));
      const remove = (actor: Actor) => () => removeEntriesByStaff(db, actor, industry.id, [{ algorithm: "sha256", value }]);
      return {
        writers: [remove(a), remove(b)],
        didNothing: (result) => (result as { removed: number }).removed === 0,
        stored: async () => {
          const list = await db.selectFrom("hash_list").select(["live_count", "last_seq"]).where("id", "=", industry.id).executeTakeFirstOrThrow();
          return { live: Number(list.live_count), lastSeq: Number(list.last_seq) };
        },
        outcomes: [
          { live: 0, lastSeq: 2 },
          { live: 0, lastSeq: 2 },
        ],
        audit: [["hashlist.entries_removed"], ["hashlist.entries_removed"]],
      };
    },
  },
];

describe(`no lost update on any editable record (${engine})`, () => {
  for (const race of RACES) {
    for (const order of [
      [0, 1],
      [1, 0],
    ] as const) {
      it(`${race.record} — ${race.protection} (writer ${order[0] + 1} starts first)`, async () => {
        const db = ctx.db;
        const r = await race.prepare(db);
        const auditBefore = (await db.selectFrom("audit_event").select("id").execute()).map((e) => e.id);
        // Started in this order, then run together.
        const pending: Promise<unknown>[] = [];
        for (const i of order) pending[i] = r.writers[i]();
        const results = await Promise.allSettled(pending);

        const won = results.map((res) => res.status === "fulfilled" && !r.didNothing?.(res.value));
        expect(won.filter(Boolean), `exactly one writer wins (${results.map((x) => (x.status === "rejected" ? String(x.reason) : x.status)).join(", ")})`).toHaveLength(1);
        const winner = won.indexOf(true) as 0 | 1;
        const loser = results[1 - winner]!;
        if (loser.status === "rejected") expect(race.refusals, String(loser.reason)).toContain(codeOf(loser.reason));
        else expect(r.didNothing?.(loser.value)).toBe(true);

        expect(await r.stored()).toEqual(r.outcomes[winner]);
        expect(await newAudit(db, auditBefore)).toEqual(r.audit[winner]);
      });
    }
  }

  /**
   * Judged single-writer: a person's own profile (name, language) is changed only by that person.
   * Two of their own tabs saving at once: the later save wins as a whole (one UPDATE of both
   * columns, never a mixture), and both saves are audited.
   */
  it("own profile (name, language): last write wins, whole, both audited", async () => {
    const user = await createUser(ctx.db, { name: "Before" });
    const actor = actorFor(user);
    const one = { name: "Anna Andersson", locale: "sv" as const };
    const two = { name: "Anna A.", locale: "en" as const };
    await Promise.all([updateProfile(ctx.db, actor, user.id, one), updateProfile(ctx.db, actor, user.id, two)]);
    const row = await ctx.db.selectFrom("user").select(["name", "locale"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    expect([one, two]).toContainEqual({ name: row.name, locale: row.locale });
    const audit = await ctx.db.selectFrom("audit_event").select("action").where("target_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toEqual(["user.profile_updated", "user.profile_updated"]);
  });
});
