/**
 * Journey 1: a company registers, confirms its address, invites a colleague with a role; the
 * colleague creates an account from the invitation; NGO staff (made with the create-staff script)
 * choose a password, are made to enrol two-factor verification, and approve the application; the
 * company's admin then sees the approved status, and the status mail is in the outbox.
 */
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import {
  button,
  enableTwoFactor,
  field,
  followMailLink,
  heading,
  mailSubjects,
  newCompany,
  PASSWORD,
  registerCompany,
  signIn,
  signOut,
  verifyEmail,
} from "./support/flows";
import { nextTotpCode } from "./support/totp";

const e2e = usePortal();

const open = (label: string) => e2e.open({ label });

describe("company journey", () => {
  it("registers, invites a colleague, is approved by staff with two-factor, and sees the decision", async () => {
    const company = newCompany("resa");
    const colleague = { name: "Bertil Berg", email: `bertil.${Date.now().toString(36)}@foretag.example` };
    const staff = { name: "Sara Handläggare", email: `sara.${Date.now().toString(36)}@ngo.example` };

    // ── The company registers and confirms its address ────────────────────────────────────────
    const c = await open("company");
    await c.goto("/");
    await c.follow(c.page.getByRole("main").getByRole("link", { name: sv.landing.register, exact: true }), at("/register"));
    await registerCompany(c, company);
    await verifyEmail(c, company.adminEmail);

    await signIn(c, company.adminEmail, company.password, at("/app"));
    await heading(c, sv.appHome.greeting.replace("{{name}}", company.adminName)).waitFor();
    await c.page.getByRole("main").getByText(sv.statuses.applied, { exact: true }).waitFor();

    // ── The admin invites a colleague as compliance officer ────────────────────────────────────
    await c.follow(c.page.getByRole("navigation", { name: sv.layout.mainNavigation }).getByRole("link", { name: sv.nav.members, exact: true }), at("/app/members"));
    await heading(c, sv.members.title).waitFor();
    const invite = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.members.invite }) });
    await invite.getByLabel(sv.fields.email, { exact: true }).fill(colleague.email);
    await invite.getByRole("checkbox", { name: new RegExp(`^${sv.roles.compliance_officer}`) }).check();
    await c.submit(button(c, sv.members.sendInvite), { url: at("/app/members", { notice: "invited" }) });
    await c.page.getByText(sv.notices.invited).waitFor();
    const pending = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.members.pending }) });
    await pending.getByRole("row", { name: new RegExp(colleague.email.replace(/\./g, "\\.")) }).waitFor();
    await signOut(c);

    // ── The colleague opens the invitation, creates an account and joins ───────────────────────
    await followMailLink(c, colleague.email, "/invitations/accept?token=");
    await heading(c, sv.invitation.title).waitFor();
    await c.page.getByText(sv.invitation.intro.replace("{{inviter}}", company.adminName).replace("{{organisation}}", company.organisationName)).waitFor();
    await field(c, sv.fields.name).fill(colleague.name);
    await field(c, sv.fields.newPassword).fill(PASSWORD);
    await c.submit(button(c, sv.invitation.createAndAccept), { url: at("/app", { notice: "welcome" }) });
    await heading(c, sv.appHome.greeting.replace("{{name}}", colleague.name)).waitFor();
    await c.page.getByRole("heading", { level: 3, name: sv.roles.compliance_officer, exact: true }).waitFor();
    await signOut(c);

    // ── NGO staff: set-password link from the CLI, forced two-factor enrolment, the decision ───
    const setPasswordLink = await e2e.portal.createStaff({ email: staff.email, name: staff.name, admin: true });
    expect(setPasswordLink.startsWith(`${e2e.portal.url}/reset-password?`)).toBe(true);
    const s = await open("staff");
    await s.goto(setPasswordLink);
    await heading(s, sv.resetPassword.setTitle).waitFor();
    await field(s, sv.fields.newPassword).fill(PASSWORD);
    await s.submit(button(s, sv.resetPassword.submit), { url: at("/login", { notice: "password_set" }) });
    await s.page.getByText(sv.notices.password_set).waitFor();

    await signIn(s, staff.email, PASSWORD, at("/account/two-factor", { required: "1" }));
    await s.page.getByText(sv.twoFactor.requiredStaff).waitFor();
    await enableTwoFactor(s, nextTotpCode);
    await s.follow(s.page.getByRole("link", { name: sv.twoFactor.codesSaved, exact: true }), at("/staff"));
    await heading(s, sv.staffHome.greeting.replace("{{name}}", staff.name)).waitFor();

    const queue = s.page.locator("section", { has: s.page.getByRole("heading", { name: sv.staffHome.queue }) });
    await s.follow(queue.getByRole("link", { name: company.organisationName, exact: true }), at(/^\/staff\/organisations\/[^/]+$/));
    await s.page.getByRole("heading", { level: 1, name: new RegExp(company.organisationName) }).waitFor();
    await field(s, sv.fields.reason).fill("Uppgifterna är kontrollerade mot Bolagsverket. Välkomna som partner!");
    await s.submit(button(s, sv.decisions.approve), { url: at(/^\/staff\/organisations\/[^/]+$/, { notice: "decision_approve" }) });
    await s.page.getByText(sv.notices.decision_approve).waitFor();
    await s.page.getByRole("heading", { level: 1 }).getByText(sv.statuses.approved, { exact: true }).waitFor();
    await signOut(s);

    // ── The company's admin signs in again: approved, and told so by mail ───────────────────────
    await signIn(c, company.adminEmail, company.password, at("/app"));
    await c.page.getByRole("main").getByText(sv.statuses.approved, { exact: true }).waitFor();
    await c.page.getByText(sv.appHome.status.approved).waitFor();

    const subjects = await mailSubjects(c, company.adminEmail);
    expect(subjects).toContain(sv.mail.organisation_approved.subject.replace("{{organisation}}", company.organisationName));

    c.expectEveryPageChecked();
    s.expectEveryPageChecked();
  });
});
