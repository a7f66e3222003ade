/**
 * The yearly self-assessment: started on the framework versions current at the time (kept for
 * ever), answered section by section with every change saved and versioned, submitted, reviewed by
 * NGO staff (approved, or returned with comments), and carried over to the next year.
 */
import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { lockRows } from "#db/lock";
import type { AssessmentStatus } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { ACTIVE_STATUSES } from "~/modules/auth/permissions";
import { checkAnswer } from "~/modules/frameworks/answers";
import type { FrameworkFile, Question } from "~/modules/frameworks/framework-schema";
import { getCurrentFrameworks, getFrameworkVersions, type PublishedFramework } from "~/modules/frameworks/frameworks.server";
import { maturityLevel, scoreAssessment, type AnswerValue, type Results } from "~/modules/frameworks/scoring";
import { toLanguage } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { INDUSTRIES, type Industry } from "~/modules/organisations/schema";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";

export const EDITABLE: AssessmentStatus[] = ["draft", "returned"];

export interface StoredAnswer {
  value: AnswerValue;
  carriedOver: boolean;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface AssessmentRecord {
  id: string;
  organisationId: string;
  year: number;
  status: AssessmentStatus;
  score: number | null;
  maturityLevel: number | null;
  sectionScores: Record<string, number | null>;
  rowVersion: number;
  submittedAt: number | null;
  decidedAt: number | null;
  previousAssessmentId: string | null;
  createdAt: number;
}

export interface LoadedAssessment {
  assessment: AssessmentRecord;
  /** The framework versions the assessment was started on: the core first. */
  frameworks: PublishedFramework[];
  answers: Map<string, StoredAnswer>;
  questions: Map<string, Question>;
}

type AssessmentRow = {
  id: string;
  organisation_id: string;
  year: number;
  status: AssessmentStatus;
  score: number | null;
  maturity_level: number | null;
  section_scores: string | null;
  row_version: number;
  submitted_at: number | null;
  decided_at: number | null;
  previous_assessment_id: string | null;
  created_at: number;
};

const columns = [
  "id",
  "organisation_id",
  "year",
  "status",
  "score",
  "maturity_level",
  "section_scores",
  "row_version",
  "submitted_at",
  "decided_at",
  "previous_assessment_id",
  "created_at",
] as const;

function toRecord(r: AssessmentRow): AssessmentRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    year: Number(r.year),
    status: r.status,
    score: r.score === null ? null : Number(r.score),
    maturityLevel: r.maturity_level === null ? null : Number(r.maturity_level),
    sectionScores: fromJson<Record<string, number | null>>(r.section_scores, {}),
    rowVersion: Number(r.row_version),
    submittedAt: r.submitted_at === null ? null : Number(r.submitted_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    previousAssessmentId: r.previous_assessment_id,
    createdAt: Number(r.created_at),
  };
}

export async function listAssessments(db: Db, organisationId: string): Promise<AssessmentRecord[]> {
  const rows = await db.selectFrom("assessment").select(columns).where("organisation_id", "=", organisationId).orderBy("year", "desc").execute();
  return rows.map(toRecord);
}

/**
 * One assessment with its frameworks and answers. `organisationId` is the tenancy check: an
 * assessment of another organisation is "not found". Staff pass null.
 */
export async function loadAssessment(db: Db, assessmentId: string, organisationId: string | null): Promise<LoadedAssessment> {
  let query = db.selectFrom("assessment").select(columns).where("id", "=", assessmentId);
  if (organisationId !== null) query = query.where("organisation_id", "=", organisationId);
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  const modules = await db.selectFrom("assessment_module").select(["framework_id", "framework_version_id"]).where("assessment_id", "=", assessmentId).execute();
  const versions = await getFrameworkVersions(db, modules.map((m) => m.framework_version_id));
  // The core first, then the organisation's own industry, then any others it added.
  const org = await db.selectFrom("organisation").select("industry").where("id", "=", row.organisation_id).executeTakeFirst();
  const order = (id: string) => (id === "core" ? -2 : id === org?.industry ? -1 : INDUSTRIES.indexOf(id as Industry));
  versions.sort((a, b) => order(a.frameworkId) - order(b.frameworkId));
  const answerRows = await db.selectFrom("assessment_answer").selectAll().where("assessment_id", "=", assessmentId).execute();
  const answers = new Map<string, StoredAnswer>(
    answerRows.map((a) => [
      a.question_id,
      { value: fromJson<AnswerValue>(a.value, ""), carriedOver: Number(a.carried_over) === 1, version: Number(a.version), updatedAt: Number(a.updated_at), updatedBy: a.updated_by },
    ]),
  );
  const questions = new Map<string, Question>();
  for (const v of versions) for (const s of v.framework.sections) for (const q of s.questions) questions.set(q.id, q);
  return { assessment: toRecord(row), frameworks: versions, answers, questions };
}

