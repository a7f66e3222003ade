/**
 * Journey 4: the yearly self-assessment, start to next year. A travel company is registered and
 * approved; its admin takes the compliance-officer role and starts this year's assessment; a
 * submission with nothing answered is refused with the missing questions listed; every section is
 * answered with JavaScript (each change saved on its own, progress and score updated, still there
 * after a reload, questions revealed by conditions answered too); a PDF is added as evidence; the
 * assessment is submitted. Staff return it with a comment on one question; the company sees the
 * comment there, changes the answer, replies and submits again; staff approve. The company sees the
 * results (score, maturity level, gaps) and puts the gaps in its improvement plan. Next year's
 * assessment starts with last year's answers carried over, each to be confirmed. Finally the same
 * question is changed in two browsers at once, the second without JavaScript: the second save is
 * refused with both values shown, and the first one's answer stays.
 */
import { describe, expect, it } from "vitest";
import core from "#db/frameworks/core.json";
import { sv } from "~/modules/i18n/locales/sv";
import { at, type PortalPage, usePortal } from "./support/browser";
import { addOwnRoles, approvedCompanyAndStaff, button, heading, newCompany, newStaff, signIn } from "./support/flows";

const e2e = usePortal();

/** About 60 pages, each checked with axe-core: a few minutes, and more on a busy machine. */
const JOURNEY_TIMEOUT = 900_000;

/** A translation with its {{placeholders}} filled in. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? `{{${name}}}`));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A translation as a pattern: each {{placeholder}} is `groups[name]` (a number by default). */
function pattern(template: string, groups: Record<string, string> = {}): RegExp {
  const parts = template.split(/(\{\{\w+\}\})/);
  return new RegExp(parts.map((part) => (/^\{\{\w+\}\}$/.test(part) ? (groups[part.slice(2, -2)] ?? "(\\d+)") : escape(part))).join(""));
}

/** "x of y required questions answered" with x = y. */
const allAnswered = pattern(sv.assessments.progress, { answered: "(\\d+)", required: "\\1" });

/** The id attribute of a question's input, as the section page renders it. */
const inputId = (questionId: string, value?: string) => `input-${questionId.replace(/\./g, "-")}${value === undefined ? "" : `-${value}`}`;

/** A question's section on a section page (its id is the question's id, which contains dots). */
const question = (p: PortalPage, questionId: string) => p.page.locator(`section.question[id="${questionId}"]`);
const radio = (p: PortalPage, questionId: string, value: string) => p.page.locator(`[id="${inputId(questionId, value)}"]`);
const labelOf = async (p: PortalPage, questionId: string, value: string) => (await p.page.locator(`label[for="${inputId(questionId, value)}"]`).innerText()).trim();

/** The autosave's live status line, and the section's progress line (status badge, progress, scores). */
const autosaveStatus = (p: PortalPage) => p.page.locator('p[role="status"][aria-live="polite"]');
const progressLine = (p: PortalPage) => p.page.getByRole("main").locator("p.progress").filter({ has: p.page.locator(".badge") });

/** The number that fills the first {{placeholder}} of a translation in a line of text. */
function numberIn(text: string, template: string): number {
  const match = pattern(template).exec(text);
  if (!match) throw new Error(`"${text}" does not contain ${JSON.stringify(template)}`);
  return Number(match[1]);
}

const isSectionPage = (assessmentId: string, sectionId: string) => at(`/app/assessments/${assessmentId}/sections/${sectionId}`);

/**
 * Waits until the changes just made on a section page (with JavaScript) are saved by the autosave:
 * its POST answered, the page revalidated, and the live status saying "saved".
 */
async function autosaved(p: PortalPage, change: () => Promise<void>) {
  const path = p.url().pathname;
  // Remix's single fetch posts to the page's address with ".data" appended.
  const posted = p.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `${path}.data`, { timeout: 30_000 });
  await change();
  const response = await posted;
  expect(response.status(), `the autosave on ${path}`).toBe(200);
  await p.settle();
  await autosaveStatus(p).getByText(sv.assessments.saved, { exact: true }).waitFor();
}

