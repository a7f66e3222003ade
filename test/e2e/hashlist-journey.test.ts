/**
 * Journey: hash-list access for an engineer. Staff approve the company, create a list and grant it;
 * the company's admin accepts the data-use agreement; the admin, who is also the engineer, turns on
 * two-factor verification, creates an API key, copies it from the page, and the reference client
 * (scripts/hashlist-sync.ts) syncs the test list with it and verifies the checksum.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { addOwnRoles, approvedCompanyAndStaff, button, enableTwoFactor, field, heading, newCompany, newStaff } from "./support/flows";
import { ROOT } from "./support/portal";
import { nextTotpCode } from "./support/totp";

const e2e = usePortal();

describe("hash-list journey", () => {
  it("staff grant a list, the admin accepts the agreement, the engineer creates a key and the reference client syncs with it", async () => {
    const company = newCompany("hashar", "hosting");
    const staff = newStaff("hashar");
    const c = await e2e.open({ label: "company" });
    const s = await e2e.open({ label: "staff" });
    await approvedCompanyAndStaff(e2e.portal, c, s, company, staff);
    const orgPage = s.url().pathname;

    // ── Staff create a list and grant it to the company ───────────────────────────────────────
    await s.goto("/staff/hashlists");
    await heading(s, sv.staffHashlists.title).waitFor();
    await field(s, sv.staffHashlists.slug).fill("hosting");
    await field(s, sv.staffHashlists.nameSv).fill("Hostinglistan");
    await field(s, sv.staffHashlists.nameEn).fill("Hosting list");
    await s.submit(button(s, sv.staffHashlists.createSubmit), { url: at(/^\/staff\/hashlists\/\d+$/, { notice: "hashlist_created" }) });
    await s.goto(orgPage);
    await s.page.getByRole("checkbox", { name: /Hostinglistan/ }).check();
    await s.submit(button(s, sv.staffHashlists.grantSubmit), { url: at(orgPage, { notice: "hashlist_grants_saved" }) });

    // ── The admin reads and accepts the agreement ──────────────────────────────────────────────
    await c.goto("/app");
    const mainNav = c.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await c.follow(mainNav.getByRole("link", { name: sv.hashlistAccess.nav, exact: true }), at("/app/hashlist"));
    await heading(c, sv.hashlistAccess.title).waitFor();
    await c.page.getByText(sv.hashlistAccess.gaps.agreement_not_accepted).waitFor();
    await c.page.getByRole("checkbox", { name: sv.hashlistAccess.acceptConfirm.replace("{{organisation}}", company.organisationName) }).check();
    await c.submit(button(c, sv.hashlistAccess.accept), { url: at("/app/hashlist", { notice: "agreement_accepted" }) });
    await c.page.getByText(sv.hashlistAccess.active).waitFor();

    // ── The admin is also the engineer: the role, two-factor verification, then a key ──────────
    await addOwnRoles(c, company.adminName, ["engineer"]);
    await c.goto("/account/two-factor");
    await enableTwoFactor(c, nextTotpCode);
    await c.goto("/app/api-keys");
    await heading(c, sv.apiKeys.title).waitFor();
    await field(c, sv.apiKeys.create.name).fill("Uppladdningsflödet");
    await c.page.getByRole("group", { name: sv.apiKeys.create.scopes }).getByRole("checkbox", { name: /hashlist:read/ }).check();
    await c.page.getByRole("group", { name: sv.apiKeys.create.lists }).getByRole("checkbox", { name: /Testlista/ }).check();
    await c.submit(button(c, sv.apiKeys.create.submit), { until: c.page.getByLabel(sv.apiKeys.secret.label) });
    const secret = await c.page.getByLabel(sv.apiKeys.secret.label).inputValue();
    expect(secret).toMatch(/^pphl_[0-9A-Za-z]{38}$/);
    // Shown once: the key list has only its display part.
    await c.goto("/app/api-keys");
    expect(await c.page.content()).not.toContain(secret);
    await c.page.getByText(`${secret.slice(0, 9)}…`).waitFor();

    // The documentation for engineers is linked from the access page (and public).
    await c.goto("/app/hashlist");
    await c.follow(c.page.getByRole("main").getByRole("link", { name: sv.hashlistAccess.toDocs, exact: true }), at("/developers"));
    await heading(c, sv.developers.title).waitFor();

    // ── The reference client syncs the test list with the copied key ───────────────────────────
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-e2e-sync-"));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/hashlist-sync.ts", "--url", e2e.portal.url, "--list", "test", "--dir", dir], {
        cwd: ROOT,
        env: { ...process.env, PARTNERPORTALEN_API_KEY: secret },
      });
      expect(stdout).toMatch(/Snapshot of "test": 20 entries at checkpoint \d+, checksum verified\./);
      expect(fs.readFileSync(path.join(dir, "test.csv"), "utf8").split("\n")[0]).toBe("algorithm,value,quality,category");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    c.expectEveryPageChecked();
    s.expectEveryPageChecked();
  });
});