export function resultsOf(loaded: LoadedAssessment): Results & { maturityLevel: number | null } {
  const values = new Map([...loaded.answers].map(([id, a]) => [id, a.value]));
  const frameworks = loaded.frameworks.map((f) => f.framework);
  const results = scoreAssessment(frameworks, values);
  const core = frameworks.find((f) => f.id === "core");
  return { ...results, maturityLevel: core ? maturityLevel(core, results.overall) : null };
}

async function organisationOf(db: Db, organisationId: string) {
  const org = await db.selectFrom("organisation").select(["id", "name", "industry", "status"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new AppError("not_found", 404);
  if (!ACTIVE_STATUSES.includes(org.status)) throw new AppError("organisation_inactive", 403);
  return org;
}

export function yearRange(now = new Date()) {
  const year = now.getUTCFullYear();
  return { min: year - 1, max: year + 1 };
}

/**
 * Starts the assessment of a year on the current framework versions: the core, the organisation's
 * own industry and any other industries it also works in. Last year's answers come along, marked
 * as carried over until someone confirms them; answers that no longer fit a changed question stay
 * behind.
 */
export async function startAssessment(db: Db, actor: Actor, organisationId: string, input: { year: number; extraModules: Industry[] }) {
  const org = await organisationOf(db, organisationId);
  const { min, max } = yearRange();
  if (input.year < min || input.year > max) throw new AppError("assessment_year", 400, { fieldErrors: { year: "assessment_year" }, params: { min, max } });
  const current = await getCurrentFrameworks(db);
  const core = current.get("core");
  if (!core) throw new AppError("frameworks_missing", 409);
  const moduleIds = ["core", ...new Set([org.industry as Industry, ...input.extraModules])];
  const modules = moduleIds.map((id) => current.get(id)).filter((m): m is PublishedFramework => !!m);

  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom("assessment").select("id").where("organisation_id", "=", organisationId).where("year", "=", input.year).executeTakeFirst();
    if (exists) throw new AppError("assessment_exists", 409, { fieldErrors: { year: "assessment_exists" } });
    const previous = await trx
      .selectFrom("assessment")
      .select(["id", "year"])
      .where("organisation_id", "=", organisationId)
      .where("year", "<", input.year)
      .orderBy("year", "desc")
      .executeTakeFirst();
    const id = newId();
    const now = Date.now();
    await trx
      .insertInto("assessment")
      .values({
        id,
        organisation_id: organisationId,
        year: input.year,
        status: "draft",
        previous_assessment_id: previous?.id ?? null,
        score: null,
        maturity_level: null,
        section_scores: null,
        row_version: 1,
        started_by: actor.userId,
        submitted_at: null,
        submitted_by: null,
        decided_at: null,
        decided_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto("assessment_module")
      .values(modules.map((m) => ({ assessment_id: id, framework_id: m.frameworkId, framework_version_id: m.id })))
      .execute();

    let carried = 0;
    if (previous) {
      const questions = new Map<string, Question>();
      for (const m of modules) for (const s of m.framework.sections) for (const q of s.questions) questions.set(q.id, q);
      const old = await trx.selectFrom("assessment_answer").select(["question_id", "value"]).where("assessment_id", "=", previous.id).execute();
      const rows = old.flatMap((a) => {
        const q = questions.get(a.question_id);
        const check = q ? checkAnswer(q, fromJson<AnswerValue>(a.value, "")) : null;
        return check?.ok && check.value !== null
          ? [{ assessment_id: id, question_id: a.question_id, value: toJson(check.value), carried_over: 1, version: 1, updated_at: now, updated_by: null }]
          : [];
      });
      if (rows.length) await trx.insertInto("assessment_answer").values(rows).execute();
      carried = rows.length;
    }
    await recordAudit(trx, actor, {
      action: "assessment.started",
      organisationId,
      targetType: "assessment",
      targetId: id,
      details: { year: input.year, modules: modules.map((m) => `${m.frameworkId} ${m.framework.version}`), carriedOver: carried },
    });
    return { id, carriedOver: carried };
  });
}

export interface AnswerChange {
  questionId: string;
  /** What the form sent: a string, a list (multiple choice), or nothing (clears the answer). */
  value: unknown;
  /** The version of the answer the person started from (0: there was none). */
  baseVersion: number;
  /** Confirm a carried-over answer without changing it. */
  confirm?: boolean;
}

export interface AnswerConflict {
  questionId: string;
  theirs: AnswerValue | null;
  mine: AnswerValue | null;
  by: string | null;
  at: number | null;
}

function sameValue(a: AnswerValue | null | undefined, b: AnswerValue | null | undefined) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Saves answers. Every change names the version it started from; a change to an answer that someone
 * else has changed since is not written: the whole save is refused with both values, so nobody's
 * work is silently overwritten. Unchanged answers are left alone (a carried-over one is confirmed
 * when asked). Refused input changes nothing.
 */
export async function saveAnswers(db: Db, actor: Actor, organisationId: string, assessmentId: string, changes: AnswerChange[]) {
  await organisationOf(db, organisationId);
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  if (!EDITABLE.includes(loaded.assessment.status)) throw new AppError("assessment_locked", 409);
  const fieldErrors: Record<string, string> = {};
  const checked: { change: AnswerChange; value: AnswerValue | null }[] = [];
  for (const change of changes) {
    const question = loaded.questions.get(change.questionId);
    if (!question) {
      fieldErrors[change.questionId] = "answer_unknown_question";
      continue;
    }
    const result = checkAnswer(question, change.value);
    if (!result.ok) fieldErrors[change.questionId] = result.error;
    else checked.push({ change, value: result.value });
  }
  if (Object.keys(fieldErrors).length) throw new AppError("answers_invalid", 400, { fieldErrors });

  return db.transaction().execute(async (trx) => {
    // Saves of one assessment take turns (MariaDB: before the transaction's first read, so it sees the
    // save before it): two first answers to one question are then a conflict with both values, not a
    // duplicate key or a deadlock. A submission meanwhile locks the assessment against this save.
    await lockRows(trx, { table: "assessment", where: sql`id = ${assessmentId}` });
    const status = await trx.selectFrom("assessment").select("status").where("id", "=", assessmentId).executeTakeFirst();
    if (!status || !EDITABLE.includes(status.status)) throw new AppError("assessment_locked", 409);
    const conflicts: AnswerConflict[] = [];
    const saved: string[] = [];
    const now = Date.now();
    for (const { change, value } of checked) {
      const current = await trx
        .selectFrom("assessment_answer")
        .select(["value", "version", "carried_over", "updated_at", "updated_by"])
        .where("assessment_id", "=", assessmentId)
        .where("question_id", "=", change.questionId)
        .executeTakeFirst();
      const currentValue = current ? fromJson<AnswerValue>(current.value, "") : null;
      const currentVersion = current ? Number(current.version) : 0;
      const unchanged = sameValue(currentValue, value);
      if (unchanged && !(change.confirm && current && Number(current.carried_over) === 1)) continue;
      if (!unchanged && currentVersion !== change.baseVersion) {
        conflicts.push({ questionId: change.questionId, theirs: currentValue, mine: value, by: current?.updated_by ?? null, at: current ? Number(current.updated_at) : null });
        continue;
      }
      if (value === null) {
        const deleted = await trx
          .deleteFrom("assessment_answer")
          .where("assessment_id", "=", assessmentId)
          .where("question_id", "=", change.questionId)
          .where("version", "=", currentVersion)
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) !== 1) throw new AppError("conflict", 409);
      } else if (current) {
        const result = await trx
          .updateTable("assessment_answer")
          .set({ value: toJson(value), carried_over: 0, version: currentVersion + 1, updated_at: now, updated_by: actor.userId })
          .where("assessment_id", "=", assessmentId)
          .where("question_id", "=", change.questionId)
          .where("version", "=", currentVersion)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
      } else {
        await trx
          .insertInto("assessment_answer")
          .values({ assessment_id: assessmentId, question_id: change.questionId, value: toJson(value), carried_over: 0, version: 1, updated_at: now, updated_by: actor.userId })
          .execute();
      }
      saved.push(change.questionId);
    }
    if (conflicts.length) {
      const names = await namesOf(trx, conflicts.map((c) => c.by));
      throw new AppError("answer_conflict", 409, { data: { conflicts: conflicts.map((c) => ({ ...c, by: c.by ? (names.get(c.by) ?? null) : null })) } });
    }
    if (saved.length) {
      // A new row_version: a submission that read the answers before this save is refused as a
      // conflict, rather than storing scores of answers that no longer exist.
      await trx
        .updateTable("assessment")
        .set((eb) => ({ updated_at: now, row_version: eb("row_version", "+", 1) }))
        .where("id", "=", assessmentId)
        .execute();
      await recordAudit(trx, actor, { action: "assessment.answers_saved", organisationId, targetType: "assessment", targetId: assessmentId, details: { questions: saved } });
    }
    return { saved };
  });
}

