/**
 * Collaborative actions: what a company does together with the NGO, logged by the company's partner
 * managers (or by NGO staff on its behalf), confirmed by the NGO. Every change of content is a new
 * revision (kept with what changed, who and when); a change after confirmation asks for it again.
 * See docs/decisions/0014-collaborative-actions.md.
 */
import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { like } from "#db/like";
import type { CollabActionTable, CollabConfirmation } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { ACTIVE_STATUSES } from "~/modules/auth/permissions";
import { toLanguage, type Language } from "~/modules/i18n/i18n";
import { loadAssessment, resultsOf } from "~/modules/assessments/assessments.server";
import { queueMail, type MailTemplate } from "~/modules/mail/mail.server";
import type { Industry } from "~/modules/organisations/schema";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { actionProblems, type ActionContent, type ActionStatus, type ActionType } from "./types";

export type { ActionContent };

/** A link from an action to what it addresses: `plan_item:<itemId>` or `assessment_gap:<assessmentId>:<questionId>`. */
export type TargetRef = string;

export interface ActionRecord extends ActionContent {
  id: string;
  organisationId: string;
  organisationName: string;
  industry: Industry;
  year: number;
  confirmation: CollabConfirmation;
  revision: number;
  requestedAt: number | null;
  confirmedRevision: number | null;
  confirmedAt: number | null;
  onBehalf: boolean;
  createdAt: number;
  createdByName: string | null;
  updatedAt: number;
}

const CONTENT_COLUMNS = [
  "a.type",
  "a.title",
  "a.starts_on",
  "a.ends_on",
  "a.description",
  "a.people_company",
  "a.people_ngo",
  "a.people_trained",
  "a.reach",
  "a.amount",
  "a.currency",
  "a.reports_handled",
  "a.items_taken_down",
  "a.status",
  "a.links",
] as const;

const RECORD_COLUMNS = [
  "a.id",
  "a.organisation_id",
  "o.name as organisation_name",
  "o.industry",
  "a.year",
  "a.confirmation",
  "a.revision",
  "a.requested_at",
  "a.confirmed_revision",
  "a.confirmed_at",
  "a.on_behalf",
  "a.created_at",
  "u.name as created_by_name",
  "a.updated_at",
  ...CONTENT_COLUMNS,
] as const;

type ContentRow = Pick<
  CollabActionTable,
  "type" | "title" | "starts_on" | "ends_on" | "description" | "people_company" | "people_ngo" | "people_trained" | "reach" | "amount" | "currency" | "reports_handled" | "items_taken_down" | "status" | "links"
>;

const num = (v: number | null) => (v === null ? null : Number(v));

function contentOf(r: ContentRow): ActionContent {
  return {
    type: r.type as ActionType,
    title: r.title,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    description: r.description,
    peopleCompany: r.people_company,
    peopleNgo: r.people_ngo,
    peopleTrained: num(r.people_trained),
    reach: num(r.reach),
    amount: num(r.amount),
    currency: r.currency,
    reportsHandled: num(r.reports_handled),
    itemsTakenDown: num(r.items_taken_down),
    status: r.status as ActionStatus,
    links: fromJson<string[]>(r.links, []),
  };
}

type RecordRow = ContentRow & {
  id: string;
  organisation_id: string;
  organisation_name: string;
  industry: string;
  year: number;
  confirmation: CollabConfirmation;
  revision: number;
  requested_at: number | null;
  confirmed_revision: number | null;
  confirmed_at: number | null;
  on_behalf: number;
  created_at: number;
  created_by_name: string | null;
  updated_at: number;
};

function toRecord(r: RecordRow): ActionRecord {
  return {
    ...contentOf(r),
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    industry: r.industry as Industry,
    year: Number(r.year),
    confirmation: r.confirmation,
    revision: Number(r.revision),
    requestedAt: num(r.requested_at),
    confirmedRevision: num(r.confirmed_revision),
    confirmedAt: num(r.confirmed_at),
    onBehalf: Number(r.on_behalf) === 1,
    createdAt: Number(r.created_at),
    createdByName: r.created_by_name,
    updatedAt: Number(r.updated_at),
  };
}

