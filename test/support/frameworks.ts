import path from "node:path";
import type { Db } from "#db/dialect";
import { systemActor } from "~/modules/audit/audit.server";
import { readFrameworkFiles } from "~/modules/frameworks/files.server";
import { publishFramework } from "~/modules/frameworks/frameworks.server";

/** Small frameworks for tests (a core, hosting and travel): independent of the real content. */
export const FIXTURE_FRAMEWORKS = path.resolve("test/fixtures/frameworks");

export async function publishFixtures(db: Db) {
  const files = readFrameworkFiles(FIXTURE_FRAMEWORKS);
  for (const id of ["core", "hosting", "travel"]) await publishFramework(db, systemActor("test"), id, files);
}
