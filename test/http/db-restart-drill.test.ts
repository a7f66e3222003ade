/**
 * The drill "the database restarts under load" (scripts/drills/db-restart.ts) on a throwaway MariaDB:
 * readiness red within 5 s of the outage and green within 5 s of recovery, no crash, at most one
 * failed request per pooled connection after recovery, no acknowledged write lost. Part of the
 * MariaDB run (TEST_DATABASE_URL); needs Debian's mariadb-server for the throwaway server.
 */
import { describe, expect, it } from "vitest";
import { runDbRestartDrill } from "../../scripts/drills/db-restart";
import { engine } from "../support/db";
import { mariadbAvailable } from "../support/mariadb";

describe.runIf(engine === "mysql" && mariadbAvailable)("drill: the database restarts under load", () => {
  it("stays up, reports readiness within the bounds and loses no acknowledged write", async () => {
    const lines: string[] = [];
    const report = await runDbRestartDrill({ log: (l) => lines.push(l) });
    expect(report.checks.filter((c) => !c.ok), lines.join("\n")).toEqual([]);
    expect(report.writesAcknowledged).toBeGreaterThan(0);
  }, 180_000);
});
