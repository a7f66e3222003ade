import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { addPlanItem } from "~/modules/assessments/plan.server";
import {
  addActionComment,
  askForChanges,
  confirmAction,
  confirmedActions,
  createAction,
  getAction,
  listActions,
  listConfirmationQueue,
  requestConfirmation,
  updateAction,
} from "~/modules/collaboration/collaboration.server";
import { addActionFile, getActionFile, removeActionFile } from "~/modules/collaboration/files.server";
import { actionsCsv, collabOverview } from "~/modules/collaboration/overview.server";
import { actionFields, toContent } from "~/modules/collaboration/schema";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { training } from "../support/collaboration";
import { auditActions, createCompany, createUser, outbox } from "../support/factories";
import { dbSnapshot, changedTables } from "../support/personas";

const ctx = useTestDb();

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

const actorFor = (u: { id: string; email: string }): Actor => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.4" });

const PDF = new TextEncoder().encode("%PDF-1.4 a small programme");

describe("collaborative actions", () => {
  it("draft → done → confirmation requested → changes asked → confirmed → edited → reconfirmed, with history, audit and mail", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const manager = actorFor(members.partner_manager);
    const staffUser = await createUser(ctx.db, { staffRole: "staff", locale: "en" });
    const staff = actorFor(staffUser);

    const id = await createAction(ctx.db, manager, organisation.id, training(), []);
    let detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action).toMatchObject({ confirmation: "none", revision: 1, status: "planned", year: 2026, onBehalf: false, peopleTrained: 38 });
    expect(detail.revisions).toHaveLength(1);

    // A planned action cannot be confirmed.
    await expectCode(requestConfirmation(ctx.db, manager, organisation.id, id, 1), "collab_not_done");
    await updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", peopleTrained: 36 }), [], 1);
    // An edit from a stale revision is refused.
    await expectCode(updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", title: "Gammal" }), [], 1), "conflict");
    await expectCode(requestConfirmation(ctx.db, manager, organisation.id, id, 1), "conflict");
    await requestConfirmation(ctx.db, manager, organisation.id, id, 2);
    await expectCode(requestConfirmation(ctx.db, manager, organisation.id, id, 2), "collab_wrong_state");
    expect((await listConfirmationQueue(ctx.db)).actions.map((a) => a.id)).toEqual([id]);
    expect((await outbox(ctx.db)).filter((m) => m.to_address === staffUser.email).map((m) => m.subject)).toEqual([`${organisation.name} asks for a collaborative action to be confirmed`]);

    // Staff ask for changes; a comment is required.
    await expectCode(askForChanges(ctx.db, staff, id, 2, "  "), "collab_comment_required");
    await askForChanges(ctx.db, staff, id, 2, "Lägg till vilka som utbildade.");
    detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action.confirmation).toBe("changes_requested");
    expect(detail.comments.map((c) => [c.kind, c.byStaff, c.body])).toEqual([["changes_requested", true, "Lägg till vilka som utbildade."]]);
    await expectCode(confirmAction(ctx.db, staff, id, 2), "collab_wrong_state");

    await addActionComment(ctx.db, manager, organisation.id, id, "Tillagt nu.");
    await updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", peopleTrained: 36, peopleNgo: "Anna och Bo från NGO:n" }), [], 2);
    await requestConfirmation(ctx.db, manager, organisation.id, id, 3);
    // Staff confirm what they saw: a revision that has moved on since is a conflict.
    await expectCode(confirmAction(ctx.db, staff, id, 2), "conflict");
    await confirmAction(ctx.db, staff, id, 3, "Tack!");
    detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action).toMatchObject({ confirmation: "confirmed", confirmedRevision: 3, revision: 3 });
    expect((await listConfirmationQueue(ctx.db)).actions).toEqual([]);

    // A save that changes nothing keeps the confirmation; a change asks for it again.
    expect(await updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", peopleTrained: 36, peopleNgo: "Anna och Bo från NGO:n" }), [], 3)).toEqual({ changed: false, confirmation: "confirmed" });
    expect(await updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", peopleTrained: 40, peopleNgo: "Anna och Bo från NGO:n" }), [], 3)).toEqual({ changed: true, confirmation: "requested" });
    detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action).toMatchObject({ confirmation: "requested", confirmedRevision: 3, revision: 4 });
    await confirmAction(ctx.db, staff, id, 4);
    detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action).toMatchObject({ confirmation: "confirmed", confirmedRevision: 4 });

    // The history: what changed, who, when (newest first).
    expect(detail.revisions.map((r) => [r.revision, r.changes.map((c) => c.field)])).toEqual([
      [4, ["peopleTrained"]],
      [3, ["peopleNgo"]],
      [2, ["peopleTrained", "status"]],
      [1, expect.arrayContaining(["type", "title", "startsOn", "targets"])],
    ]);
    expect(detail.revisions[0]!.changes[0]).toEqual({ field: "peopleTrained", from: 36, to: 40 });
    expect(detail.revisions[0]!.byName).toBe(members.partner_manager.name);
    expect(detail.comments.map((c) => c.kind)).toEqual(["changes_requested", "comment", "confirmed", "confirmed"]);

    // What a report may show is the confirmed revision, also while a later change awaits confirmation.
    await updateAction(ctx.db, manager, organisation.id, id, training({ status: "done", peopleTrained: 400, peopleNgo: "Anna och Bo från NGO:n" }), [], 4);
    const confirmed = await confirmedActions(ctx.db, organisation.id, { from: "2026-01-01", to: "2026-12-31" });
    expect(confirmed).toMatchObject([{ id, confirmedRevision: 4, changedSince: true, content: { peopleTrained: 40, status: "done" } }]);
    expect(await confirmedActions(ctx.db, organisation.id, { from: "2025-01-01", to: "2025-12-31" })).toEqual([]);

    expect(await auditActions(ctx.db, organisation.id)).toEqual([
      "collab.created",
      "collab.updated",
      "collab.confirmation_requested",
      "collab.changes_requested",
      "collab.commented",
      "collab.updated",
      "collab.confirmation_requested",
      "collab.confirmed",
      "collab.updated",
      "collab.confirmed",
      "collab.updated",
    ]);
    const toManager = (await outbox(ctx.db)).filter((m) => m.to_address === members.partner_manager.email).map((m) => m.subject);
    expect(toManager).toEqual([
      "Samverkansaktiviteten ”Utbildning för kundtjänst” behöver ändras",
      "Samverkansaktiviteten ”Utbildning för kundtjänst” är bekräftad",
      "Samverkansaktiviteten ”Utbildning för kundtjänst” är bekräftad",
    ]);
  });

  it("refuses bad content with a clear code and writes nothing", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const manager = actorFor(members.partner_manager);
    const before = await dbSnapshot(ctx.db);
    const count = async () => Number((await ctx.db.selectFrom("collab_action").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    await expectCode(createAction(ctx.db, manager, organisation.id, training({ startsOn: "2026-03-05", endsOn: "2026-03-01" }), []), "collab_dates_order");
    await expectCode(createAction(ctx.db, manager, organisation.id, training({ peopleTrained: -3 }), []), "too_small_number");
    await expectCode(createAction(ctx.db, manager, organisation.id, training({ reach: 1000 }), []), "collab_figure_not_for_type");
    await expectCode(createAction(ctx.db, manager, organisation.id, training({ type: "donation", peopleTrained: null, amount: 5000 }), []), "collab_currency_required");
    await expectCode(createAction(ctx.db, manager, organisation.id, training({ startsOn: "2026-02-30" }), []), "invalid_date");
    await expectCode(createAction(ctx.db, manager, organisation.id, training(), ["plan_item:nope"]), "collab_target_unknown");
    await expectCode(createAction(ctx.db, manager, organisation.id, training(), ["whatever"]), "collab_target_unknown");
    expect(changedTables(before, await dbSnapshot(ctx.db))).toEqual([]);
    expect(await count()).toBe(0);

    // The form's schema says the same, per field, before anything reaches the service.
    const parsed = actionFields.safeParse({ type: "webinar", title: "", startsOn: "2026-03-05", endsOn: "2026-03-01", description: "x", status: "done", peopleTrained: "-1", links: "javascript:alert(1)" });
    expect(parsed.success).toBe(false);
    const fields = Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(fields).toMatchObject({ type: "invalid_choice", title: "required", peopleTrained: "too_small_number:0" });
    expect(Object.keys(fields)).toContain("links.0");
    const dates = actionFields.safeParse({ type: "training", title: "T", startsOn: "2026-03-05", endsOn: "2026-03-01", description: "x", status: "done", peopleTrained: "12", links: "" });
    expect(dates.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["endsOn", "collab_dates_order"]]);
    const ok = actionFields.parse({ type: "donation", title: "Gåva", startsOn: "2026-03-05", description: "x", status: "done", amount: "25 000", currency: "SEK", links: "https://a.example\n\nhttps://b.example" });
    expect(toContent(ok)).toMatchObject({ amount: 25000, currency: "SEK", endsOn: null, links: ["https://a.example", "https://b.example"] });
  });

  it("files: checked by content, stored by SHA-256, only for their organisation", async () => {
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const manager = actorFor(a.members.partner_manager);
    const id = await createAction(ctx.db, manager, a.organisation.id, training(), []);
    const before = await dbSnapshot(ctx.db);
    const files = async () => Number((await ctx.db.selectFrom("collab_file").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    await expectCode(addActionFile(ctx.db, manager, a.organisation.id, id, { name: "page.pdf", bytes: new TextEncoder().encode("<html><script>alert(1)</script>") }), "evidence_type");
    await expectCode(addActionFile(ctx.db, manager, a.organisation.id, id, { name: "photo.png", bytes: PDF }), "evidence_type");
    await expectCode(addActionFile(ctx.db, manager, a.organisation.id, id, { name: "big.pdf", bytes: new Uint8Array(5 * 1024 * 1024 + 1).fill(0x25) }), "evidence_too_large");
    await expectCode(addActionFile(ctx.db, manager, a.organisation.id, id, { name: "empty.pdf", bytes: new Uint8Array() }), "evidence_empty");
    // Another organisation's action: not found.
    await expectCode(addActionFile(ctx.db, actorFor(b.members.partner_manager), b.organisation.id, id, { name: "p.pdf", bytes: PDF }), "not_found");
    expect(changedTables(before, await dbSnapshot(ctx.db))).toEqual([]);
    expect(await files()).toBe(0);

    const { id: fileId, sha256 } = await addActionFile(ctx.db, manager, a.organisation.id, id, { name: "program.pdf", bytes: PDF });
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await getActionFile(ctx.db, id, fileId, a.organisation.id)).mime).toBe("application/pdf");
    expect((await getActionFile(ctx.db, id, fileId, null)).content.equals(Buffer.from(PDF))).toBe(true);
    await expectCode(getActionFile(ctx.db, id, fileId, b.organisation.id), "not_found");
    await expectCode(removeActionFile(ctx.db, actorFor(b.members.partner_manager), b.organisation.id, id, fileId), "not_found");
    await removeActionFile(ctx.db, manager, a.organisation.id, id, fileId);
    expect(await files()).toBe(0);
  });

  it("tenancy: another organisation's action is not found anywhere", async () => {
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const aManager = actorFor(a.members.partner_manager);
    const bManager = actorFor(b.members.partner_manager);
    const id = await createAction(ctx.db, aManager, a.organisation.id, training({ status: "done" }), []);
    await expectCode(getAction(ctx.db, id, b.organisation.id), "not_found");
    await expectCode(updateAction(ctx.db, bManager, b.organisation.id, id, training(), [], 1), "not_found");
    await expectCode(requestConfirmation(ctx.db, bManager, b.organisation.id, id, 1), "not_found");
    await expectCode(addActionComment(ctx.db, bManager, b.organisation.id, id, "Hej"), "not_found");
    expect((await listActions(ctx.db, b.organisation.id, {})).actions).toEqual([]);
    // A's plan item cannot be named by B.
    const itemId = await addPlanItem(ctx.db, actorFor(a.members.compliance_officer), a.organisation.id, { action: "Utbilda kundtjänst" });
    await expectCode(createAction(ctx.db, bManager, b.organisation.id, training(), [`plan_item:${itemId}`]), "collab_target_unknown");
    const withTarget = await createAction(ctx.db, aManager, a.organisation.id, training(), [`plan_item:${itemId}`]);
    expect((await getAction(ctx.db, withTarget, a.organisation.id)).targets).toEqual([`plan_item:${itemId}`]);
    // A suspended organisation changes nothing.
    const s = await createCompany(ctx.db, { status: "suspended" });
    await expectCode(createAction(ctx.db, actorFor(s.members.partner_manager), s.organisation.id, training(), []), "organisation_inactive");
  });

  it("staff record an action on behalf of a company: marked, and the company is told", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const staffUser = await createUser(ctx.db, { staffRole: "staff" });
    const id = await createAction(ctx.db, actorFor(staffUser), organisation.id, training({ type: "hotline_referral", peopleTrained: null, reportsHandled: 12 }), [], { onBehalf: true });
    const detail = await getAction(ctx.db, id, organisation.id);
    expect(detail.action.onBehalf).toBe(true);
    expect(detail.revisions[0]!.byStaff).toBe(true);
    expect((await outbox(ctx.db)).filter((m) => m.to_address === members.partner_manager.email).map((m) => m.template)).toEqual(["collab_recorded_on_behalf"]);
  });

  it("timeline: filters, keyset pages without gaps or repeats, CSV, and the yearly overview", async () => {
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    await ctx.db.updateTable("organisation").set({ industry: "travel" }).where("id", "=", b.organisation.id).execute();
    const manager = actorFor(a.members.partner_manager);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        await createAction(ctx.db, manager, a.organisation.id, training({ title: `Utbildning ${i}`, startsOn: `2025-0${i + 1}-10`, endsOn: null, status: i % 2 ? "done" : "planned", peopleTrained: 10 }), []),
      );
    }
    // Two on the same day, to test the tie-break.
    ids.push(await createAction(ctx.db, manager, a.organisation.id, training({ title: "Samma dag", startsOn: "2025-07-10", endsOn: null, peopleTrained: 1 }), []));
    await createAction(ctx.db, manager, a.organisation.id, training({ type: "awareness", title: "=HYPERLINK(\"x\") kampanj", startsOn: "2026-01-15", endsOn: null, peopleTrained: null, reach: 50000 }), []);
    await createAction(ctx.db, actorFor(b.members.partner_manager), b.organisation.id, training({ type: "awareness", title: "B:s kampanj", startsOn: "2025-05-01", endsOn: null, peopleTrained: null, reach: 2000 }), []);
    await createAction(ctx.db, actorFor(b.members.partner_manager), b.organisation.id, training({ startsOn: "2025-05-01", endsOn: null, status: "cancelled" }), []);

    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listActions(ctx.db, a.organisation.id, { year: 2025, after }, 3);
      seen.push(...page.actions.map((x) => x.id));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen.slice(0, 2).sort()).toEqual(ids.slice(6, 8).sort());

    expect((await listActions(ctx.db, a.organisation.id, { status: "done" })).actions).toHaveLength(3);
    expect((await listActions(ctx.db, a.organisation.id, { type: "awareness" })).actions.map((x) => x.title)).toEqual(["=HYPERLINK(\"x\") kampanj"]);
    expect((await listActions(ctx.db, a.organisation.id, { q: "samma" })).actions.map((x) => x.title)).toEqual(["Samma dag"]);
    expect((await listActions(ctx.db, a.organisation.id, { q: "%" })).actions).toEqual([]);
    expect((await listActions(ctx.db, null, { q: "B:s" })).actions).toHaveLength(1);

    const csv = await actionsCsv(ctx.db, a.organisation.id, { type: "awareness" });
    expect(csv).toContain(`"'=HYPERLINK(""x"") kampanj"`);
    expect(csv).not.toContain("B:s kampanj");

    const overview = await collabOverview(ctx.db, 2025);
    expect(overview.byType.find((r) => r.type === "training")).toEqual({ type: "training", actions: 8, confirmed: 0, peopleTrained: 71, reach: 0 });
    expect(overview.byType.find((r) => r.type === "awareness")).toMatchObject({ actions: 1, reach: 2000 });
    expect(overview.byIndustry.find((r) => r.industry === "travel")).toMatchObject({ companies: 1, actions: 1, reach: 2000 });
    expect(overview.byIndustry.find((r) => r.industry === "hosting")).toMatchObject({ companies: 1, actions: 8 });
    expect(overview.totals).toEqual({ actions: 9, confirmed: 0, peopleTrained: 71, reach: 2000 });
  });
});
