import path from "node:path";
import type { Db } from "#db/dialect";
import { systemActor } from "~/modules/audit/audit.server";
import type { AnswerChange } from "~/modules/assessments/assessments.server";
import { readFrameworkFiles } from "~/modules/frameworks/files.server";
import { publishFramework } from "~/modules/frameworks/frameworks.server";

/** Small frameworks for tests (a core, hosting and travel): independent of the real content. */
export const FIXTURE_FRAMEWORKS = path.resolve("test/fixtures/frameworks");

export async function publishFixtures(db: Db) {
  const files = readFrameworkFiles(FIXTURE_FRAMEWORKS);
  for (const id of ["core", "hosting", "travel"]) await publishFramework(db, systemActor("test"), id, files);
}

/** Answers to the fixture core and hosting questions (all first saves), the maturity ones at `level`. */
export const fixtureAnswers = (level: string): AnswerChange[] => [
  { questionId: "core.policy.has", value: "yes", baseVersion: 0 },
  { questionId: "core.policy.maturity", value: level, baseVersion: 0 },
  { questionId: "core.products.detection", value: "partial", baseVersion: 0 },
  { questionId: "core.products.reporting", value: ["form"], baseVersion: 0 },
  { questionId: "core.products.trained", value: "10", baseVersion: 0 },
  { questionId: "hosting.takedown.process", value: level, baseVersion: 0 },
];