/**
 * Answers every question of the section page that has no answer yet, through the inputs a person
 * uses: the second choice of a scale or a list (never "not applicable"), the first option of a
 * multiple choice, a number, a date, a text. Answers can reveal questions (conditions): those are
 * answered in the next round. Done when nothing is open and the progress line counts every
 * required question as answered. Returns how many questions were answered.
 */
async function answerSection(p: PortalPage): Promise<number> {
  // A choice question without a choice (a question that a condition revealed, say).
  const openChoice = p.page.locator('form section.question:has(input[name^="q:"]:is([type="radio"], [type="checkbox"])):not(:has(input[name^="q:"]:checked))');
  let answered = 0;
  for (let round = 0; round < 8; round++) {
    const open = await p.page.locator("form section.question").evaluateAll((sections) =>
      sections
        .filter((s) => {
          const controls = [...s.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[name^="q:"]')];
          return controls.length > 0 && !controls.some((c) => (c instanceof HTMLInputElement && (c.type === "radio" || c.type === "checkbox") ? c.checked : c.value.trim() !== ""));
        })
        .map((s) => s.id),
    );
    if (open.length === 0) {
      // Should an answer have been saved by a later autosave, what it reveals may still be coming.
      await progressLine(p).getByText(allAnswered).or(openChoice).first().waitFor();
      if ((await openChoice.count()) === 0) return answered;
      continue;
    }
    await autosaved(p, async () => {
      for (const id of open) {
        const q = question(p, id);
        const radios = q.locator('input[type="radio"]');
        const checkboxes = q.locator('input[type="checkbox"][name^="q:"]');
        if ((await radios.count()) > 0) await radios.nth(1).check();
        else if ((await checkboxes.count()) > 0) await checkboxes.first().check();
        else if ((await q.locator('input[type="date"]').count()) > 0) await q.locator('input[type="date"]').fill("2026-03-02");
        else if ((await q.locator('input[type="text"]').count()) > 0) await q.locator('input[type="text"]').fill("5");
        else await q.locator("textarea").fill("Astrid Andersson, efterlevnadsansvarig");
      }
    });
    answered += open.length;
  }
  throw new Error(`answering ${p.url().pathname} kept revealing questions`);
}

/** The smallest file that the evidence upload recognises as a PDF by its content. */
const TINY_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  "latin1",
);

