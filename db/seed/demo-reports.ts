import type { Db } from "#db/dialect";
import { systemActor } from "~/modules/audit/audit.server";
import { currentCommitment, issueReport, signCommitment } from "~/modules/reports/reports.server";

/**
 * Every approved demo company signs the commitment for the year of its newest approved assessment
 * (else this year) and has that year's report issued, so that each one verifies at /verify/<id>.
 * Runs after the agreements are published (seedDemoHashlists).
 */
export async function seedDemoReports(db: Db, password: string): Promise<number> {
  const commitment = await currentCommitment(db);
  if (!commitment) throw new Error("The commitment text (db/agreements/commitment.json) is not published.");
  const thisYear = new Date().getUTCFullYear();
  const organisations = await db.selectFrom("organisation").select(["id", "name"]).where("status", "=", "approved").orderBy("name").execute();
  for (const org of organisations) {
    const signer = await db
      .selectFrom("membership as m")
      .innerJoin("membership_role as r", "r.membership_id", "m.id")
      .innerJoin("user as u", "u.id", "m.user_id")
      .select(["u.id", "u.email"])
      .where("m.organisation_id", "=", org.id)
      .where("r.role", "in", ["compliance_officer", "org_admin"])
      .orderBy("r.role", "desc")
      .orderBy("u.email")
      .executeTakeFirst();
    if (!signer) continue;
    const latest = await db
      .selectFrom("assessment")
      .select("year")
      .where("organisation_id", "=", org.id)
      .where("status", "=", "approved")
      .orderBy("year", "desc")
      .executeTakeFirst();
    const period = Math.max(Number(latest?.year ?? thisYear), thisYear - 1);
    const actor = { ...systemActor(), userId: signer.id, label: signer.email };
    await signCommitment(db, actor, org.id, { period, versionId: commitment.id, language: "sv", signerTitle: "Regelefterlevnadsansvarig", password });
    await issueReport(db, actor, org.id, { period, language: "sv", trigger: "request" });
  }
  return organisations.length;
}