function columnsOf(c: ActionContent) {
  return {
    type: c.type,
    title: c.title,
    starts_on: c.startsOn,
    ends_on: c.endsOn,
    year: Number(c.startsOn.slice(0, 4)),
    description: c.description,
    people_company: c.peopleCompany,
    people_ngo: c.peopleNgo,
    people_trained: c.peopleTrained,
    reach: c.reach,
    amount: c.amount,
    currency: c.amount === null ? null : c.currency,
    reports_handled: c.reportsHandled,
    items_taken_down: c.itemsTakenDown,
    status: c.status,
    links: c.links.length ? toJson(c.links) : null,
  };
}

/** The service's own check of content (the form's schema asks the same; this is the authority). */
function checkContent(content: ActionContent) {
  const problems = actionProblems(content);
  const first = Object.values(problems)[0];
  if (!first) return;
  const [code, n] = first.split(":");
  throw new AppError(code!, 400, { fieldErrors: problems, params: n === undefined ? undefined : { n } });
}

async function activeOrganisation(db: Db, organisationId: string) {
  const org = await db.selectFrom("organisation").select(["id", "name", "status"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new AppError("not_found", 404);
  if (!ACTIVE_STATUSES.includes(org.status)) throw new AppError("organisation_inactive", 403);
  return org;
}

/** Checks that every target belongs to the organisation; returns them as rows to store. */
async function checkTargets(db: Db, organisationId: string, targets: TargetRef[]) {
  const unique = [...new Set(targets)];
  const planIds: string[] = [];
  const gaps: { assessmentId: string; questionId: string }[] = [];
  for (const t of unique) {
    const plan = /^plan_item:([\w-]{1,64})$/.exec(t);
    const gap = /^assessment_gap:([\w-]{1,64}):([\w.-]{1,120})$/.exec(t);
    if (plan) planIds.push(plan[1]!);
    else if (gap) gaps.push({ assessmentId: gap[1]!, questionId: gap[2]! });
    else throw new AppError("collab_target_unknown", 400, { fieldErrors: { targets: "collab_target_unknown" } });
  }
  if (planIds.length) {
    const found = await db.selectFrom("improvement_item").select("id").where("organisation_id", "=", organisationId).where("id", "in", planIds).execute();
    if (found.length !== planIds.length) throw new AppError("collab_target_unknown", 400, { fieldErrors: { targets: "collab_target_unknown" } });
  }
  const assessmentIds = [...new Set(gaps.map((g) => g.assessmentId))];
  if (assessmentIds.length) {
    const found = await db.selectFrom("assessment").select("id").where("organisation_id", "=", organisationId).where("id", "in", assessmentIds).execute();
    if (found.length !== assessmentIds.length) throw new AppError("collab_target_unknown", 400, { fieldErrors: { targets: "collab_target_unknown" } });
  }
  return unique.map((t) => {
    const [kind, ...rest] = t.split(":");
    return { kind: kind as "plan_item" | "assessment_gap", target_id: rest.join(":") };
  });
}

const FIELD_NAMES = Object.keys({
  type: 1,
  title: 1,
  startsOn: 1,
  endsOn: 1,
  description: 1,
  peopleCompany: 1,
  peopleNgo: 1,
  peopleTrained: 1,
  reach: 1,
  amount: 1,
  currency: 1,
  reportsHandled: 1,
  itemsTakenDown: 1,
  status: 1,
  links: 1,
} satisfies Record<keyof ActionContent, 1>) as (keyof ActionContent)[];

export type RevisionContent = ActionContent & { targets: TargetRef[] };
export interface Change {
  field: keyof RevisionContent;
  from: unknown;
  to: unknown;
}

function changesBetween(before: RevisionContent | null, after: RevisionContent): Change[] {
  const fields: (keyof RevisionContent)[] = [...FIELD_NAMES, "targets"];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return fields.filter((f) => !before || !same(before[f], after[f])).map((field) => ({ field, from: before ? (before[field] ?? null) : null, to: after[field] ?? null }));
}

async function writeRevision(trx: Db, actor: Actor, actionId: string, revision: number, content: RevisionContent, changes: Change[], byStaff: boolean) {
  await trx
    .insertInto("collab_revision")
    .values({ action_id: actionId, revision, content: toJson(content), changes: toJson(changes), by_user_id: actor.userId, by_staff: byStaff ? 1 : 0, at: Date.now() })
    .execute();
}

/**
 * Logs an action for an organisation. `onBehalf` marks one that NGO staff recorded for the company
 * (its people are told by e-mail).
 */
export async function createAction(db: Db, actor: Actor, organisationId: string, content: ActionContent, targets: TargetRef[], options: { onBehalf?: boolean } = {}) {
  checkContent(content);
  const org = await activeOrganisation(db, organisationId);
  const targetRows = await checkTargets(db, organisationId, targets);
  const sortedTargets = targetRows.map((t) => `${t.kind}:${t.target_id}`).sort();
  return db.transaction().execute(async (trx) => {
    const id = newId();
    const now = Date.now();
    await trx
      .insertInto("collab_action")
      .values({
        id,
        organisation_id: organisationId,
        ...columnsOf(content),
        confirmation: "none",
        revision: 1,
        requested_at: null,
        confirmed_revision: null,
        confirmed_at: null,
        confirmed_by: null,
        on_behalf: options.onBehalf ? 1 : 0,
        created_at: now,
        created_by: actor.userId,
        updated_at: now,
        updated_by: actor.userId,
      })
      .execute();
    if (targetRows.length) await trx.insertInto("collab_target").values(targetRows.map((t) => ({ action_id: id, ...t, created_at: now }))).execute();
    const revisionContent = { ...content, targets: sortedTargets };
    await writeRevision(trx, actor, id, 1, revisionContent, changesBetween(null, revisionContent), !!options.onBehalf);
    await recordAudit(trx, actor, {
      action: "collab.created",
      organisationId,
      targetType: "collab_action",
      targetId: id,
      details: { type: content.type, status: content.status, onBehalf: !!options.onBehalf },
    });
    if (options.onBehalf) await mailCompany(trx, organisationId, id, "collab_recorded_on_behalf", { organisation: org.name, title: content.title });
    return id;
  });
}

/** One action (no thread or history); another organisation's is "not found". Staff pass null. */
export async function loadAction(db: Db, actionId: string, organisationId: string | null) {
  let q = db
    .selectFrom("collab_action as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .leftJoin("user as u", "u.id", "a.created_by")
    .select(RECORD_COLUMNS)
    .where("a.id", "=", actionId);
  if (organisationId !== null) q = q.where("a.organisation_id", "=", organisationId);
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return toRecord(row as RecordRow);
}

async function targetsOf(db: Db, actionId: string): Promise<TargetRef[]> {
  const rows = await db.selectFrom("collab_target").select(["kind", "target_id"]).where("action_id", "=", actionId).execute();
  return rows.map((t) => `${t.kind}:${t.target_id}`).sort();
}

/**
 * Changes an action's content: refused with a conflict when someone changed it since
 * `baseRevision`. A change to a confirmed action needs a new confirmation: it goes back to the NGO
 * when the action is done, else back to the company's own hands. A save that changes nothing writes
 * nothing.
 */
export async function updateAction(db: Db, actor: Actor, organisationId: string, actionId: string, content: ActionContent, targets: TargetRef[], baseRevision: number) {
  checkContent(content);
  const org = await activeOrganisation(db, organisationId);
  const current = await loadAction(db, actionId, organisationId);
  const targetRows = await checkTargets(db, organisationId, targets);
  const before: RevisionContent = { ...contentOf(columnsAsRow(current)), targets: await targetsOf(db, actionId) };
  const after: RevisionContent = { ...content, currency: content.amount === null ? null : content.currency, targets: targetRows.map((t) => `${t.kind}:${t.target_id}`).sort() };
  if (current.revision !== baseRevision) throw new AppError("conflict", 409);
  const changes = changesBetween(before, after);
  if (changes.length === 0) return { changed: false, confirmation: current.confirmation };
  const reconfirm = current.confirmation === "confirmed";
  const confirmation: CollabConfirmation = reconfirm ? (content.status === "done" ? "requested" : "none") : current.confirmation;
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    const result = await trx
      .updateTable("collab_action")
      .set({
        ...columnsOf(content),
        confirmation,
        requested_at: reconfirm && confirmation === "requested" ? now : current.requestedAt,
        revision: baseRevision + 1,
        updated_at: now,
        updated_by: actor.userId,
      })
      .where("id", "=", actionId)
      .where("organisation_id", "=", organisationId)
      .where("revision", "=", baseRevision)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
    await trx.deleteFrom("collab_target").where("action_id", "=", actionId).execute();
    if (targetRows.length) await trx.insertInto("collab_target").values(targetRows.map((t) => ({ action_id: actionId, ...t, created_at: now }))).execute();
    await writeRevision(trx, actor, actionId, baseRevision + 1, after, changes, false);
    await recordAudit(trx, actor, {
      action: "collab.updated",
      organisationId,
      targetType: "collab_action",
      targetId: actionId,
      details: { revision: baseRevision + 1, fields: changes.map((c) => c.field), confirmation: { from: current.confirmation, to: confirmation } },
    });
    if (reconfirm && confirmation === "requested") await mailStaff(trx, actionId, "collab_confirmation_requested", { organisation: org.name, title: content.title });
  });
  return { changed: true, confirmation };
}

function columnsAsRow(r: ActionRecord): ContentRow {
  return {
    type: r.type,
    title: r.title,
    starts_on: r.startsOn,
    ends_on: r.endsOn,
    description: r.description,
    people_company: r.peopleCompany,
    people_ngo: r.peopleNgo,
    people_trained: r.peopleTrained,
    reach: r.reach,
    amount: r.amount,
    currency: r.currency,
    reports_handled: r.reportsHandled,
    items_taken_down: r.itemsTakenDown,
    status: r.status,
    links: r.links.length ? toJson(r.links) : null,
  };
}

/** Moves the confirmation state, only from the expected states and only at the revision seen. */
async function moveConfirmation(trx: Db, action: ActionRecord, from: CollabConfirmation[], revision: number, set: Partial<CollabActionTable>) {
  if (!from.includes(action.confirmation)) throw new AppError("collab_wrong_state", 409);
  if (action.revision !== revision) throw new AppError("conflict", 409);
  const result = await trx
    .updateTable("collab_action")
    .set({ ...set, updated_at: Date.now() })
    .where("id", "=", action.id)
    .where("revision", "=", revision)
    .where("confirmation", "=", action.confirmation)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
}

/** The company asks the NGO to confirm a done action (the revision it saw). Staff are told by e-mail. */
export async function requestConfirmation(db: Db, actor: Actor, organisationId: string, actionId: string, revision: number) {
  const org = await activeOrganisation(db, organisationId);
  const action = await loadAction(db, actionId, organisationId);
  if (action.status !== "done") throw new AppError("collab_not_done", 400);
  await db.transaction().execute(async (trx) => {
    await moveConfirmation(trx, action, ["none", "changes_requested"], revision, { confirmation: "requested", requested_at: Date.now() });
    await recordAudit(trx, actor, { action: "collab.confirmation_requested", organisationId, targetType: "collab_action", targetId: actionId, details: { revision } });
    await mailStaff(trx, actionId, "collab_confirmation_requested", { organisation: org.name, title: action.title });
  });
}

/** NGO staff confirm the revision they saw; the company is told. */
export async function confirmAction(db: Db, actor: Actor, actionId: string, revision: number, body?: string) {
  const action = await loadAction(db, actionId, null);
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    await moveConfirmation(trx, action, ["requested"], revision, { confirmation: "confirmed", confirmed_revision: revision, confirmed_at: now, confirmed_by: actor.userId });
    await trx.insertInto("collab_comment").values({ id: newId(), action_id: actionId, kind: "confirmed", author_user_id: actor.userId, by_staff: 1, body: body?.trim() ?? "", created_at: now }).execute();
    await recordAudit(trx, actor, { action: "collab.confirmed", organisationId: action.organisationId, targetType: "collab_action", targetId: actionId, details: { revision } });
    await mailCompany(trx, action.organisationId, actionId, "collab_confirmed", { organisation: action.organisationName, title: action.title });
  });
}

