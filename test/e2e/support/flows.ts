/**
 * Steps that several journeys share, done as a person does them: through the pages, with the labels
 * and button texts the person sees (taken from the translation files, so a missing text fails too).
 * Every step goes through PortalPage, so every page on the way is checked with axe.
 */
import { expect } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import type { Industry } from "~/modules/organisations/schema";
import { at, type PortalPage } from "./browser";
import type { Portal } from "./portal";
import { nextTotpCode } from "./totp";

let orgNumberSeed = 0;

/** A Swedish organisation number with a valid Luhn check digit, different for each call. */
export function validOrgNumber(): string {
  const body = `55${String((Date.now() + orgNumberSeed++ * 7919) % 10_000_000).padStart(7, "0")}`;
  for (let check = 0; check < 10; check++) {
    const digits = `${body}${check}`;
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
      if (d > 9) d -= 9;
      sum += d;
    }
    if (sum % 10 === 0) return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  }
  throw new Error("unreachable: one check digit always fits");
}

/** Long, uncommon and unrelated to the person: accepted by the password policy. */
export const PASSWORD = "Lingonris-Fyrtorn-Kanelbulle-73";

export interface Company {
  organisationName: string;
  orgNumber: string;
  adminName: string;
  adminEmail: string;
  password: string;
  /** The industry chosen at registration (its framework module comes with every assessment). */
  industry: Industry;
}

export function newCompany(tag: string, industry: Industry = "hosting"): Company {
  const unique = `${tag}-${Date.now().toString(36)}`;
  return {
    organisationName: `Testbolaget ${unique} AB`,
    orgNumber: validOrgNumber(),
    adminName: "Astrid Andersson",
    adminEmail: `astrid.${unique}@foretag.example`,
    password: PASSWORD,
    industry,
  };
}

export const field = (p: PortalPage, label: string) => p.page.getByLabel(label, { exact: true });
export const button = (p: PortalPage, name: string) => p.page.getByRole("button", { name, exact: true });
export const heading = (p: PortalPage, name: string) => p.page.getByRole("heading", { level: 1, name, exact: true });

/** Fills in the whole registration form; `overrides` replace single answers. */
export async function fillRegistration(p: PortalPage, company: Company, overrides: { orgNumber?: string; password?: string } = {}) {
  await field(p, sv.fields.organisationName).fill(company.organisationName);
  await field(p, sv.fields.country).selectOption("SE");
  await field(p, sv.fields.orgNumber).fill(overrides.orgNumber ?? company.orgNumber);
  await field(p, sv.fields.industry).selectOption(company.industry);
  await field(p, sv.fields.website).fill("https://foretag.example");
  await field(p, sv.fields.sizeBand).selectOption("10-49");
  await field(p, sv.fields.name).fill(company.adminName);
  await field(p, sv.fields.workEmail).fill(company.adminEmail);
  await field(p, sv.fields.newPassword).fill(overrides.password ?? company.password);
  await p.page.getByLabel(sv.register.confirm).check();
}

/** /register → the application is sent → /verify-email?sent=1. */
export async function registerCompany(p: PortalPage, company: Company) {
  await p.goto("/register");
  await fillRegistration(p, company);
  await p.submit(button(p, sv.register.submit), { url: at("/verify-email", { sent: "1" }) });
  await p.page.getByText(sv.verifyEmail.sent).waitFor();
}

/** The outbox's mail links to `to`, newest first. */
export function mailLinks(p: PortalPage, to: string, pathContains: string) {
  return p.page.locator(`a[data-mail-to="${to}"]`).filter({ hasText: pathContains });
}

/** Opens the outbox and follows the newest link to `to` whose address contains `pathContains`. */
export async function followMailLink(p: PortalPage, to: string, pathContains: string) {
  await p.goto("/dev/outbox");
  const link = mailLinks(p, to, pathContains).first();
  await link.waitFor();
  const href = await link.getAttribute("href");
  expect(href).toBeTruthy();
  await p.follow(link, (url) => url.href === href);
}

/** The subjects of the mail to `to` in the outbox, newest first. */
export async function mailSubjects(p: PortalPage, to: string): Promise<string[]> {
  await p.goto("/dev/outbox");
  return p.page
    .locator("article")
    .filter({ has: p.page.locator(`a[data-mail-to="${to}"]`) })
    .locator("h2")
    .allInnerTexts();
}

/** The verification mail's link → the confirm button → /login?notice=email_verified. */
export async function verifyEmail(p: PortalPage, email: string) {
  await followMailLink(p, email, "/verify-email?token=");
  await p.page.getByText(sv.verifyEmail.confirmText).waitFor();
  await p.submit(button(p, sv.verifyEmail.confirm), { url: at("/login", { notice: "email_verified" }) });
  await p.page.getByText(sv.notices.email_verified).waitFor();
}

/** Signs in on /login (opened first unless already there) and waits for the page it leads to. */
export async function signIn(p: PortalPage, email: string, password: string, landsOn: (url: URL) => boolean) {
  if (p.url().pathname !== "/login") await p.goto("/login");
  await field(p, sv.fields.email).fill(email);
  await field(p, sv.fields.password).fill(password);
  await p.submit(button(p, sv.login.submit), { url: landsOn });
}

