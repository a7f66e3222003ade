import type { Db } from "#db/dialect";
import { reviewAssessment, saveAnswers, startAssessment, submitAssessment } from "~/modules/assessments/assessments.server";
import { addGapsToPlan, listPlan, updatePlanItem } from "~/modules/assessments/plan.server";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { confirmAction, createAction, requestConfirmation } from "~/modules/collaboration/collaboration.server";
import { currentCommitment, signCommitment } from "~/modules/reports/reports.server";
import { newId } from "~/utils/ids";
import { training } from "./collaboration";
import { createUser, PASSWORD } from "./factories";
import { fixtureAnswers, publishFixtures } from "./frameworks";
import { companyWithAccess, keyFor, setUpHashLists } from "./hashlist";

export const YEAR = new Date().getUTCFullYear();
export const actorFor = (u: { id: string; email: string }): Actor & { userId: string } => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.5" });

export const HISTORY_ACTIONS = 12;
export const HISTORY_CONFIRMED = 5;

/**
 * An approved company with years of history: approved assessments of the three earlier years (stored
 * as the NGO decided them: the portal starts only last year's and later) and this year's through the
 * services, an improvement plan from the gaps, twelve collaborative actions this year of which five
 * are confirmed, hash-list access with a key that has synchronised, and the commitment signed.
 */
export async function companyWithHistory(db: Db, options: { name?: string } = {}) {
  await publishFixtures(db);
  const { industry } = await setUpHashLists(db);
  const company = await companyWithAccess(db, [industry.id], { name: options.name ?? "Historia Hosting AB" });
  const org = company.organisation.id;
  const officer = actorFor(company.members.compliance_officer);
  const staffUser = await createUser(db, { staffRole: "staff", name: "Stina Granskare" });
  const staff = actorFor(staffUser);

  const now = Date.now();
  for (const [year, score] of [
    [YEAR - 3, 31],
    [YEAR - 2, 44],
    [YEAR - 1, 52],
  ] as const) {
    await db
      .insertInto("assessment")
      .values({
        id: newId(),
        organisation_id: org,
        year,
        status: "approved",
        previous_assessment_id: null,
        score,
        maturity_level: 1,
        section_scores: JSON.stringify({ "core.policy": score, "core.products": score - 5 }),
        row_version: 1,
        started_by: null,
        submitted_at: now,
        submitted_by: null,
        decided_at: now,
        decided_by: staffUser.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const { id: assessmentId } = await startAssessment(db, officer, org, { year: YEAR, extraModules: [] });
  await saveAnswers(db, officer, org, assessmentId, fixtureAnswers("2"));
  await submitAssessment(db, officer, org, assessmentId);
  await reviewAssessment(db, staff, assessmentId, { decision: "approve", comments: [] });

  await addGapsToPlan(db, officer, org, assessmentId, "sv");
  const [first] = await listPlan(db, org);
  await updatePlanItem(db, officer, org, first!.id, { action: first!.action, ownerUserId: null, dueDate: `${YEAR}-06-30`, status: "done", baseVersion: first!.version });

  const manager = actorFor(company.members.partner_manager);
  const actionIds: string[] = [];
  for (let i = 0; i < HISTORY_ACTIONS; i++) {
    const month = String((i % 12) + 1).padStart(2, "0");
    const content =
      i % 3 === 1
        ? training({ type: "donation", title: `Gåva nummer ${i + 1}`, startsOn: `${YEAR}-${month}-05`, endsOn: null, peopleTrained: null, amount: 10_000 * (i + 1), currency: "SEK", status: "done" })
        : training({ title: `Utbildning nummer ${i + 1}`, startsOn: `${YEAR}-${month}-02`, endsOn: `${YEAR}-${month}-03`, peopleTrained: 10 + i, status: "done" });
    actionIds.push(await createAction(db, manager, org, content, []));
  }
  for (const id of actionIds.slice(0, HISTORY_CONFIRMED)) {
    await requestConfirmation(db, manager, org, id, 1);
    await confirmAction(db, staff, id, 1);
  }

  const key = await keyFor(db, company, { listIds: [industry.id] });
  await db.updateTable("api_key").set({ last_used_at: now - 3_600_000 }).where("organisation_id", "=", org).execute();

  const commitment = (await currentCommitment(db))!;
  await signCommitment(db, officer, org, { period: YEAR, versionId: commitment.id, language: "sv", signerTitle: "Regelefterlevnadsansvarig", password: PASSWORD });

  return { ...company, assessmentId, staffUser, staff, officer, key, commitment };
}