/** NGO staff ask for changes, saying what (a comment is required); the company is told. */
export async function askForChanges(db: Db, actor: Actor, actionId: string, revision: number, body: string) {
  if (!body.trim()) throw new AppError("collab_comment_required", 400, { fieldErrors: { body: "collab_comment_required" } });
  const action = await loadAction(db, actionId, null);
  await db.transaction().execute(async (trx) => {
    await moveConfirmation(trx, action, ["requested"], revision, { confirmation: "changes_requested" });
    await trx.insertInto("collab_comment").values({ id: newId(), action_id: actionId, kind: "changes_requested", author_user_id: actor.userId, by_staff: 1, body: body.trim(), created_at: Date.now() }).execute();
    await recordAudit(trx, actor, { action: "collab.changes_requested", organisationId: action.organisationId, targetType: "collab_action", targetId: actionId, details: { revision } });
    await mailCompany(trx, action.organisationId, actionId, "collab_changes_requested", { organisation: action.organisationName, title: action.title, comment: body.trim() });
  });
}

/**
 * A comment in the action's thread, which both sides see. `organisationId` is the company's
 * tenancy check; staff pass null (and the company's people are told of a staff comment).
 */
export async function addActionComment(db: Db, actor: Actor, organisationId: string | null, actionId: string, body: string) {
  if (organisationId !== null) await activeOrganisation(db, organisationId);
  const action = await loadAction(db, actionId, organisationId);
  const byStaff = organisationId === null;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("collab_comment").values({ id: newId(), action_id: actionId, kind: "comment", author_user_id: actor.userId, by_staff: byStaff ? 1 : 0, body: body.trim(), created_at: Date.now() }).execute();
    await recordAudit(trx, actor, { action: "collab.commented", organisationId: action.organisationId, targetType: "collab_action", targetId: actionId, details: { byStaff } });
    if (byStaff) await mailCompany(trx, action.organisationId, actionId, "collab_commented", { organisation: action.organisationName, title: action.title, comment: body.trim() });
  });
}

