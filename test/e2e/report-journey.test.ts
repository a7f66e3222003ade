/**
 * Journey: the commitment report. A registered and approved company's admin signs the commitment
 * (a missing password is refused at the field first), issues the year's report in English, downloads
 * the PDF and checks it on the public verification page as a visitor would: dropping the genuine file
 * (the browser computes its SHA-256) says it matches, an altered copy says it does not, and without
 * JavaScript a pasted hash is checked by the server. Staff then withdraw the report (a reason is
 * required), and the public page says it is withdrawn. axe-core checks every page on the way.
 */
import fs from "node:fs";
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { approvedCompanyAndStaff, button, field, heading, newCompany, newStaff } from "./support/flows";

const e2e = usePortal();

describe("commitment report journey", () => {
  it("signs the commitment, issues and downloads the report, and verifies it publicly", async () => {
    const company = newCompany("rapport");
    const staff = newStaff("rapport");
    const year = new Date().getUTCFullYear();

    const c = await e2e.open({ label: "company" });
    const s = await e2e.open({ label: "staff" });
    await approvedCompanyAndStaff(e2e.portal, c, s, company, staff);
    await c.goto("/app");

    // ── Sign the commitment ────────────────────────────────────────────────────────────────
    const mainNav = c.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await c.follow(mainNav.getByRole("link", { name: sv.nav.reports, exact: true }), at("/app/reports"));
    await heading(c, sv.reports.title).waitFor();
    await c.page.getByText(sv.reports.none).waitFor();
    await c.follow(c.page.getByRole("link", { name: sv.reports.toSign, exact: true }), at("/app/commitment"));
    await c.page.getByRole("heading", { name: "Åtagande mot sexuell exploatering av barn" }).waitFor();
    await field(c, sv.commitment.signerTitle).fill("Verkställande direktör");
    await c.page.getByRole("checkbox", { name: sv.commitment.confirm.replace("{{organisation}}", company.organisationName) }).check();
    await c.submit(button(c, sv.commitment.sign), { until: c.page.getByText(sv.errors.reconfirm_required) });
    expect(c.url().pathname).toBe("/app/commitment");
    await field(c, sv.commitment.password).fill(company.password);
    await c.submit(button(c, sv.commitment.sign), { url: at("/app/commitment", { notice: "commitment_signed" }) });
    await c.page.getByRole("cell", { name: `${company.adminName}, Verkställande direktör` }).waitFor();

    // ── Issue the report in English and download it ──────────────────────────────────────────
    await c.follow(c.page.getByRole("link", { name: `← ${sv.reports.title}` }), at("/app/reports"));
    await c.page.getByText(sv.reports.signedFor.replace("{{periods}}", String(year))).waitFor();
    await field(c, sv.reports.language).selectOption("en");
    await c.submit(button(c, sv.reports.issue), { url: at(/^\/app\/reports\/[a-z2-7]{26}$/, { notice: "report_issued" }) });
    const id = c.url().pathname.split("/").pop()!;
    await c.page.getByText(sv.notices.report_issued).waitFor();
    const [download] = await Promise.all([c.page.waitForEvent("download"), c.page.getByRole("link", { name: sv.reports.download }).click()]);
    const pdf = fs.readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const sha256 = crypto.createHash("sha256").update(pdf).digest("hex");
    await c.page.getByText(sha256).waitFor();

    // ── A visitor verifies it: the browser hashes the dropped file ───────────────────────────
    const v = await e2e.open({ label: "visitor" });
    await v.goto(`/verify/${id}`);
    await heading(v, sv.verify.title).waitFor();
    await v.page.getByText(company.organisationName).waitFor();
    await v.page.getByLabel(sv.verify.fileLabel, { exact: true }).setInputFiles({ name: "rapport.pdf", mimeType: "application/pdf", buffer: pdf });
    await v.page.getByText(sv.verify.match).waitFor();
    const altered = Buffer.from(pdf);
    altered[altered.length >> 1] = altered[altered.length >> 1]! ^ 0x20;
    await v.page.getByLabel(sv.verify.fileLabel, { exact: true }).setInputFiles({ name: "andrad.pdf", mimeType: "application/pdf", buffer: altered });
    await v.page.getByText(sv.verify.mismatch).waitFor();
    await v.checkPage();

    // ── Without JavaScript: the pasted hash is checked by the server ─────────────────────────
    const n = await e2e.open({ label: "visitor without JavaScript", javaScriptEnabled: false });
    await n.goto(`/verify/${id}`);
    expect(await n.page.getByLabel(sv.verify.fileLabel, { exact: true }).count()).toBe(0);
    await field(n, sv.verify.pasteLabel).fill(sha256);
    await n.submit(button(n, sv.verify.check), { until: n.page.getByText(sv.verify.match) });

    // ── Staff withdraw it with a reason; the public page says so from then on ─────────────────
    const staffNav = s.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await s.follow(staffNav.getByRole("link", { name: sv.nav.reports, exact: true }), at("/staff/reports"));
    await s.follow(s.page.getByRole("row", { name: new RegExp(company.organisationName) }).getByRole("link"), at(`/staff/reports/${id}`));
    await s.submit(button(s, sv.staffReports.withdraw), { until: s.page.getByText(sv.errors.report_reason_required) });
    await field(s, sv.staffReports.reason).fill("Självskattningen behöver granskas om.");
    await s.submit(button(s, sv.staffReports.withdraw), { url: at(`/staff/reports/${id}`, { notice: "report_withdrawn" }) });
    await n.goto(`/verify/${id}`);
    await n.page.getByText(sv.verify.withdrawnNote).waitFor();
    expect(await n.page.getByText("Självskattningen behöver granskas om.").count()).toBe(0);

    for (const p of [c, s, v, n]) p.expectEveryPageChecked();
  });
});
