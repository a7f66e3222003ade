import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { loadAssessment, startAssessment } from "~/modules/assessments/assessments.server";
import { readFrameworkFiles } from "~/modules/frameworks/files.server";
import { compareFrameworkFiles, getCurrentFrameworks, listFrameworkVersions, publishFramework, publishMissingFrameworks } from "~/modules/frameworks/frameworks.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { auditActions, createCompany } from "../support/factories";
import { FIXTURE_FRAMEWORKS, publishFixtures } from "../support/frameworks";

const ctx = useTestDb();
const actor = systemActor("test");

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

function copyFixtures() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-frameworks-"));
  for (const f of fs.readdirSync(FIXTURE_FRAMEWORKS)) fs.copyFileSync(path.join(FIXTURE_FRAMEWORKS, f), path.join(dir, f));
  return dir;
}

function editCore(dir: string, change: (core: any) => void) {
  const file = path.join(dir, "core.json");
  const core = JSON.parse(fs.readFileSync(file, "utf8"));
  change(core);
  fs.writeFileSync(file, JSON.stringify(core));
}

describe("framework versions", () => {
  it("are immutable: a changed file needs a new version; assessments keep the version they started on", async () => {
    await publishFixtures(ctx.db);
    const { organisation, members } = await createCompany(ctx.db);
    const year = new Date().getUTCFullYear();
    const { id } = await startAssessment(ctx.db, { ...actor, userId: members.compliance_officer.id }, organisation.id, { year, extraModules: [] });

    const dir = copyFixtures();
    await expectCode(publishFramework(ctx.db, actor, "core", readFrameworkFiles(dir)), "framework_already_published");
    editCore(dir, (core) => (core.sections[0].questions[0].text.en = "Do you have a written policy?"));
    expect((await compareFrameworkFiles(ctx.db, readFrameworkFiles(dir))).find((f) => f.file === "core.json")?.state).toBe("unchanged_version_changed_content");
    await expectCode(publishFramework(ctx.db, actor, "core", readFrameworkFiles(dir)), "framework_version_not_bumped");
    editCore(dir, (core) => (core.version = "2026.2"));
    await publishFramework(ctx.db, actor, "core", readFrameworkFiles(dir));
    expect((await getCurrentFrameworks(ctx.db)).get("core")?.version).toBe("2026.2");
    expect((await listFrameworkVersions(ctx.db)).filter((v) => v.frameworkId === "core").map((v) => [v.version, v.assessments])).toEqual([
      ["2026.2", 0],
      ["2026.1", 1],
    ]);
    // The assessment started before still shows the question as it was.
    const loaded = await loadAssessment(ctx.db, id, organisation.id);
    expect(loaded.frameworks[0]!.version).toBe("2026.1");
    expect(loaded.questions.get("core.policy.has")?.text.en).toBe("Do you have a policy?");
    expect(await auditActions(ctx.db)).toContain("framework.published");

    editCore(dir, (core) => (core.version = "2025.9"));
    await expectCode(publishFramework(ctx.db, actor, "core", readFrameworkFiles(dir)), "framework_older");
    editCore(dir, (core) => {
      core.version = "2026.3";
      core.sections[0].questions[0].weight = 0;
    });
    await expectCode(publishFramework(ctx.db, actor, "core", readFrameworkFiles(dir)), "framework_invalid");
  });

  it("a new portal publishes every framework that has never been published, once", async () => {
    expect((await publishMissingFrameworks(ctx.db, actor, FIXTURE_FRAMEWORKS)).sort()).toEqual(["core 2026.1", "hosting 2026.1", "travel 2026.1"]);
    expect(await publishMissingFrameworks(ctx.db, actor, FIXTURE_FRAMEWORKS)).toEqual([]);
  });
});