async function namesOf(db: Db, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await db.selectFrom("user").select(["id", "name"]).where("id", "in", wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Changes the status only if nobody else did meanwhile (row_version). */
async function moveStatus(db: Db, assessment: AssessmentRecord, from: AssessmentStatus[], set: Record<string, unknown>) {
  if (!from.includes(assessment.status)) throw new AppError("assessment_wrong_status", 409);
  const result = await db
    .updateTable("assessment")
    .set({ ...set, row_version: assessment.rowVersion + 1, updated_at: Date.now() })
    .where("id", "=", assessment.id)
    .where("row_version", "=", assessment.rowVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
}

function scoresOf(loaded: LoadedAssessment) {
  const results = resultsOf(loaded);
  return {
    results,
    set: {
      score: results.overall,
      maturity_level: results.maturityLevel,
      section_scores: toJson(Object.fromEntries(results.sections.map((s) => [s.section.id, s.score]))),
    },
  };
}

/**
 * Submits the assessment for review. Refused while a required answer is missing or a carried-over
 * answer is not confirmed; the refusal lists them.
 */
export async function submitAssessment(db: Db, actor: Actor, organisationId: string, assessmentId: string) {
  const org = await organisationOf(db, organisationId);
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  const { results, set } = scoresOf(loaded);
  const unconfirmed = results.questions.filter((q) => q.visible && loaded.answers.get(q.question.id)?.carriedOver).map((q) => q.question.id);
  const missing = results.missing.map((q) => q.question.id);
  if (missing.length || unconfirmed.length) {
    throw new AppError("assessment_incomplete", 400, { params: { missing: missing.length, unconfirmed: unconfirmed.length }, data: { missing, unconfirmed } });
  }
  await db.transaction().execute(async (trx) => {
    await moveStatus(trx, loaded.assessment, EDITABLE, { status: "submitted", submitted_at: Date.now(), submitted_by: actor.userId, ...set });
    await recordAudit(trx, actor, {
      action: "assessment.submitted",
      organisationId,
      targetType: "assessment",
      targetId: assessmentId,
      details: { year: loaded.assessment.year, score: results.overall, maturityLevel: results.maturityLevel },
    });
    const staff = await trx.selectFrom("user").select(["email", "name", "locale"]).where("staff_role", "is not", null).where("disabled_at", "is", null).execute();
    for (const s of staff) {
      await queueMail(trx, {
        to: s.email,
        language: toLanguage(s.locale),
        template: "assessment_submitted",
        params: { name: s.name, organisation: org.name, year: String(loaded.assessment.year) },
        link: `${getEnv().APP_URL}/staff/assessments/${assessmentId}`,
      });
    }
  });
}

export interface ReviewInput {
  decision: "approve" | "return";
  summary?: string;
  comments: { questionId: string | null; body: string }[];
}

/**
 * Staff decide on a submitted assessment: approve it (it is then locked), or return it with
 * comments, at least one, on the assessment or on specific questions. The company's compliance
 * officers and the submitter are told by e-mail.
 */
export async function reviewAssessment(db: Db, actor: Actor, assessmentId: string, input: ReviewInput) {
  const loaded = await loadAssessment(db, assessmentId, null);
  const comments = [...input.comments, ...(input.summary ? [{ questionId: null, body: input.summary }] : [])].filter((c) => c.body.trim());
  for (const c of comments) {
    if (c.questionId && !loaded.questions.has(c.questionId)) throw new AppError("answer_unknown_question", 400);
  }
  if (input.decision === "return" && comments.length === 0) throw new AppError("review_comment_required", 400, { fieldErrors: { summary: "review_comment_required" } });
  const { results, set } = scoresOf(loaded);
  await db.transaction().execute(async (trx) => {
    await moveStatus(trx, loaded.assessment, ["submitted"], { status: input.decision === "approve" ? "approved" : "returned", decided_at: Date.now(), decided_by: actor.userId, ...set });
    const now = Date.now();
    if (comments.length) {
      await trx
        .insertInto("assessment_comment")
        .values(comments.map((c) => ({ id: newId(), assessment_id: assessmentId, question_id: c.questionId, author_user_id: actor.userId, by_staff: 1, body: c.body.trim(), created_at: now, resolved_at: null })))
        .execute();
    }
    await recordAudit(trx, actor, {
      action: input.decision === "approve" ? "assessment.approved" : "assessment.returned",
      organisationId: loaded.assessment.organisationId,
      targetType: "assessment",
      targetId: assessmentId,
      details: { year: loaded.assessment.year, score: results.overall, comments: comments.length },
    });
    const org = await trx.selectFrom("organisation").select("name").where("id", "=", loaded.assessment.organisationId).executeTakeFirstOrThrow();
    for (const person of await peopleConcerned(trx, loaded.assessment.organisationId, assessmentId)) {
      await queueMail(trx, {
        to: person.email,
        language: toLanguage(person.locale),
        template: input.decision === "approve" ? "assessment_approved" : "assessment_returned",
        params: { name: person.name, organisation: org.name, year: String(loaded.assessment.year), score: String(results.overall ?? "–") },
        link: `${getEnv().APP_URL}/app/assessments/${assessmentId}`,
      });
    }
  });
}

/** The organisation's compliance officers and whoever submitted the assessment. */
async function peopleConcerned(db: Db, organisationId: string, assessmentId: string) {
  const officers = await db
    .selectFrom("membership")
    .innerJoin("membership_role", "membership_role.membership_id", "membership.id")
    .innerJoin("user", "user.id", "membership.user_id")
    .select(["user.id", "user.email", "user.name", "user.locale"])
    .where("membership.organisation_id", "=", organisationId)
    .where("membership_role.role", "=", "compliance_officer")
    .where("user.disabled_at", "is", null)
    .execute();
  const submitter = await db
    .selectFrom("assessment")
    .innerJoin("user", "user.id", "assessment.submitted_by")
    .innerJoin("membership", (join) => join.onRef("membership.user_id", "=", "user.id").onRef("membership.organisation_id", "=", "assessment.organisation_id"))
    .select(["user.id", "user.email", "user.name", "user.locale"])
    .where("assessment.id", "=", assessmentId)
    .where("user.disabled_at", "is", null)
    .executeTakeFirst();
  const all = new Map(officers.map((o) => [o.id, o]));
  if (submitter) all.set(submitter.id, submitter);
  return [...all.values()];
}

export async function listComments(db: Db, assessmentId: string) {
  const rows = await db
    .selectFrom("assessment_comment as c")
    .leftJoin("user as u", "u.id", "c.author_user_id")
    .select(["c.id", "c.question_id", "c.body", "c.by_staff", "c.created_at", "c.resolved_at", "u.name as author_name"])
    .where("c.assessment_id", "=", assessmentId)
    .orderBy("c.created_at")
    .orderBy("c.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    questionId: r.question_id,
    body: r.body,
    byStaff: Number(r.by_staff) === 1,
    authorName: r.author_name,
    createdAt: Number(r.created_at),
    resolved: r.resolved_at !== null,
  }));
}

/** A company member replies to a comment thread (on the assessment, or on one question). */
export async function addCompanyComment(db: Db, actor: Actor, organisationId: string, assessmentId: string, input: { questionId: string | null; body: string }) {
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  if (input.questionId && !loaded.questions.has(input.questionId)) throw new AppError("answer_unknown_question", 400);
  await db.transaction().execute(async (trx) => {
    const id = newId();
    await trx
      .insertInto("assessment_comment")
      .values({ id, assessment_id: assessmentId, question_id: input.questionId, author_user_id: actor.userId, by_staff: 0, body: input.body, created_at: Date.now(), resolved_at: null })
      .execute();
    await recordAudit(trx, actor, { action: "assessment.commented", organisationId, targetType: "assessment", targetId: assessmentId, details: { questionId: input.questionId } });
  });
}

/** Staff's review queue: submitted assessments, oldest first. */
export async function listReviewQueue(db: Db) {
  const rows = await db
    .selectFrom("assessment as a")
    .innerJoin("organisation as o", "o.id", "a.organisation_id")
    .select(["a.id", "a.year", "a.status", "a.score", "a.maturity_level", "a.submitted_at", "o.id as organisation_id", "o.name as organisation_name", "o.industry"])
    .where("a.status", "=", "submitted")
    .orderBy("a.submitted_at")
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    year: Number(r.year),
    score: r.score === null ? null : Number(r.score),
    maturityLevel: r.maturity_level === null ? null : Number(r.maturity_level),
    submittedAt: Number(r.submitted_at),
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    industry: r.industry as Industry,
  }));
}

export type { FrameworkFile };
