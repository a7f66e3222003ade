/**
 * Journey: a collaborative action, logged by the company and confirmed by the NGO. A company is
 * registered and approved; its admin takes the partner-manager role and logs a training (a form with
 * the end date before the start is refused first, with the message at the field), attaches a PDF and
 * asks for confirmation. Staff find it in their queue and ask for changes with a comment; the company
 * sees the comment, edits the action (its history shows what changed) and asks again; staff confirm.
 * The company's timeline shows it confirmed, and staff see it in the yearly overview. axe-core
 * checks every page on the way. Finally, without JavaScript, a form with a negative figure comes back
 * refused with its input kept, and the corrected one is saved.
 */
import { describe, expect, it } from "vitest";
import { sv } from "~/modules/i18n/locales/sv";
import { at, usePortal } from "./support/browser";
import { addOwnRoles, approvedCompanyAndStaff, button, field, heading, newCompany, newStaff, signIn } from "./support/flows";

const e2e = usePortal();

const TINY_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  "latin1",
);

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ""));

describe("collaborative action journey", () => {
  it("logs an action with a file, asks for confirmation, gets changes asked for, edits, and is confirmed", async () => {
    const started = Date.now();
    const company = newCompany("samverkan");
    const staff = newStaff("samverkan");
    const year = new Date().getUTCFullYear();
    const title = `Utbildning för kundtjänst ${year}`;

    const c = await e2e.open({ label: "company" });
    const s = await e2e.open({ label: "staff" });
    await approvedCompanyAndStaff(e2e.portal, c, s, company, staff);
    await c.goto("/app");
    await addOwnRoles(c, company.adminName, ["partner_manager"]);

    // ── The company logs a training ─────────────────────────────────────────────────────────
    const mainNav = c.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await c.follow(mainNav.getByRole("link", { name: sv.nav.collaboration, exact: true }), at("/app/collaboration"));
    await heading(c, sv.collab.heading).waitFor();
    await c.page.getByText(sv.collab.none).waitFor();
    await c.follow(c.page.getByRole("link", { name: sv.collab.new, exact: true }), at("/app/collaboration/new"));
    await field(c, sv.collab.type).selectOption("training");
    await field(c, sv.collab.status).selectOption("done");
    await field(c, sv.collab.title).fill(title);
    await field(c, sv.collab.startsOn).fill(`${year}-03-03`);
    await field(c, sv.collab.endsOn).fill(`${year}-03-02`);
    await field(c, sv.collab.description).fill("Två halvdagar om att känna igen och rapportera misstänkt övergreppsmaterial.");
    await field(c, sv.collab.peopleCompany).fill("Kundtjänstens medarbetare");
    // Only the figures that fit a training are offered.
    expect(await c.page.getByLabel(sv.collabFigure.reach, { exact: true }).count()).toBe(0);
    await field(c, sv.collabFigure.peopleTrained).fill("38");
    // The end date before the start: refused at the field, nothing sent.
    await c.submit(button(c, sv.collab.save), { until: c.page.getByText(sv.errors.collab_dates_order) });
    expect(c.url().pathname).toBe("/app/collaboration/new");
    await field(c, sv.collab.endsOn).fill(`${year}-03-04`);
    await c.submit(button(c, sv.collab.save), { url: at(/^\/app\/collaboration\/[0-9a-f-]{36}$/, { notice: "collab_created" }) });
    const id = c.url().pathname.split("/").pop()!;
    const detail = `/app/collaboration/${id}`;
    await heading(c, title).waitFor();
    await c.page.getByText(sv.notices.collab_created).waitFor();

    // A supporting file, then the request for confirmation.
    await c.page.getByLabel(sv.collab.file, { exact: true }).setInputFiles({ name: "deltagarlista.pdf", mimeType: "application/pdf", buffer: TINY_PDF });
    await c.submit(button(c, sv.collab.upload), { url: at(detail, { notice: "collab_file_added" }) });
    await c.page.getByRole("link", { name: "deltagarlista.pdf" }).waitFor();
    await c.submit(button(c, sv.collab.requestConfirmation), { url: at(detail, { notice: "collab_requested" }) });
    await c.page.getByRole("main").getByText(sv.collabConfirmation.requested, { exact: true }).first().waitFor();

    // ── Staff ask for changes with a comment ────────────────────────────────────────────────
    const staffNav = s.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await s.follow(staffNav.getByRole("link", { name: sv.nav.collaboration, exact: true }), at("/staff/collaboration"));
    const queue = s.page.locator("section", { has: s.page.getByRole("heading", { name: sv.staffCollab.queue }) });
    await s.follow(queue.getByRole("link", { name: title, exact: true }), at(`/staff/collaboration/${id}`));
    await s.page.getByRole("link", { name: "deltagarlista.pdf" }).waitFor();
    await field(s, sv.staffCollab.changesComment).fill("Skriv gärna vilka från oss som höll i utbildningen.");
    await s.submit(button(s, sv.staffCollab.askChanges), { url: at(`/staff/collaboration/${id}`, { notice: "collab_changes_asked" }) });
    await s.page.getByText(sv.notices.collab_changes_asked).waitFor();

    // ── The company sees the comment, edits the action and asks again ───────────────────────
    await c.goto(detail);
    await c.page.getByText("Skriv gärna vilka från oss som höll i utbildningen.").waitFor();
    await c.page.getByRole("main").getByText(sv.collabConfirmation.changes_requested, { exact: true }).first().waitFor();
    await c.follow(c.page.getByRole("link", { name: sv.collab.edit, exact: true }), at(`${detail}/edit`));
    await heading(c, sv.collab.edit).waitFor();
    await field(c, sv.collab.peopleNgo).fill("Anna och Bo från hotlinen");
    await c.submit(button(c, sv.collab.save), { url: at(detail, { notice: "collab_updated" }) });
    const history = c.page.locator("table", { has: c.page.locator("caption", { hasText: sv.collab.history }) });
    expect(await history.locator("tbody tr").count()).toBe(2);
    await history.getByText("Anna och Bo från hotlinen").waitFor();
    await c.submit(button(c, sv.collab.requestConfirmation), { url: at(detail, { notice: "collab_requested" }) });

    // ── Staff confirm ───────────────────────────────────────────────────────────────────────
    await s.goto(`/staff/collaboration/${id}`);
    await s.page.getByText(fill(sv.staffCollab.decisionHelp, { revision: 2 })).waitFor();
    await s.submit(button(s, sv.staffCollab.confirm), { url: at(`/staff/collaboration/${id}`, { notice: "collab_confirmed" }) });
    await s.page.getByText(sv.notices.collab_confirmed).waitFor();

    // The company's timeline shows it confirmed; filtering by another type hides it.
    await c.goto("/app/collaboration");
    const entry = c.page.locator(".timeline li", { hasText: title });
    await entry.getByText(sv.collabConfirmation.confirmed, { exact: true }).waitFor();
    await c.page.getByLabel(sv.collab.type, { exact: true }).selectOption("donation");
    await c.submit(button(c, sv.collab.filter), { url: at("/app/collaboration", { type: "donation" }) });
    await c.page.getByText(sv.collab.none).waitFor();

    // Staff see it counted in the year's overview.
    await s.goto(`/staff/collaboration/overview?year=${year}`);
    await heading(s, fill(sv.staffCollab.overviewOf, { year })).waitFor();
    const trained = s.page.locator("table", { has: s.page.locator("caption", { hasText: fill(sv.staffCollab.chartTrainedByType, { year }) }) });
    expect((await trained.getByRole("row", { name: new RegExp(`^${sv.collabType.training}`) }).innerText()).replace(/\s+/g, " ")).toMatch(/38$/);
    expect(await s.page.locator('svg[role="img"]').count()).toBe(4);

    // ── Without JavaScript: plain forms, refused input comes back with its values ───────────
    const b = await e2e.open({ label: "company without JavaScript", javaScriptEnabled: false });
    await signIn(b, company.adminEmail, company.password, at("/app"));
    await b.goto("/app/collaboration/new");
    await field(b, sv.collab.type).selectOption("event");
    await field(b, sv.collab.title).fill("Frukostseminarium om sextortion");
    await field(b, sv.collab.startsOn).fill(`${year}-05-20`);
    await field(b, sv.collab.description).fill("Ett seminarium för medarbetare och deras familjer.");
    // Every figure is offered (with the types it fits); a negative one is refused by the server.
    await field(b, sv.collabFigure.reach).fill("-40");
    await b.submit(button(b, sv.collab.save), { until: b.page.getByRole("alert") });
    await b.page.getByText(fill(sv.errors.too_small_number, { n: 0 })).waitFor();
    expect(await field(b, sv.collab.title).inputValue()).toBe("Frukostseminarium om sextortion");
    await field(b, sv.collabFigure.reach).fill("140");
    await b.submit(button(b, sv.collab.save), { url: at(/^\/app\/collaboration\/[0-9a-f-]{36}$/, { notice: "collab_created" }) });
    await heading(b, "Frukostseminarium om sextortion").waitFor();

    c.expectEveryPageChecked();
    s.expectEveryPageChecked();
    b.expectEveryPageChecked();
    console.info(`[e2e] collaboration journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);
});
