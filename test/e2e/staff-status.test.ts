/**
 * Staff see the status page from the navigation, with JavaScript and without it (the same session
 * in a script-less browser), and axe-core finds nothing on it either way.
 */
import { describe, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { heading, newStaff, staffWithTwoFactor } from "./support/flows";

const e2e = usePortal();

describe("staff status page", () => {
  it("is reached from the staff navigation and works without JavaScript", async () => {
    const s = await e2e.open({ label: "staff" });
    await staffWithTwoFactor(e2e.portal, s, newStaff("status"));
    const nav = s.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await s.follow(nav.getByRole("link", { name: sv.ops.nav, exact: true }), at("/staff/status"));
    await heading(s, sv.ops.title).waitFor();
    await s.page.getByRole("heading", { level: 2, name: sv.ops.jobs }).waitFor();
    await s.page.getByText("hashlist-staleness", { exact: true }).waitFor();
    s.expectEveryPageChecked();

    const plain = await e2e.open({ label: "staff, no JavaScript", javaScriptEnabled: false });
    await plain.context.addCookies(await s.context.cookies());
    await plain.goto("/staff/status");
    await heading(plain, sv.ops.title).waitFor();
    await plain.page.getByRole("heading", { level: 2, name: sv.ops.hashLists }).waitFor();
    await plain.page.getByText(sv.ops.migrationsCurrent).waitFor();
    plain.expectEveryPageChecked();
  });
});
