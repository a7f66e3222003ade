/**
 * Journey 4: the language switch in the header turns the portal English (html lang="en", English
 * texts, still accessible); and on a phone-sized screen the start page and the sign-in page fit
 * without horizontal scrolling.
 */
import { describe, expect, it } from "vitest";
import { en } from "~/modules/i18n/locales/en";
import { sv } from "~/modules/i18n/locales/sv";
import { at, PortalPage, usePortal } from "./support/browser";
import { button } from "./support/flows";

const e2e = usePortal();

const open = e2e.open;

const lang = (p: PortalPage) => p.page.locator("html").getAttribute("lang");
const h1 = (p: PortalPage, name: string) => p.page.getByRole("heading", { level: 1, name, exact: true });

function widths(p: PortalPage) {
  return p.page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

describe("English and a phone-sized screen", () => {
  it("switches to English with the header button; the pages are English and accessible", async () => {
    const p = await open({ label: "English" });
    await p.goto("/login");
    expect(await lang(p)).toBe("sv");
    await h1(p, sv.login.title).waitFor();

    // The switch posts to /lang and comes back to the same page, now in English.
    const toEnglish = p.page.getByRole("banner").getByRole("button", { name: sv.language.switchTo.en, exact: true });
    await p.submit(toEnglish, { until: p.page.locator('html[lang="en"]') });
    expect(p.url().pathname).toBe("/login");
    expect(await lang(p)).toBe("en");
    await h1(p, en.login.title).waitFor();
    await p.page.getByLabel(en.fields.password, { exact: true }).waitFor();

    // The choice is remembered: other pages are English too, refused forms included.
    await p.goto("/");
    expect(await lang(p)).toBe("en");
    await h1(p, en.landing.title).waitFor();

    await p.goto("/register");
    expect(await lang(p)).toBe("en");
    await h1(p, en.register.title).waitFor();
    await p.submit(button(p, en.register.submit), { until: p.page.getByText(en.errors.must_confirm) });
    await p.page.getByText(en.errors.required).first().waitFor();

    // And back to Swedish.
    const toSwedish = p.page.getByRole("banner").getByRole("button", { name: en.language.switchTo.sv, exact: true });
    await p.submit(toSwedish, { until: p.page.locator('html[lang="sv"]') });
    await h1(p, sv.register.title).waitFor();

    p.expectEveryPageChecked();
  });

  it("fits a 390×844 phone screen without horizontal scrolling", async () => {
    const p = await open({ label: "phone", viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });

    await p.goto("/");
    await h1(p, sv.landing.title).waitFor();
    const start = await widths(p);
    expect(start.innerWidth).toBe(390);
    expect(start.scrollWidth, "the start page scrolls sideways").toBeLessThanOrEqual(start.innerWidth);

    await p.follow(p.page.getByRole("main").getByRole("link", { name: sv.landing.login, exact: true }), at("/login"));
    await h1(p, sv.login.title).waitFor();
    const login = await widths(p);
    expect(login.innerWidth).toBe(390);
    expect(login.scrollWidth, "the sign-in page scrolls sideways").toBeLessThanOrEqual(login.innerWidth);

    p.expectEveryPageChecked();
  });
});
