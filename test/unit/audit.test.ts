/**
 * Reading `npm audit --json` (scripts/security/audit.ts): the CI step fails on high and critical
 * advisories, and says "not checked" only when the registry refuses the audit endpoint.
 */
import { describe, expect, it } from "vitest";
import { readAudit } from "../../scripts/security/audit";

const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(Object.entries(vulnerabilities).map(([name, v]) => [name, { name, severity: v.severity, isDirect: true, via: [], effects: [], range: "*", nodes: [`node_modules/${name}`], fixAvailable: true }])),
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts }, dependencies: { prod: 120, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 120 } },
  });

describe("reading npm audit", () => {
  it("passes a report without high or critical advisories", () => {
    expect(readAudit(report({ low: 2, moderate: 1, total: 3 }, { a: { severity: "low" }, b: { severity: "moderate" } }))).toMatchObject({ kind: "clean" });
  });

  it("fails on a high or a critical advisory and names the packages", () => {
    const outcome = readAudit(report({ high: 1, critical: 1, low: 1, total: 3 }, { lodash: { severity: "high" }, minimist: { severity: "critical" }, ms: { severity: "low" } }));
    expect(outcome).toEqual({ kind: "vulnerable", counts: expect.objectContaining({ high: 1, critical: 1 }), packages: ["lodash (high)", "minimist (critical)"] });
  });

  it("says the registry refused the endpoint (as the registry these machines reach does), and fails on anything else", () => {
    const refused = JSON.stringify({ message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", method: "POST", statusCode: 405, body: "", error: { summary: "", detail: "" } });
    expect(readAudit(refused)).toMatchObject({ kind: "unavailable" });
    expect(readAudit(JSON.stringify({ message: "request to https://registry.npmjs.org failed, reason: getaddrinfo ENOTFOUND", error: { summary: "" } }))).toMatchObject({ kind: "error" });
    expect(readAudit(JSON.stringify({ statusCode: 500, message: "500 Internal Server Error" }))).toMatchObject({ kind: "error" });
    expect(readAudit("npm ERR! something")).toMatchObject({ kind: "error" });
  });
});
