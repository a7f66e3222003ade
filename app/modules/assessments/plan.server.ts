/**
 * The improvement plan: actions made from an assessment's gaps (or added by hand), each with an
 * owner, a due date, a status and progress notes. It belongs to the organisation and carries on from
 * year to year.
 */
import type { Db } from "#db/dialect";
import type { ImprovementStatus } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import type { Language } from "~/modules/i18n/i18n";
import { AppError } from "~/utils/errors";
import { PLAN_STATUSES_LIST } from "./plan-statuses";
import { newId } from "~/utils/ids";
import { loadAssessment, resultsOf } from "./assessments.server";

export const PLAN_STATUSES: readonly ImprovementStatus[] = PLAN_STATUSES_LIST;

export async function listPlan(db: Db, organisationId: string) {
  const items = await db
    .selectFrom("improvement_item as i")
    .leftJoin("user as u", "u.id", "i.owner_user_id")
    .leftJoin("assessment as a", "a.id", "i.source_assessment_id")
    .select(["i.id", "i.action", "i.question_id", "i.due_date", "i.status", "i.version", "i.created_at", "i.updated_at", "i.owner_user_id", "u.name as owner_name", "a.year as source_year"])
    .where("i.organisation_id", "=", organisationId)
    .orderBy("i.status")
    .orderBy("i.due_date")
    .orderBy("i.created_at")
    .execute();
  const notes = items.length
    ? await db
        .selectFrom("improvement_note as n")
        .leftJoin("user as u", "u.id", "n.author_user_id")
        .select(["n.id", "n.item_id", "n.body", "n.created_at", "u.name as author_name"])
        .where("n.item_id", "in", items.map((i) => i.id))
        .orderBy("n.created_at")
        .execute()
    : [];
  return items.map((i) => ({
    id: i.id,
    action: i.action,
    questionId: i.question_id,
    dueDate: i.due_date,
    status: i.status,
    version: Number(i.version),
    ownerUserId: i.owner_user_id,
    ownerName: i.owner_name,
    sourceYear: i.source_year === null ? null : Number(i.source_year),
    updatedAt: Number(i.updated_at),
    notes: notes.filter((n) => n.item_id === i.id).map((n) => ({ id: n.id, body: n.body, createdAt: Number(n.created_at), authorName: n.author_name })),
  }));
}

async function assertOwnerIsMember(db: Db, organisationId: string, ownerUserId: string | null | undefined) {
  if (!ownerUserId) return;
  const member = await db.selectFrom("membership").select("id").where("organisation_id", "=", organisationId).where("user_id", "=", ownerUserId).executeTakeFirst();
  if (!member) throw new AppError("plan_owner_not_member", 400, { fieldErrors: { ownerUserId: "plan_owner_not_member" } });
}

export interface PlanItemInput {
  action: string;
  ownerUserId?: string | null;
  dueDate?: string | null;
  status?: ImprovementStatus;
}

export async function addPlanItem(db: Db, actor: Actor, organisationId: string, input: PlanItemInput & { questionId?: string | null; sourceAssessmentId?: string | null }) {
  await assertOwnerIsMember(db, organisationId, input.ownerUserId);
  if (input.sourceAssessmentId) await loadAssessment(db, input.sourceAssessmentId, organisationId);
  return db.transaction().execute(async (trx) => {
    const id = newId();
    const now = Date.now();
    await trx
      .insertInto("improvement_item")
      .values({
        id,
        organisation_id: organisationId,
        source_assessment_id: input.sourceAssessmentId ?? null,
        question_id: input.questionId ?? null,
        action: input.action,
        owner_user_id: input.ownerUserId ?? null,
        due_date: input.dueDate ?? null,
        status: input.status ?? "open",
        version: 1,
        created_at: now,
        created_by: actor.userId,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, actor, { action: "plan.item_added", organisationId, targetType: "improvement_item", targetId: id, details: { questionId: input.questionId ?? null } });
    return id;
  });
}

/**
 * Makes plan items from an assessment's gaps, the costliest first: one per gap that has no open item
 * yet, with the question's recommendation (in the given language) as the action.
 */
export async function addGapsToPlan(db: Db, actor: Actor, organisationId: string, assessmentId: string, language: Language) {
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  const { gaps } = resultsOf(loaded);
  const existing = await db
    .selectFrom("improvement_item")
    .select("question_id")
    .where("organisation_id", "=", organisationId)
    .where("status", "in", ["open", "in_progress"])
    .execute();
  const covered = new Set(existing.map((e) => e.question_id));
  const fresh = gaps.filter((g) => !covered.has(g.question.id));
  if (fresh.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    await trx
      .insertInto("improvement_item")
      .values(
        fresh.map((g, i) => ({
          id: newId(),
          organisation_id: organisationId,
          source_assessment_id: assessmentId,
          question_id: g.question.id,
          action: (g.recommendation ?? g.question.text)[language].slice(0, 1000),
          owner_user_id: null,
          due_date: null,
          status: "open" as const,
          version: 1,
          created_at: now + i,
          created_by: actor.userId,
          updated_at: now,
        })),
      )
      .execute();
    await recordAudit(trx, actor, { action: "plan.items_from_gaps", organisationId, targetType: "assessment", targetId: assessmentId, details: { count: fresh.length } });
  });
  return fresh.length;
}

/** Changes an item; refused with a conflict when someone else changed it since `baseVersion`. */
export async function updatePlanItem(db: Db, actor: Actor, organisationId: string, itemId: string, input: Required<PlanItemInput> & { baseVersion: number }) {
  await assertOwnerIsMember(db, organisationId, input.ownerUserId);
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom("improvement_item").select(["id", "version", "status"]).where("id", "=", itemId).where("organisation_id", "=", organisationId).executeTakeFirst();
    if (!item) throw new AppError("not_found", 404);
    const result = await trx
      .updateTable("improvement_item")
      .set({ action: input.action, owner_user_id: input.ownerUserId, due_date: input.dueDate, status: input.status, version: input.baseVersion + 1, updated_at: Date.now() })
      .where("id", "=", itemId)
      .where("version", "=", input.baseVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("conflict", 409);
    await recordAudit(trx, actor, { action: "plan.item_updated", organisationId, targetType: "improvement_item", targetId: itemId, details: { from: item.status, to: input.status } });
  });
}

export async function addPlanNote(db: Db, actor: Actor, organisationId: string, itemId: string, body: string) {
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom("improvement_item").select("id").where("id", "=", itemId).where("organisation_id", "=", organisationId).executeTakeFirst();
    if (!item) throw new AppError("not_found", 404);
    await trx.insertInto("improvement_note").values({ id: newId(), item_id: itemId, author_user_id: actor.userId, body, created_at: Date.now() }).execute();
    await trx.updateTable("improvement_item").set({ updated_at: Date.now() }).where("id", "=", itemId).execute();
    await recordAudit(trx, actor, { action: "plan.note_added", organisationId, targetType: "improvement_item", targetId: itemId });
  });
}
