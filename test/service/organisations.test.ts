import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { loadAuditPage } from "~/modules/audit/audit-page.server";
import { listAuditEvents, recordAudit, systemActor, type Actor } from "~/modules/audit/audit.server";
import { allowedDecisions, decideOrganisation, getOrganisation, getStatusHistory, listOrganisations } from "~/modules/organisations/organisations.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { createCompany, createOrganisation, createUser, outbox, rowCounts } from "../support/factories";

const ctx = useTestDb();

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

async function staffActor(): Promise<Actor> {
  const staff = await createUser(ctx.db, { staffRole: "staff" });
  return { ...systemActor(), userId: staff.id, label: staff.email, ip: "198.51.100.3" };
}

describe("partner lifecycle", () => {
  it("applied → under review → approved ⇄ suspended → offboarded, each with actor, time and reason, mailed to the admins", async () => {
    const { organisation, members } = await createCompany(ctx.db, { status: "applied" });
    const staff = await staffActor();
    await decideOrganisation(ctx.db, staff, organisation.id, "start_review", "Vi granskar.");
    await decideOrganisation(ctx.db, staff, organisation.id, "approve", "Allt i ordning.");
    await decideOrganisation(ctx.db, staff, organisation.id, "suspend", "Avtalet har gått ut.");
    await decideOrganisation(ctx.db, staff, organisation.id, "reinstate", "Nytt avtal.");
    await decideOrganisation(ctx.db, staff, organisation.id, "offboard", "På egen begäran.");
    expect((await getOrganisation(ctx.db, organisation.id))?.status).toBe("offboarded");
    const history = await getStatusHistory(ctx.db, organisation.id);
    expect(history.map((h) => h.to)).toEqual(["offboarded", "approved", "suspended", "approved", "under_review", "applied"]);
    expect(history[0]).toMatchObject({ reason: "På egen begäran.", byStaff: true });
    const mails = await outbox(ctx.db);
    expect(mails.map((m) => m.to_address)).toEqual(Array(5).fill(members.org_admin.email));
    expect(mails[1]!.subject).toBe(`${organisation.name} är godkänd som partner`);
    expect(mails[2]!.text_body).toContain("Avtalet har gått ut.");
    const { entries } = await listAuditEvents(ctx.db, { organisationId: organisation.id });
    expect(entries.map((e) => e.action)).toEqual([
      "organisation.offboard",
      "organisation.reinstate",
      "organisation.suspend",
      "organisation.approve",
      "organisation.start_review",
    ]);
    expect(entries[0]).toMatchObject({ actorUserId: staff.userId, ip: "198.51.100.3", details: { from: "approved", to: "offboarded", reason: "På egen begäran." } });
  });

  it("refuses decisions that do not fit the current status, and writes nothing", async () => {
    const organisation = await createOrganisation(ctx.db, { status: "rejected" });
    const staff = await staffActor();
    const before = await rowCounts(ctx.db);
    for (const decision of ["approve", "suspend", "reinstate", "offboard", "start_review"] as const) {
      await expectCode(decideOrganisation(ctx.db, staff, organisation.id, decision, "x"), "transition_not_allowed");
    }
    await expectCode(decideOrganisation(ctx.db, staff, "00000000-0000-7000-8000-000000000000", "approve", "x"), "not_found");
    expect(await rowCounts(ctx.db)).toEqual(before);
    expect(allowedDecisions("approved")).toEqual(["suspend", "offboard"]);
  });

  it("lists organisations alphabetically in keyset pages, filtered by status, industry and text", async () => {
    for (const name of ["Alfa AB", "Beta AB", "Gamma AB", "Delta AB", "Epsilon AB"]) await createOrganisation(ctx.db, { name, industry: name === "Beta AB" ? "travel" : "hosting" });
    await createOrganisation(ctx.db, { name: "Zeta AB", status: "applied" });
    const first = await listOrganisations(ctx.db, { status: "approved", limit: 2 });
    expect(first.organisations.map((o) => o.name)).toEqual(["Alfa AB", "Beta AB"]);
    const second = await listOrganisations(ctx.db, { status: "approved", limit: 2, after: first.next! });
    expect(second.organisations.map((o) => o.name)).toEqual(["Delta AB", "Epsilon AB"]);
    const third = await listOrganisations(ctx.db, { status: "approved", limit: 2, after: second.next! });
    expect(third.organisations.map((o) => o.name)).toEqual(["Gamma AB"]);
    expect(third.next).toBeNull();
    expect((await listOrganisations(ctx.db, { industry: "travel" })).organisations.map((o) => o.name)).toEqual(["Beta AB"]);
    expect((await listOrganisations(ctx.db, { q: "ta A" })).organisations.map((o) => o.name)).toEqual(["Beta AB", "Delta AB", "Zeta AB"]);
    // LIKE wildcards in the search are taken literally.
    expect((await listOrganisations(ctx.db, { q: "%" })).organisations).toEqual([]);
  });
});

describe("audit log", () => {
  it("shows a company that NGO staff decided, but not who or from where", async () => {
    const { organisation } = await createCompany(ctx.db, { status: "applied" });
    const staff = await staffActor();
    await decideOrganisation(ctx.db, staff, organisation.id, "approve", "OK");
    const companyView = await loadAuditPage(ctx.db, new URL("http://portal.test/app/audit"), { organisationId: organisation.id });
    expect(companyView.entries[0]).toMatchObject({ action: "organisation.approve", actor: null, actorIsStaff: true, ip: null });
    const staffView = await loadAuditPage(ctx.db, new URL("http://portal.test/staff/audit"), {});
    expect(staffView.entries[0]).toMatchObject({ action: "organisation.approve", actor: staff.label, ip: "198.51.100.3" });
  });

  it("is append-only: the database refuses to change or delete an event", async () => {
    await recordAudit(ctx.db, systemActor(), { action: "test.event", details: { a: 1 } });
    await expect(sql`UPDATE audit_event SET action = 'tampered'`.execute(ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_event`.execute(ctx.db)).rejects.toThrow(/append-only/);
    const { entries } = await listAuditEvents(ctx.db, {});
    expect(entries.map((e) => [e.action, e.details])).toEqual([["test.event", { a: 1 }]]);
  });

  it("filters by organisation, action prefix, actor and time, newest first in keyset pages", async () => {
    const a = await createOrganisation(ctx.db);
    const b = await createOrganisation(ctx.db);
    const actor = { ...systemActor(), label: "ada@example.test" };
    for (let i = 0; i < 5; i++) await recordAudit(ctx.db, actor, { action: `member.event${i}`, organisationId: a.id });
    await recordAudit(ctx.db, { ...systemActor(), label: "bob@example.test" }, { action: "member.other", organisationId: b.id });
    const page1 = await listAuditEvents(ctx.db, { organisationId: a.id, limit: 3 });
    expect(page1.entries.map((e) => e.action)).toEqual(["member.event4", "member.event3", "member.event2"]);
    const [at, id] = page1.next!.split("_");
    const page2 = await listAuditEvents(ctx.db, { organisationId: a.id, limit: 3, before: { at: Number(at), id: id! } });
    expect(page2.entries.map((e) => e.action)).toEqual(["member.event1", "member.event0"]);
    expect((await listAuditEvents(ctx.db, { actor: "BOB" })).entries.map((e) => e.action)).toEqual(["member.other"]);
    expect((await listAuditEvents(ctx.db, { action: "member.event" })).entries).toHaveLength(5);
    expect((await listAuditEvents(ctx.db, { from: Date.now() + 60_000 })).entries).toHaveLength(0);
  });
});