/** The company's partner managers, and whoever logged the action if still a member. */
async function companyPeople(db: Db, organisationId: string, actionId: string) {
  const managers = await db
    .selectFrom("membership")
    .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
    .innerJoin("user", "user.id", "membership.user_id")
    .select(["user.id", "user.email", "user.name", "user.locale"])
    .where("membership.organisation_id", "=", organisationId)
    .where("membership_role.role", "=", "partner_manager")
    .where("user.disabled_at", "is", null)
    .execute();
  const creator = await db
    .selectFrom("collab_action as a")
    .innerJoin("user", "user.id", "a.created_by")
    .innerJoin("membership", (join) => join.onRef("membership.user_id", "=", "user.id").onRef("membership.organisation_id", "=", "a.organisation_id"))
    .select(["user.id", "user.email", "user.name", "user.locale"])
    .where("a.id", "=", actionId)
    .where("user.disabled_at", "is", null)
    .executeTakeFirst();
  const all = new Map(managers.map((m) => [m.id, m]));
  if (creator) all.set(creator.id, creator);
  return [...all.values()];
}

async function mailCompany(trx: Db, organisationId: string, actionId: string, template: MailTemplate, params: Record<string, string>) {
  for (const person of await companyPeople(trx, organisationId, actionId)) {
    await queueMail(trx, { to: person.email, language: toLanguage(person.locale), template, params: { name: person.name, ...params }, link: `${getEnv().APP_URL}/app/collaboration/${actionId}` });
  }
}

