/**
 * Demo self-assessments: two years of history in different states, answered by the real frameworks
 * (db/frameworks) with believable, deterministic answers, through the same services the portal uses.
 */
import type { Db } from "#db/dialect";
import type { Actor } from "~/modules/audit/audit.server";
import { addCompanyComment, loadAssessment, reviewAssessment, saveAnswers, startAssessment, submitAssessment, type AnswerChange } from "~/modules/assessments/assessments.server";
import { addGapsToPlan, updatePlanItem, listPlan } from "~/modules/assessments/plan.server";
import type { Question } from "~/modules/frameworks/framework-schema";
import type { Industry } from "~/modules/organisations/schema";

/** A small deterministic generator, so the demo is the same every time. */
export function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A believable answer for a company whose practice is at `quality` (0–1). */
function answerFor(q: Question, quality: number, next: () => number, year: number): string | string[] | null {
  const jitter = (next() - 0.5) * 0.5;
  const level = Math.max(0, Math.min(1, quality + jitter));
  switch (q.type) {
    case "maturity":
      return String(Math.round(level * 4));
    case "yes_partly_no":
      if (q.allowNotApplicable && next() < 0.1) return "na";
      return level > 0.66 ? "yes" : level > 0.33 ? "partly" : "no";
    case "single": {
      if (q.allowNotApplicable && next() < 0.1) return "na";
      const best = [...q.options].sort((a, b) => Math.abs(a.score - level) - Math.abs(b.score - level))[0]!;
      return best.id;
    }
    case "multiple": {
      const chosen = q.options.filter((o) => o.score < 1 && next() < level + 0.2).map((o) => o.id);
      if (level > 0.8) chosen.push(q.options.find((o) => o.score === 1)!.id);
      return chosen.length ? chosen : [q.options[0]!.id];
    }
    case "number":
      return String(Math.round(Math.max(q.min, 5 + level * (q.max !== undefined ? Math.min(q.max - q.min, 200) : 200))));
    case "date":
      return `${year}-0${1 + Math.floor(next() * 8)}-1${Math.floor(next() * 9)}`;
    case "text":
      return q.required ? "Se bifogad beskrivning i vår hållbarhetsrapport." : null;
  }
}

export interface DemoAssessmentPlan {
  organisationId: string;
  industry: Industry;
  officer: Actor;
  /** Practice quality per year (0–1) and what state that year's assessment ends in. */
  years: { year: number; quality: number; state: "draft" | "submitted" | "returned" | "approved" }[];
}

export async function seedDemoAssessments(db: Db, staff: Actor, plans: DemoAssessmentPlan[], seed = 7) {
  const next = random(seed);
  for (const plan of plans) {
    for (const { year, quality, state } of plan.years) {
      const { id } = await startAssessment(db, plan.officer, plan.organisationId, { year, extraModules: [] });
      const loaded = await loadAssessment(db, id, plan.organisationId);
      const questions = [...loaded.questions.values()];
      // A draft is half done: carried-over answers stay unconfirmed, the rest are answered.
      const share = state === "draft" ? 0.5 : 1;
      const changes: AnswerChange[] = questions
        .filter((_, i) => state !== "draft" || i / questions.length < share)
        .map((q) => ({ questionId: q.id, value: answerFor(q, quality, next, year), baseVersion: loaded.answers.get(q.id)?.version ?? 0, confirm: true }))
        .filter((c) => c.value !== null);
      await saveAnswers(db, plan.officer, plan.organisationId, id, changes);
      if (state === "draft") continue;
      // Conditions may have shown more questions now that the first answers exist.
      const again = await loadAssessment(db, id, plan.organisationId);
      const more = [...again.questions.values()]
        .filter((q) => !again.answers.has(q.id))
        .map((q) => ({ questionId: q.id, value: answerFor(q, quality, next, year), baseVersion: 0 }))
        .filter((c) => c.value !== null);
      if (more.length) await saveAnswers(db, plan.officer, plan.organisationId, id, more);
      await submitAssessment(db, plan.officer, plan.organisationId, id);
      if (state === "submitted") continue;
      const first = [...again.questions.values()].find((q) => q.weight >= 4);
      await reviewAssessment(db, staff, id, {
        decision: state === "approved" ? "approve" : "return",
        summary: state === "approved" ? "Tack för ett gediget underlag." : "Bra början. Se kommentaren och bifoga gärna er policy.",
        comments: state === "returned" && first ? [{ questionId: first.id, body: "Kan ni beskriva hur detta följs upp under året?" }] : [],
      });
      if (state === "returned" && first) {
        await addCompanyComment(db, plan.officer, plan.organisationId, id, { questionId: first.id, body: "Vi kompletterar med vår uppföljningsrutin." });
      }
      if (state === "approved") {
        await addGapsToPlan(db, plan.officer, plan.organisationId, id, "sv");
        const items = await listPlan(db, plan.organisationId);
        for (const [i, item] of items.slice(0, 3).entries()) {
          await updatePlanItem(db, plan.officer, plan.organisationId, item.id, {
            action: item.action,
            ownerUserId: plan.officer.userId,
            dueDate: `${year + 1}-0${3 + i * 2}-30`,
            status: i === 0 ? "done" : "in_progress",
            baseVersion: item.version,
          });
        }
      }
    }
  }
}
