/**
 * Journey 2: a company user turns on two-factor verification from /account/two-factor; signing in
 * then asks for a code (/login/two-factor). A wrong code is refused with a translated message; a
 * code from the authenticator, or else a recovery code, completes the sign-in.
 */
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { button, enableTwoFactor, field, heading, newCompany, registerCompany, signIn, signOut, verifyEmail } from "./support/flows";
import { nextTotpCode, wrongTotpCode } from "./support/totp";

const e2e = usePortal();

describe("two-factor verification for a company user", () => {
  it("enrols, then signs in with a code; a wrong code is refused; a recovery code works too", async () => {
    const company = newCompany("tva");
    const p = await e2e.open({ label: "company user" });

    await registerCompany(p, company);
    await verifyEmail(p, company.adminEmail);
    await signIn(p, company.adminEmail, company.password, at("/app"));

    // ── Enrolment: Mitt konto → Tvåstegsverifiering ───────────────────────────────────────────
    await p.follow(p.page.getByRole("banner").getByRole("link", { name: sv.nav.account, exact: true }), at("/account"));
    await p.follow(p.page.getByRole("main").getByRole("link", { name: sv.account.twoFactor, exact: true }), at("/account/two-factor"));
    await heading(p, sv.twoFactor.title).waitFor();
    await p.page.getByRole("img", { name: sv.twoFactor.qrAlt }).waitFor();
    const { secret, recoveryCodes } = await enableTwoFactor(p, nextTotpCode);
    await p.follow(p.page.getByRole("link", { name: sv.twoFactor.codesSaved, exact: true }), at("/app"));
    // The overview no longer suggests turning it on.
    await heading(p, sv.appHome.greeting.replace("{{name}}", company.adminName)).waitFor();
    expect(await p.page.getByRole("heading", { name: sv.appHome.steps.enable2fa.title }).count()).toBe(0);
    await signOut(p);

    // ── Sign-in asks for the second factor; a wrong code is refused, in Swedish ────────────────
    await signIn(p, company.adminEmail, company.password, at("/login/two-factor"));
    await heading(p, sv.twoFactorLogin.title).waitFor();
    await field(p, sv.fields.code).fill(wrongTotpCode(secret));
    await p.submit(button(p, sv.twoFactorLogin.submit), { until: p.page.getByRole("alert").getByText(sv.errors.code_invalid) });
    expect(p.url().pathname).toBe("/login/two-factor");
    expect(await field(p, sv.fields.code).getAttribute("aria-invalid")).toBe("true");
    // Not signed in: the portal's pages still send the person back to the second step.
    expect(await p.page.getByRole("banner").getByRole("button", { name: sv.nav.logout }).count()).toBe(0);

    // The code the authenticator shows (from a time step not used before) completes the sign-in.
    await field(p, sv.fields.code).fill(await nextTotpCode(secret));
    await p.submit(button(p, sv.twoFactorLogin.submit), { url: at("/app") });
    await heading(p, sv.appHome.greeting.replace("{{name}}", company.adminName)).waitFor();
    await signOut(p);

    // ── Without the phone: a recovery code, used once ──────────────────────────────────────────
    await signIn(p, company.adminEmail, company.password, at("/login/two-factor"));
    await field(p, sv.fields.code).fill(recoveryCodes[0]!);
    await p.submit(button(p, sv.twoFactorLogin.submit), { url: at("/app") });
    await heading(p, sv.appHome.greeting.replace("{{name}}", company.adminName)).waitFor();
    await p.goto("/account/two-factor");
    await p.page.getByText(sv.twoFactor.enabled).waitFor();
    await p.page.getByText(sv.twoFactor.remaining_other.replace("{{count}}", "9")).waitFor();

    p.expectEveryPageChecked();
  });
});