/** The header's sign-out button → the start page with the "signed out" notice. */
export async function signOut(p: PortalPage) {
  const logout = p.page.getByRole("banner").getByRole("button", { name: sv.nav.logout, exact: true });
  await p.submit(logout, { url: at("/", { notice: "signed_out" }) });
  await p.page.getByText(sv.notices.signed_out).waitFor();
  await p.page.getByRole("banner").getByRole("link", { name: sv.nav.login, exact: true }).waitFor();
}

/** On /account/two-factor before enrolment: reads the key, enters a code, gets the recovery codes. */
export async function enableTwoFactor(p: PortalPage, codeFor: (secret: string) => Promise<string>) {
  const secret = (await p.page.getByTestId("totp-secret").innerText()).trim();
  expect(secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
  await field(p, sv.fields.code).fill(await codeFor(secret));
  await p.submit(button(p, sv.twoFactor.enable), { until: p.page.getByRole("heading", { name: sv.twoFactor.codesTitle }) });
  const recoveryCodes = await p.page.locator("ul.codes li").allInnerTexts();
  expect(recoveryCodes).toHaveLength(10);
  return { secret, recoveryCodes };
}

export interface Staff {
  name: string;
  email: string;
}

export function newStaff(tag: string): Staff {
  return { name: "Sara Handläggare", email: `sara.${tag}-${Date.now().toString(36)}@ngo.example` };
}

/**
 * NGO staff made with the create-staff script: the set-password link it prints, a password, the
 * forced two-factor enrolment, and the staff overview (/staff). The page stays signed in.
 */
export async function staffWithTwoFactor(portal: Portal, s: PortalPage, staff: Staff) {
  const setPasswordLink = await portal.createStaff({ email: staff.email, name: staff.name, admin: true });
  await s.goto(setPasswordLink);
  await heading(s, sv.resetPassword.setTitle).waitFor();
  await field(s, sv.fields.newPassword).fill(PASSWORD);
  await s.submit(button(s, sv.resetPassword.submit), { url: at("/login", { notice: "password_set" }) });
  await signIn(s, staff.email, PASSWORD, at("/account/two-factor", { required: "1" }));
  await s.page.getByText(sv.twoFactor.requiredStaff).waitFor();
  await enableTwoFactor(s, nextTotpCode);
  await s.follow(s.page.getByRole("link", { name: sv.twoFactor.codesSaved, exact: true }), at("/staff"));
  await heading(s, sv.staffHome.greeting.replace("{{name}}", staff.name)).waitFor();
}

/** Staff on /staff: the application in the queue → approved, with a reason. */
export async function approveApplication(s: PortalPage, organisationName: string) {
  const queue = s.page.locator("section", { has: s.page.getByRole("heading", { name: sv.staffHome.queue }) });
  await s.follow(queue.getByRole("link", { name: organisationName, exact: true }), at(/^\/staff\/organisations\/[^/]+$/));
  await field(s, sv.fields.reason).fill("Uppgifterna är kontrollerade mot Bolagsverket. Välkomna som partner!");
  await s.submit(button(s, sv.decisions.approve), { url: at(/^\/staff\/organisations\/[^/]+$/, { notice: "decision_approve" }) });
  await s.page.getByRole("heading", { level: 1 }).getByText(sv.statuses.approved, { exact: true }).waitFor();
}

/**
 * The start of a journey: the company registers, confirms its address and signs in (page `c`) while
 * NGO staff set their password and enrol two-factor (page `s`); staff approve the application.
 */
export async function approvedCompanyAndStaff(portal: Portal, c: PortalPage, s: PortalPage, company: Company, staff: Staff) {
  await Promise.all([
    (async () => {
      await registerCompany(c, company);
      await verifyEmail(c, company.adminEmail);
      await signIn(c, company.adminEmail, company.password, at("/app"));
    })(),
    staffWithTwoFactor(portal, s, staff),
  ]);
  await approveApplication(s, company.organisationName);
}

/** A company admin on /app/members gives themselves more roles (e.g. compliance officer). */
export async function addOwnRoles(p: PortalPage, name: string, roles: (keyof typeof sv.roles)[]) {
  await p.follow(p.page.getByRole("navigation", { name: sv.layout.mainNavigation }).getByRole("link", { name: sv.nav.members, exact: true }), at("/app/members"));
  await p.follow(p.page.getByRole("link", { name: sv.members.editMember.replace("{{name}}", name), exact: true }), at(/^\/app\/members\/[^/]+$/));
  for (const role of roles) await p.page.getByRole("checkbox", { name: new RegExp(`^${sv.roles[role]}`) }).check();
  await p.submit(button(p, sv.members.saveRoles), { url: at("/app/members", { notice: "roles_changed" }) });
  for (const role of roles) await p.page.getByRole("main").getByRole("cell", { name: new RegExp(sv.roles[role]) }).waitFor();
}
