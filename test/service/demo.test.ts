/**
 * The demo data, as `npm run demo` creates it: every approved demo company has signed its commitment
 * and has a report that verifies (the stored file's SHA-256 is the one the verification page shows,
 * and rendering the stored data again gives the same bytes).
 */
import { describe, expect, it } from "vitest";
import { seedDemo } from "#db/seed/demo";
import { renderReport } from "~/modules/reports/pdf/render.server";
import { listReports, publicReport, reportData, reportFile } from "~/modules/reports/reports.server";
import { sha256Hex } from "~/utils/crypto.server";
import { useTestDb } from "../support/db";

const ctx = useTestDb();

describe("demo data", () => {
  it("gives every approved company a signed commitment and a report that verifies", { timeout: 300_000 }, async () => {
    await seedDemo(ctx.db);
    const approved = await ctx.db.selectFrom("organisation").select(["id", "name"]).where("status", "=", "approved").execute();
    expect(approved.length).toBeGreaterThanOrEqual(6);
    for (const org of approved) {
      const [report] = await listReports(ctx.db, org.id);
      expect(report, `${org.name} has a report`).toBeDefined();
      const file = (await reportFile(ctx.db, report!.id, org.id))!;
      const pub = (await publicReport(ctx.db, report!.id))!;
      expect(pub).toMatchObject({ status: "valid", organisationName: org.name, sha256: sha256Hex(file.content) });
      const data = (await reportData(ctx.db, report!.id))!;
      expect(data.commitment, `${org.name} signed`).not.toBeNull();
      expect(sha256Hex((await renderReport(data)).pdf)).toBe(pub.sha256);
    }
  });
});
