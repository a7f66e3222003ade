/**
 * Journey 3: without JavaScript the portal still works. The registration form is answered by the
 * server with translated messages at the fields (empty form, invalid organisation number), the
 * company can then register and confirm its address, and signing in and out works.
 */
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, PortalPage, usePortal } from "./support/browser";
import { button, field, fillRegistration, heading, newCompany, signIn, signOut, verifyEmail } from "./support/flows";

const e2e = usePortal();

/** The message shown at a field: the text of the error its aria-describedby points to. */
async function errorAt(p: PortalPage, label: string): Promise<string | null> {
  const input = field(p, label);
  if ((await input.getAttribute("aria-invalid")) !== "true") return null;
  const ids = ((await input.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  for (const id of ids) {
    const described = p.page.locator(`[id="${id}"]`);
    if ((await described.getAttribute("class"))?.split(" ").includes("error")) return (await described.innerText()).trim();
  }
  return null;
}

describe("without JavaScript", () => {
  it("shows translated field errors on registration, then registers, confirms and signs in", async () => {
    const company = newCompany("utan-js");
    const p = await e2e.open({ label: "no JavaScript", javaScriptEnabled: false });

    // ── An empty form: the server answers at each field, in Swedish ──────────────────────────
    await p.goto("/register");
    await heading(p, sv.register.title).waitFor();
    await p.submit(button(p, sv.register.submit), { until: p.page.getByText(sv.errors.must_confirm) });
    expect(p.url().pathname).toBe("/register");
    await p.page.getByRole("alert").getByText(sv.errors.fix_fields).waitFor();
    expect(await errorAt(p, sv.fields.organisationName)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.orgNumber)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.industry)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.sizeBand)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.name)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.workEmail)).toBe(sv.errors.required);
    expect(await errorAt(p, sv.fields.newPassword)).toBe(sv.errors.too_short.replace("{{n}}", "12"));
    expect(await errorAt(p, sv.fields.website)).toBeNull();

    // ── An organisation number whose check digit is wrong ──────────────────────────────────────
    const [digits, check] = company.orgNumber.split("-") as [string, string];
    const wrongCheckDigit = `${digits}-${check.slice(0, 3)}${(Number(check[3]) + 1) % 10}`;
    await fillRegistration(p, company, { orgNumber: wrongCheckDigit });
    await p.submit(button(p, sv.register.submit), { until: p.page.getByText(sv.errors.org_number_se) });
    expect(await errorAt(p, sv.fields.orgNumber)).toBe(sv.errors.org_number_se);
    expect(await errorAt(p, sv.fields.organisationName)).toBeNull();
    expect(await errorAt(p, sv.fields.newPassword)).toBeNull();

    // ── Corrected: the application is sent, the address confirmed ──────────────────────────────
    await fillRegistration(p, company);
    await p.submit(button(p, sv.register.submit), { url: at("/verify-email", { sent: "1" }) });
    await p.page.getByText(sv.verifyEmail.sent).waitFor();
    await verifyEmail(p, company.adminEmail);

    // ── Signing in: a wrong password is refused, the right one signs in ──────────────────────
    await field(p, sv.fields.email).fill(company.adminEmail);
    await field(p, sv.fields.password).fill(`${company.password}-fel`);
    await p.submit(button(p, sv.login.submit), { until: p.page.getByRole("alert").getByText(sv.errors.login_failed) });
    await signIn(p, company.adminEmail, company.password, at("/app"));
    await heading(p, sv.appHome.greeting.replace("{{name}}", company.adminName)).waitFor();
    await p.page.getByRole("main").getByText(sv.statuses.applied, { exact: true }).waitFor();
    await signOut(p);

    p.expectEveryPageChecked();
  });
});