describe("self-assessment journey", () => {
  it("starts, answers, submits, is returned and approved, plans from gaps, carries over, and refuses a lost update", async () => {
    const started = Date.now();
    const company = newCompany("skattning", "travel");
    const staff = newStaff("skattning");
    const year = new Date().getUTCFullYear();
    /** The question staff comment on, and the one with evidence. Both in the core framework. */
    const commented = { section: "core.staff", question: "core.staff.training" };
    const evidenced = { section: "core.governance", question: "core.governance.policy" };

    // ── Set-up: the company registers (travel) and confirms while staff enrol two-factor; ───
    // ── staff approve the application ─────────────────────────────────────────────────────────
    const c = await e2e.open({ label: "company" });
    const s = await e2e.open({ label: "staff" });
    await approvedCompanyAndStaff(e2e.portal, c, s, company, staff);

    // Only a compliance officer fills in the assessment: the admin takes that role too.
    await c.goto("/app");
    await c.page.getByRole("main").getByText(sv.statuses.approved, { exact: true }).waitFor();
    await addOwnRoles(c, company.adminName, ["compliance_officer"]);

    // ── This year's assessment is started ────────────────────────────────────────────────────
    const mainNav = c.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await c.follow(mainNav.getByRole("link", { name: sv.nav.assessments, exact: true }), at("/app/assessments"));
    await heading(c, sv.assessments.title).waitFor();
    await c.page.getByText(sv.assessments.none).waitFor();
    await c.page.getByText(fill(sv.assessments.startHint, { industry: sv.industries.travel })).waitFor();
    const yearSelect = c.page.getByLabel(sv.assessments.year, { exact: true });
    expect(await yearSelect.inputValue()).toBe(String(year));
    await c.submit(button(c, sv.assessments.startSubmit), { url: at(/^\/app\/assessments\/[^/]+$/, { notice: "assessment_started" }) });
    const id = c.url().pathname.split("/").pop()!;
    const overview = `/app/assessments/${id}`;
    await heading(c, `${fill(sv.assessments.ofYear, { year })} ${sv.assessmentStatus.draft}`).waitFor();
    await c.page.getByText(sv.notices.assessment_started).waitFor();
    const modules = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.assessments.modules }) });
    expect(await modules.getByRole("listitem").count()).toBe(2); // the core and the travel module
    const sectionLinks = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.assessments.sections }) }).getByRole("link");
    const sectionCount = await sectionLinks.count();
    expect(sectionCount).toBeGreaterThan(8);

    // Submitting now is refused, and the refusal lists what is missing, with links.
    await c.submit(button(c, sv.assessments.submit), { until: c.page.getByText(sv.assessments.missingList) });
    await c.page.getByRole("alert").getByText(pattern(sv.errors.assessment_incomplete, { unconfirmed: "0" })).waitFor();
    const missing = c.page.locator(".message.warning li");
    expect(await missing.count()).toBeGreaterThan(10);
    await missing.first().getByText(`(${sv.assessments.notAnswered})`).waitFor();

    // ── Section by section, with JavaScript: every change saved on its own ──────────────────
    await c.follow(missing.first().getByRole("link"), isSectionPage(id, evidenced.section));
    await autosaveStatus(c).getByText(sv.assessments.autosaveOn, { exact: true }).waitFor();
    const before = (await progressLine(c).innerText()).trim();
    expect(numberIn(before, sv.assessments.overallScore)).toBe(0);
    expect(numberIn(before, sv.assessments.progress)).toBe(0);

    // One answer: saved at once, and the progress line counts it.
    await autosaved(c, () => radio(c, evidenced.question, "1").check());
    await progressLine(c).getByText(pattern(sv.assessments.progress, { answered: "1" })).waitFor();
    // A maturity level of 1 or more reveals the policy's follow-up questions.
    await question(c, "core.governance.policy_scope").waitFor();

    // The rest of the section; then the answers are still there after a reload.
    expect(await answerSection(c)).toBeGreaterThan(3);
    await progressLine(c).getByText(allAnswered).waitFor();
    const after = (await progressLine(c).innerText()).trim();
    expect(numberIn(after, sv.assessments.sectionScore)).toBeGreaterThan(0);
    expect(numberIn(after, sv.assessments.overallScore)).toBeGreaterThan(0);
    await c.goto(c.url().pathname);
    expect(await radio(c, evidenced.question, "1").isChecked()).toBe(true);
    expect(await c.page.locator(`[id="${inputId("core.governance.contact_person")}"]`).inputValue()).not.toBe("");
    expect((await progressLine(c).innerText()).trim()).toBe(after);
    await autosaveStatus(c).getByText(sv.assessments.autosaveOn, { exact: true }).waitFor();

    // Every other section, each finished with "save and go on"; the last one with "save".
    for (let visited = 1; ; visited++) {
      await answerSection(c);
      await progressLine(c).getByText(allAnswered).waitFor();
      const next = button(c, sv.assessments.saveAndNext);
      if ((await next.count()) === 0) {
        expect(visited).toBe(sectionCount);
        await c.submit(button(c, sv.assessments.saveSection), { url: at(c.url().pathname, { notice: "answers_saved" }) });
        await c.page.getByText(sv.notices.answers_saved).waitFor();
        break;
      }
      const nextId = (await next.getAttribute("value"))!;
      await c.submit(next, { url: isSectionPage(id, nextId) });
    }

    // ── Evidence: a PDF for the policy question, listed on its page and counted at the question ─
    await c.goto(`${overview}/sections/${evidenced.section}`);
    await c.follow(question(c, evidenced.question).getByRole("link", { name: sv.assessments.evidenceRecommended, exact: true }), at(`${overview}/evidence`, { question: evidenced.question }));
    await heading(c, sv.evidence.title).waitFor();
    await c.page.getByText(sv.evidence.none).waitFor();
    await c.page.getByLabel(sv.evidence.file, { exact: true }).setInputFiles({ name: "barnskyddspolicy.pdf", mimeType: "application/pdf", buffer: TINY_PDF });
    await c.submit(button(c, sv.evidence.upload), { url: at(`${overview}/evidence`, { question: evidenced.question, notice: "evidence_added" }) });
    await c.page.getByText(sv.notices.evidence_added).waitFor();
    await c.page.getByRole("main").getByRole("link", { name: "barnskyddspolicy.pdf", exact: true }).waitFor();
    await c.follow(c.page.getByRole("link", { name: `← ${sv.evidence.back}`, exact: true }), isSectionPage(id, evidenced.section));
    await question(c, evidenced.question).getByText(fill(sv.assessments.evidenceCount_one, { count: 1 }), { exact: true }).waitFor();

    // ── Submitted: everything answered; the assessment is locked ───────────────────────────────
    await c.follow(c.page.getByRole("link", { name: `← ${fill(sv.assessments.ofYear, { year })}`, exact: true }), at(overview));
    await c.page.locator("p.progress").getByText(allAnswered).waitFor();
    await c.submit(button(c, sv.assessments.submit), { url: at(overview, { notice: "assessment_submitted" }) });
    await c.page.getByText(sv.notices.assessment_submitted).waitFor();
    await heading(c, `${fill(sv.assessments.ofYear, { year })} ${sv.assessmentStatus.submitted}`).waitFor();
    expect(await button(c, sv.assessments.submit).count()).toBe(0);

    // ── Staff return it, with a comment on one question ──────────────────────────────────────
    const staffNav = s.page.getByRole("navigation", { name: sv.layout.mainNavigation });
    await s.follow(staffNav.getByRole("link", { name: sv.nav.staffAssessments, exact: true }), at("/staff/assessments"));
    const queue = s.page.locator("section", { has: s.page.getByRole("heading", { name: sv.staffAssessments.queue }) });
    await s.follow(queue.getByRole("link", { name: company.organisationName, exact: true }), at(`/staff/assessments/${id}`));
    await s.page.getByRole("main").getByRole("link", { name: "barnskyddspolicy.pdf", exact: true }).waitFor();
    const comment = "Beskriv hur utbildningen når personal på resmålen och hur ofta den upprepas.";
    await s.page.locator(`[id="${commented.question}"]`).getByLabel(sv.staffAssessments.commentOn, { exact: true }).fill(comment);
    await s.submit(button(s, sv.staffAssessments.return), { url: at(`/staff/assessments/${id}`, { notice: "assessment_returned" }) });
    await s.page.getByText(sv.notices.assessment_returned).waitFor();
    await s.page.getByRole("heading", { level: 1 }).getByText(sv.assessmentStatus.returned, { exact: true }).waitFor();

    // ── The company sees the comment at the question, changes the answer, replies, resubmits ──
    await c.goto(overview);
    await heading(c, `${fill(sv.assessments.ofYear, { year })} ${sv.assessmentStatus.returned}`).waitFor();
    await c.page.getByText(sv.assessments.statusText.returned).waitFor();
    const sectionRow = c.page.getByRole("row").filter({ has: c.page.locator(`a[href="${overview}/sections/${commented.section}"]`) });
    expect((await sectionRow.getByRole("cell").last().innerText()).trim()).toBe("1");
    await c.follow(sectionRow.getByRole("link"), isSectionPage(id, commented.section));
    const commentedQuestion = question(c, commented.question);
    await commentedQuestion.getByText(comment, { exact: true }).waitFor();
    await commentedQuestion.getByText(new RegExp(`^${escape(sv.assessments.fromStaff)} · `)).waitFor();
    expect(await radio(c, commented.question, "1").isChecked()).toBe(true);
    const level3 = await labelOf(c, commented.question, "3");
    await autosaved(c, () => radio(c, commented.question, "3").check());
    const questionText = (await commentedQuestion.getByRole("heading", { level: 2 }).innerText()).trim();
    const reply = "Utbildningen är nu årlig och obligatorisk även för reseledare på plats.";
    await c.page.getByLabel(fill(sv.assessments.replyTo, { question: questionText }), { exact: true }).fill(reply);
    await c.submit(button(c, sv.assessments.sendComment), { url: at(`${overview}/sections/${commented.section}`, { notice: "comment_added" }) });
    await commentedQuestion.getByText(reply, { exact: true }).waitFor();
    expect(await radio(c, commented.question, "3").isChecked()).toBe(true);
    await c.goto(overview);
    await c.submit(button(c, sv.assessments.submit), { url: at(overview, { notice: "assessment_submitted" }) });
    await heading(c, `${fill(sv.assessments.ofYear, { year })} ${sv.assessmentStatus.submitted}`).waitFor();

    // ── Staff see the new answer and the reply, and approve ──────────────────────────────────
    await s.follow(s.page.getByRole("link", { name: `← ${sv.staffAssessments.title}`, exact: true }), at("/staff/assessments"));
    await s.follow(queue.getByRole("link", { name: company.organisationName, exact: true }), at(`/staff/assessments/${id}`));
    const reviewed = s.page.locator(`[id="${commented.question}"]`);
    await reviewed.getByText(reply, { exact: true }).waitFor();
    await reviewed.getByText(level3, { exact: true }).waitFor();
    // Approving issues the year's commitment report as well.
    await s.submit(button(s, sv.staffAssessments.approve), { url: at(`/staff/assessments/${id}`, { notice: "assessment_approved_report" }) });
    await s.page.getByText(sv.notices.assessment_approved_report).waitFor();
    await s.page.getByRole("heading", { level: 1 }).getByText(sv.assessmentStatus.approved, { exact: true }).waitFor();

    // ── Approved: the results, with score, maturity level and gaps; the gaps go into the plan ──
    await c.goto(overview);
    await heading(c, `${fill(sv.assessments.ofYear, { year })} ${sv.assessmentStatus.approved}`).waitFor();
    await c.page.getByText(sv.assessments.statusText.approved).waitFor();
    expect(await button(c, sv.assessments.submit).count()).toBe(0);
    await c.follow(c.page.getByRole("link", { name: sv.assessments.seeResults, exact: true }), at(`${overview}/results`));
    await heading(c, fill(sv.results.title, { year })).waitFor();
    const overallPanel = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.results.overall, exact: true }) });
    const score = numberIn(await overallPanel.locator(".stat").innerText(), sv.assessments.scoreOf);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(100);
    const level = core.maturityLevels.findLastIndex((l) => score >= l.from);
    await overallPanel.getByText(fill(sv.results.level, { level, name: core.maturityLevels[level]!.name.sv }), { exact: true }).waitFor();
    const gapsSection = c.page.locator("section", { has: c.page.getByRole("heading", { name: sv.results.gaps, exact: true }) });
    const gaps = gapsSection.getByRole("listitem");
    expect(await gaps.count()).toBeGreaterThan(0);
    const firstGap = gaps.first();
    const firstAction = (await firstGap.locator("p").count()) > 0 ? await firstGap.locator("p").innerText() : await firstGap.locator("strong").innerText();
    await c.submit(button(c, sv.results.addToPlan), { url: at("/app/plan", { notice: "plan_from_gaps" }) });
    await c.page.getByText(sv.notices.plan_from_gaps).waitFor();
    const planItem = c.page.getByRole("article").filter({ has: c.page.getByRole("heading", { name: firstAction.trim(), exact: true }) });
    const facts = await planItem.locator("p.muted").first().innerText();
    expect(facts).toContain(sv.planStatus.open);
    expect(facts).toContain(fill(sv.plan.fromYear, { year }));

    // ── Next year: last year's answers come along, each marked and waiting to be confirmed ────
    await c.follow(mainNav.getByRole("link", { name: sv.nav.assessments, exact: true }), at("/app/assessments"));
    const thisYearRow = c.page.getByRole("row").filter({ has: c.page.getByRole("link", { name: fill(sv.assessments.ofYear, { year }), exact: true }) });
    await thisYearRow.getByText(sv.assessmentStatus.approved, { exact: true }).waitFor();
    await thisYearRow.getByText(fill(sv.assessments.scoreOf, { score }), { exact: true }).waitFor();
    await yearSelect.selectOption(String(year + 1));
    await c.submit(button(c, sv.assessments.startSubmit), { url: at(/^\/app\/assessments\/[^/]+$/, { notice: "assessment_started" }) });
    const nextId = c.url().pathname.split("/").pop()!;
    expect(nextId).not.toBe(id);
    const nextOverview = `/app/assessments/${nextId}`;
    await heading(c, `${fill(sv.assessments.ofYear, { year: year + 1 })} ${sv.assessmentStatus.draft}`).waitFor();
    const carried = numberIn(await c.page.locator("p.progress").filter({ hasText: pattern(sv.assessments.carriedCount_other) }).innerText(), sv.assessments.carriedCount_other);
    expect(carried).toBeGreaterThan(20);
    await c.follow(c.page.locator(`a[href="${nextOverview}/sections/${commented.section}"]`), isSectionPage(nextId, commented.section));
    const carriedQuestion = question(c, commented.question);
    await carriedQuestion.getByText(sv.assessments.carriedOver, { exact: true }).waitFor();
    await carriedQuestion.getByRole("checkbox", { name: sv.assessments.confirmCarried, exact: true }).waitFor();
    expect(await carriedQuestion.getByRole("checkbox", { name: sv.assessments.confirmCarried, exact: true }).isChecked()).toBe(false);
    expect(await radio(c, commented.question, "3").isChecked()).toBe(true);
    // Last year's comments stay with last year.
    expect(await carriedQuestion.getByText(comment).count()).toBe(0);

    // ── Two browsers change the same answer; the second, without JavaScript, saves later ──────
    const b = await e2e.open({ label: "company without JavaScript", javaScriptEnabled: false });
    await signIn(b, company.adminEmail, company.password, at("/app"));
    const sectionPath = `${nextOverview}/sections/${commented.section}`;
    await b.goto(sectionPath);
    expect(await radio(b, commented.question, "3").isChecked()).toBe(true);

    await autosaved(c, () => radio(c, commented.question, "4").check());
    await radio(b, commented.question, "0").check();
    await b.submit(button(b, sv.assessments.saveSection), { until: b.page.getByText(sv.assessments.conflictIntro) });
    expect(b.url().pathname).toBe(sectionPath);
    await b.page.getByRole("alert").getByText(sv.errors.answer_conflict).waitFor();
    const conflict = b.page.locator(".conflict");
    const [theirs, mine] = [await labelOf(b, commented.question, "4"), await labelOf(b, commented.question, "0")];
    const lines = (await conflict.innerText()).split("\n").map((line) => line.trim());
    expect(lines).toContain(`${sv.assessments.conflictMine}: ${mine}`);
    const theirsLine = lines.find((line) => line.startsWith(fill(sv.assessments.conflictTheirs, { who: company.adminName, at: "" }).trim()));
    expect(theirsLine?.endsWith(`: ${theirs}`), `the conflict names the saved answer: ${lines.join(" | ")}`).toBe(true);
    // The page shows what is saved: the first browser's answer, not overwritten.
    expect(await radio(b, commented.question, "4").isChecked()).toBe(true);
    await c.goto(sectionPath);
    expect(await radio(c, commented.question, "4").isChecked()).toBe(true);
    expect(await radio(c, commented.question, "0").isChecked()).toBe(false);
    // It is no longer a carried-over answer: it was changed this year.
    expect(await question(c, commented.question).getByText(sv.assessments.carriedOver, { exact: true }).count()).toBe(0);

    c.expectEveryPageChecked();
    s.expectEveryPageChecked();
    b.expectEveryPageChecked();
    console.info(`[e2e] assessment journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, JOURNEY_TIMEOUT);
});