async function mailStaff(trx: Db, actionId: string, template: MailTemplate, params: Record<string, string>) {
  const staff = await trx.selectFrom("user").select(["email", "name", "locale"]).where("staff_role", "is not", null).where("disabled_at", "is", null).execute();
  for (const s of staff) {
    await queueMail(trx, { to: s.email, language: toLanguage(s.locale), template, params: { name: s.name, ...params }, link: `${getEnv().APP_URL}/staff/collaboration/${actionId}` });
  }
}

export interface ActionDetail {
  action: ActionRecord;
  targets: TargetRef[];
  files: { id: string; fileName: string; mime: string; size: number; sha256: string; createdAt: number }[];
  comments: { id: string; kind: "comment" | "changes_requested" | "confirmed"; body: string; byStaff: boolean; authorName: string | null; createdAt: number }[];
  revisions: { revision: number; changes: Change[]; byStaff: boolean; byName: string | null; at: number }[];
}

/** One action with its targets, files, comment thread and history. Staff pass null as organisation. */
export async function getAction(db: Db, actionId: string, organisationId: string | null): Promise<ActionDetail> {
  const action = await loadAction(db, actionId, organisationId);
  const [targets, files, comments, revisions] = await Promise.all([
    targetsOf(db, actionId),
    db.selectFrom("collab_file").select(["id", "file_name", "mime", "size", "sha256", "created_at"]).where("action_id", "=", actionId).orderBy("created_at").orderBy("id").execute(),
    db
      .selectFrom("collab_comment as c")
      .leftJoin("user as u", "u.id", "c.author_user_id")
      .select(["c.id", "c.kind", "c.body", "c.by_staff", "c.created_at", "u.name as author_name"])
      .where("c.action_id", "=", actionId)
      .orderBy("c.created_at")
      .orderBy("c.id")
      .execute(),
    db
      .selectFrom("collab_revision as r")
      .leftJoin("user as u", "u.id", "r.by_user_id")
      .select(["r.revision", "r.changes", "r.by_staff", "r.at", "u.name as by_name"])
      .where("r.action_id", "=", actionId)
      .orderBy("r.revision", "desc")
      .execute(),
  ]);
  return {
    action,
    targets,
    files: files.map((f) => ({ id: f.id, fileName: f.file_name, mime: f.mime, size: Number(f.size), sha256: f.sha256, createdAt: Number(f.created_at) })),
    comments: comments.map((c) => ({ id: c.id, kind: c.kind, body: c.body, byStaff: Number(c.by_staff) === 1, authorName: c.author_name, createdAt: Number(c.created_at) })),
    revisions: revisions.map((r) => ({ revision: Number(r.revision), changes: fromJson<Change[]>(r.changes, []), byStaff: Number(r.by_staff) === 1, byName: r.by_name, at: Number(r.at) })),
  };
}

