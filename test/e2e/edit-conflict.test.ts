/**
 * Two admins edit the company profile at once, with JavaScript (ADR 18): the second save, based on
 * the page as it was, is refused with the translated conflict message and changes nothing; the page
 * is then read again (shouldRevalidate), so it shows the other person's change and the form carries
 * the current version: saving again is a decision taken after seeing it, and goes through.
 */
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { button, field, newCompany, registerCompany, signIn, verifyEmail } from "./support/flows";

const e2e = usePortal();

describe("an edit conflict with JavaScript", () => {
  it("refuses the stale save with a message, shows the other change, and takes the next save", async () => {
    const company = newCompany("konflikt");
    const a = await e2e.open({ label: "first tab" });
    await registerCompany(a, company);
    await verifyEmail(a, company.adminEmail);
    await signIn(a, company.adminEmail, company.password, at("/app"));
    const b = await e2e.open({ label: "second tab" });
    await signIn(b, company.adminEmail, company.password, at("/app"));
    await a.goto("/app/organisation");
    await b.goto("/app/organisation");
    const version = () => b.page.locator('input[name="baseVersion"]').inputValue();
    expect(await version()).toBe("1");

    // The first saves a new name.
    const renamed = `${company.organisationName} (nytt namn)`;
    await field(a, sv.fields.organisationName).fill(renamed);
    await a.submit(button(a, sv.actions.save), { url: at("/app/organisation", { notice: "saved" }) });

    // The second, from the page as it was, changes the website: refused, nothing saved.
    await field(b, sv.fields.website).fill("https://andra.example");
    await b.submit(button(b, sv.actions.save), { until: b.page.getByRole("alert").getByText(sv.errors.conflict) });
    expect(b.url().pathname).toBe("/app/organisation");
    // Read again: the other person's name is on the page, and the form carries the current version.
    await b.page.getByText(renamed).first().waitFor();
    expect(await version()).toBe("2");
    expect(await field(b, sv.fields.website).inputValue()).toBe("https://andra.example");

    // Saved again after seeing it (the name as it now is): it goes through, both changes kept.
    await field(b, sv.fields.organisationName).fill(renamed);
    await b.submit(button(b, sv.actions.save), { url: at("/app/organisation", { notice: "saved" }) });
    await b.goto("/app/organisation");
    expect(await field(b, sv.fields.organisationName).inputValue()).toBe(renamed);
    expect(await field(b, sv.fields.website).inputValue()).toBe("https://andra.example");
  });
});