export interface ActionFilter {
  type?: ActionType;
  status?: ActionStatus;
  confirmation?: CollabConfirmation;
  year?: number;
  q?: string;
  /** Keyset cursor: `<starts_on>_<id>` of the last action of the previous page. */
  after?: string;
}

export function parseActionCursor(value: string | undefined) {
  const match = /^(\d{4}-\d{2}-\d{2})_([0-9a-f-]{36})$/.exec(value ?? "");
  return match ? { startsOn: match[1]!, id: match[2]! } : undefined;
}

/**
 * Actions, newest start first, in keyset pages: one company's (its timeline) or, for staff with
 * `organisationId` null, every company's. Returns a page and the cursor of the next, if any.
 */
export async function listActions(db: Db, organisationId: string | null, filter: ActionFilter, limit = 50) {
  let q = db.selectFrom("collab_action as a").innerJoin("organisation as o", "o.id", "a.organisation_id").leftJoin("user as u", "u.id", "a.created_by").select(RECORD_COLUMNS);
  if (organisationId !== null) q = q.where("a.organisation_id", "=", organisationId);
  if (filter.type) q = q.where("a.type", "=", filter.type);
  if (filter.status) q = q.where("a.status", "=", filter.status);
  if (filter.confirmation) q = q.where("a.confirmation", "=", filter.confirmation);
  if (filter.year) q = q.where("a.year", "=", filter.year);
  if (filter.q) {
    const text = filter.q;
    q = q.where((eb) => eb.or([like("a.title", text), like("a.description", text), ...(organisationId === null ? [like("o.name", text)] : [])]));
  }
  const cursor = parseActionCursor(filter.after);
  if (cursor) q = q.where((eb) => eb.or([eb("a.starts_on", "<", cursor.startsOn), eb.and([eb("a.starts_on", "=", cursor.startsOn), eb("a.id", "<", cursor.id)])]));
  const rows = await q.orderBy("a.starts_on", "desc").orderBy("a.id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit).map((r) => toRecord(r as RecordRow));
  const last = page[page.length - 1];
  return { actions: page, next: rows.length > limit && last ? `${last.startsOn}_${last.id}` : null };
}

/** Every action a filter finds (for CSV), in pages of a thousand. */
export async function* allActions(db: Db, organisationId: string | null, filter: Omit<ActionFilter, "after">) {
  let after: string | undefined;
  do {
    const { actions, next } = await listActions(db, organisationId, { ...filter, after }, 1000);
    yield* actions;
    after = next ?? undefined;
  } while (after);
}

/** The NGO's queue: actions awaiting confirmation, the longest waiting first, in keyset pages. */
export async function listConfirmationQueue(db: Db, after?: string, limit = 50) {
  let q = db
    .selectFrom("collab_action as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .leftJoin("user as u", "u.id", "a.created_by")
    .select(RECORD_COLUMNS)
    .where("a.confirmation", "=", "requested");
  const match = /^(\d{1,15})_([0-9a-f-]{36})$/.exec(after ?? "");
  if (match) {
    const at = Number(match[1]);
    const id = match[2]!;
    q = q.where((eb) => eb.or([eb("a.requested_at", ">", at), eb.and([eb("a.requested_at", "=", at), eb("a.id", ">", id)])]));
  }
  const rows = await q.orderBy("a.requested_at").orderBy("a.id").limit(limit + 1).execute();
  const page = rows.slice(0, limit).map((r) => toRecord(r as RecordRow));
  const last = page[page.length - 1];
  return { actions: page, next: rows.length > limit && last ? `${last.requestedAt}_${last.id}` : null };
}

/** What an action can address: the organisation's plan items and the gaps of its latest assessment. */
export async function targetChoices(db: Db, organisationId: string, language: Language) {
  const items = await db.selectFrom("improvement_item").select(["id", "action"]).where("organisation_id", "=", organisationId).orderBy("created_at").limit(200).execute();
  const choices: { value: TargetRef; label: string; kind: "plan_item" | "assessment_gap" }[] = items.map((i) => ({ value: `plan_item:${i.id}`, label: i.action, kind: "plan_item" }));
  const latest = await db.selectFrom("assessment").select("id").where("organisation_id", "=", organisationId).orderBy("year", "desc").limit(1).executeTakeFirst();
  if (latest) {
    const { gaps } = resultsOf(await loadAssessment(db, latest.id, organisationId));
    for (const g of gaps) choices.push({ value: `assessment_gap:${latest.id}:${g.question.id}`, label: g.question.text[language], kind: "assessment_gap" });
  }
  return choices;
}

/**
 * The years a list can be filtered by: from the first action's year to the last's (one organisation's,
 * or all for staff), and this year, newest first. Min and max come from the ends of an index, so this
 * stays cheap however many actions there are.
 */
export async function actionYears(db: Db, organisationId: string | null) {
  // Two queries: SQLite reads min() or max() from an index's end only when it is alone.
  const end = async (which: "min" | "max") => {
    let q = db.selectFrom("collab_action").select((eb) => eb.fn[which]("starts_on").as("day"));
    if (organisationId !== null) q = q.where("organisation_id", "=", organisationId);
    const row = await q.executeTakeFirst();
    return row?.day ? Number(String(row.day).slice(0, 4)) : null;
  };
  const now = new Date().getUTCFullYear();
  const first = (await end("min")) ?? now;
  const last = (await end("max")) ?? now;
  const years: number[] = [];
  for (let y = Math.max(last, now); y >= Math.min(first, now); y--) years.push(y);
  return years;
}

/**
 * What the NGO has confirmed of an organisation's actions that started in a period (YYYY-MM-DD,
 * inclusive): each action as it was at its confirmed revision, even if it has changed since (and
 * awaits a new confirmation). This is what a commitment report may show.
 */
export async function confirmedActions(db: Db, organisationId: string, period: { from: string; to: string }) {
  const rows = await db
    .selectFrom("collab_action as a")
    .innerJoin("collab_revision as r", (join) => join.onRef("r.action_id", "=", "a.id").onRef("r.revision", "=", "a.confirmed_revision"))
    .select(["a.id", "a.confirmed_revision", "a.confirmed_at", "a.revision", "a.on_behalf", "r.content"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.confirmed_revision", "is not", null)
    .where("a.starts_on", ">=", period.from)
    .where("a.starts_on", "<=", period.to)
    .orderBy("a.starts_on")
    .orderBy("a.id")
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      confirmedRevision: Number(r.confirmed_revision),
      confirmedAt: Number(r.confirmed_at),
      changedSince: Number(r.revision) !== Number(r.confirmed_revision),
      onBehalf: Number(r.on_behalf) === 1,
      content: fromJson<RevisionContent | null>(r.content, null),
    }))
    .filter((r): r is typeof r & { content: RevisionContent } => r.content !== null && r.content.startsOn >= period.from && r.content.startsOn <= period.to);
}

/**
 * Every action of a year for the commitment report, in date order: a confirmed action as the NGO
 * confirmed it (later unconfirmed edits are not shown as confirmed), any other as it stands now.
 */
export async function actionsOfPeriod(db: Db, organisationId: string, year: number) {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const [rows, confirmed] = await Promise.all([
    db.selectFrom("collab_action as a").select(["a.id", ...CONTENT_COLUMNS]).where("a.organisation_id", "=", organisationId).where("a.starts_on", ">=", from).where("a.starts_on", "<=", to).execute(),
    confirmedActions(db, organisationId, { from, to }),
  ]);
  const byId = new Map(confirmed.map((c) => [c.id, c]));
  return rows
    .map((r) => {
      const c = byId.get(r.id);
      return c ? { id: r.id, confirmed: true, content: c.content as ActionContent } : { id: r.id, confirmed: false, content: contentOf(r) };
    })
    .sort((a, b) => a.content.startsOn.localeCompare(b.content.startsOn) || a.id.localeCompare(b.id));
}
