/**
 * Collaborative actions over real HTTP: a company logs, files and comments on its own actions and
 * never sees another company's; bad input is refused with a translated message and writes nothing;
 * staff confirm, ask for changes and see the overview (SVG charts with the numbers as tables, CSV).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addActionComment, createAction } from "~/modules/collaboration/collaboration.server";
import { addActionFile } from "~/modules/collaboration/files.server";
import { sv } from "~/modules/i18n/locales/sv";
import { useTestDb } from "../support/db";
import { createCompany, createUser, outbox, sessionCookie } from "../support/factories";
import { changedTables, dbSnapshot, followDb } from "../support/personas";
import { startTestServer, type TestServer } from "../support/server";
import { training } from "../support/collaboration";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

const PDF = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n%%EOF\n";

async function setUp() {
  const a = await createCompany(ctx.db, { name: "Alfa Samverkan AB" });
  const b = await createCompany(ctx.db, { name: "Beta Samverkan AB" });
  const bManager = b.members.partner_manager;
  const bActor = { userId: bManager.id, label: bManager.email, ip: null, userAgent: null };
  const bAction = await createAction(ctx.db, bActor, b.organisation.id, training({ title: "Betas hemliga workshop", description: "Beta-intern beskrivning" }), []);
  const bFile = await addActionFile(ctx.db, bActor, b.organisation.id, bAction, { name: "beta.pdf", bytes: new TextEncoder().encode(PDF) });
  await addActionComment(ctx.db, bActor, b.organisation.id, bAction, "Betas hemliga kommentar");
  const staff = await createUser(ctx.db, { staffRole: "staff", name: "Sara Staff" });
  return {
    a,
    b,
    bAction,
    bFile: bFile.id,
    manager: await sessionCookie(ctx.db, a.members.partner_manager.id, { organisationId: a.organisation.id }),
    engineer: await sessionCookie(ctx.db, a.members.engineer.id, { organisationId: a.organisation.id }),
    staff: await sessionCookie(ctx.db, staff.id),
  };
}

const form = {
  type: "training",
  title: "Utbildning för kundtjänst",
  startsOn: "2026-03-02",
  endsOn: "2026-03-03",
  description: "Två halvdagar.",
  status: "done",
  peopleTrained: "38",
  links: "https://example.org/program",
};

function upload(name: string, bytes: Uint8Array<ArrayBuffer> | string) {
  const body = new FormData();
  body.set("intent", "file");
  body.set("file", new Blob([bytes]), name);
  return body;
}

const B_SECRETS = ["Betas hemliga workshop", "Beta-intern beskrivning", "Betas hemliga kommentar", "Beta Samverkan AB", "beta.pdf"];

describe("collaborative actions over HTTP", () => {
  it("a partner manager logs an action, attaches a file, requests confirmation; staff confirm; CSV", async () => {
    const w = await setUp();
    const created = await server.fetch("/app/collaboration/new", { cookie: w.manager, form });
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/app\/collaboration\/[0-9a-f-]{36}\?notice=collab_created$/);
    const id = location.split("/")[3]!.split("?")[0]!;
    const base = `/app/collaboration/${id}`;

    const file = await server.fetch(base, { method: "POST", body: upload("Program för dagen.pdf", PDF), cookie: w.manager });
    expect(file.status).toBe(302);
    // A file of 3 MB: more than any form may send (1 MB), within what a file may be (5 MB).
    const large = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    large.set(new TextEncoder().encode(PDF));
    expect((await server.fetch(base, { method: "POST", body: upload("Presentation.pdf", large), cookie: w.manager })).status).toBe(302);
    expect(await ctx.db.selectFrom("collab_file").select("size").where("action_id", "=", id).orderBy("size", "desc").executeTakeFirstOrThrow()).toEqual({ size: large.length });
    const stored = await ctx.db.selectFrom("collab_file").select(["id", "sha256", "mime"]).where("action_id", "=", id).orderBy("size").limit(1).executeTakeFirstOrThrow();
    const download = await server.fetch(`${base}/files/${stored.id}`, { cookie: w.manager });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("x-evidence-sha256")).toBe(stored.sha256);
    // The engineer may read the company's actions but not change them.
    expect((await server.fetch(`${base}/files/${stored.id}`, { cookie: w.engineer })).status).toBe(200);
    expect((await server.fetch(base, { cookie: w.engineer, form: { intent: "comment", body: "Hej" } })).status).toBe(403);

    const request = await server.fetch(base, { cookie: w.manager, form: { intent: "request", revision: "1" } });
    expect(request.status).toBe(302);
    const queue = await (await server.fetch("/staff/collaboration", { cookie: w.staff })).text();
    expect(queue).toContain("Utbildning för kundtjänst");

    // Staff confirm a revision that is no longer current: a conflict, nothing written.
    const before = await dbSnapshot(ctx.db);
    const stale = await server.fetch(`/staff/collaboration/${id}`, { cookie: w.staff, form: { intent: "confirm", revision: "7" } });
    expect(stale.status).toBe(409);
    expect(changedTables(before, await dbSnapshot(ctx.db))).toEqual([]);
    const confirmed = await server.fetch(`/staff/collaboration/${id}`, { cookie: w.staff, form: { intent: "confirm", revision: "1", body: "Tack!" } });
    expect(confirmed.status).toBe(302);
    const page = await (await server.fetch(base, { cookie: w.manager })).text();
    expect(page).toContain(sv.collabConfirmation.confirmed);
    expect(page).toContain("Tack!");
    expect((await outbox(ctx.db)).map((m) => m.template)).toEqual(expect.arrayContaining(["collab_confirmation_requested", "collab_confirmed"]));

    const csv = await server.fetch("/app/collaboration/export.csv?type=training", { cookie: w.manager });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = await csv.text();
    expect(text).toContain("Utbildning för kundtjänst");
    for (const secret of B_SECRETS) expect(text).not.toContain(secret);
  });

  it("a company never sees another company's actions, comments or files", async () => {
    const w = await setUp();
    for (const url of ["/app/collaboration", "/app/collaboration?q=Beta", "/app/collaboration/export.csv"]) {
      const body = await (await server.fetch(url, { cookie: w.manager })).text();
      for (const secret of B_SECRETS) expect(body, url).not.toContain(secret);
    }
    for (const url of [`/app/collaboration/${w.bAction}`, `/app/collaboration/${w.bAction}/edit`, `/app/collaboration/${w.bAction}/files/${w.bFile}`]) {
      const res = await server.fetch(url, { cookie: w.manager });
      const body = await res.text();
      expect(res.status, url).toBe(404);
      for (const secret of B_SECRETS) expect(body, url).not.toContain(secret);
    }
    const before = await dbSnapshot(ctx.db);
    const forms: Record<string, string>[] = [{ intent: "comment", body: "Hej" }, { intent: "remove_file", fileId: w.bFile }, { intent: "request", revision: "1" }];
    for (const body of forms) {
      expect((await server.fetch(`/app/collaboration/${w.bAction}`, { cookie: w.manager, form: body })).status).toBe(404);
    }
    expect((await server.fetch(`/app/collaboration/${w.bAction}`, { method: "POST", body: upload("x.pdf", PDF), cookie: w.manager })).status).toBe(404);
    expect((await server.fetch(`/app/collaboration/${w.bAction}/edit`, { cookie: w.manager, form: { ...form, baseRevision: "1" } })).status).toBe(404);
    expect(changedTables(before, await dbSnapshot(ctx.db))).toEqual([]);
    // Staff see every company's.
    const all = await (await server.fetch("/staff/collaboration?q=Beta", { cookie: w.staff })).text();
    expect(all).toContain("Betas hemliga workshop");
    // One company's, from its page in the back office.
    const ofB = await (await server.fetch(`/staff/collaboration?organisationId=${w.b.organisation.id}`, { cookie: w.staff })).text();
    expect(ofB).toContain("Betas hemliga workshop");
    expect(ofB).toContain("Visar aktiviteterna för Beta Samverkan AB.");
    const ofA = await (await server.fetch(`/staff/collaboration?organisationId=${w.a.organisation.id}`, { cookie: w.staff })).text();
    expect(ofA).not.toContain("Betas hemliga workshop");
  });

  it("refuses bad input with a translated message (400, not 500) and writes nothing", async () => {
    const w = await setUp();
    const before = await dbSnapshot(ctx.db);
    const cases: [Record<string, string>, string][] = [
      [{ ...form, endsOn: "2026-03-01" }, sv.errors.collab_dates_order],
      [{ ...form, peopleTrained: "-5" }, "Minst 0."],
      [{ ...form, reach: "1000" }, sv.errors.collab_figure_not_for_type],
      [{ ...form, type: "webinar" }, sv.errors.invalid_choice],
      [{ ...form, startsOn: "2026-02-31" }, sv.errors.invalid_date],
      [{ ...form, type: "donation", peopleTrained: "", amount: "5000" }, sv.errors.collab_currency_required],
      [{ ...form, links: "javascript:alert(1)" }, sv.errors.invalid_url],
      [{ ...form, targets: "plan_item:someone-elses" }, sv.errors.collab_target_unknown],
    ];
    for (const [body, message] of cases) {
      const res = await server.fetch("/app/collaboration/new", { cookie: w.manager, form: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.text(), JSON.stringify(body)).toContain(message.replace("{{n}}", "0"));
    }
    // Files: disguised, oversized, empty.
    const id = await createAction(ctx.db, { userId: w.a.members.partner_manager.id, label: "x", ip: null, userAgent: null }, w.a.organisation.id, training(), []);
    const afterCreate = await dbSnapshot(ctx.db);
    const html = await server.fetch(`/app/collaboration/${id}`, { method: "POST", body: upload("program.pdf", "<html><script>alert(1)</script></html>"), cookie: w.manager });
    expect(html.status).toBe(415);
    expect(await html.text()).toContain("Filtypen tillåts inte");
    const big = await server.fetch(`/app/collaboration/${id}`, { method: "POST", body: upload("big.pdf", new Uint8Array(7 * 1024 * 1024)), cookie: w.manager });
    expect(big.status).toBe(413);
    expect((await server.fetch(`/app/collaboration/${id}`, { method: "POST", body: upload("empty.pdf", ""), cookie: w.manager })).status).toBe(400);
    expect(changedTables(afterCreate, await dbSnapshot(ctx.db))).toEqual([]);
    expect(changedTables(before, afterCreate)).not.toEqual([]);
    // Asking for changes without a comment.
    const requested = await server.fetch(`/app/collaboration/${id}`, { cookie: w.manager, form: { intent: "request", revision: "1" } });
    expect(requested.status).toBe(400); // still planned: only a done action is confirmed
    const refusedText = await requested.text();
    expect(refusedText).toContain(sv.errors.collab_not_done);
  });

  it("staff: ask for changes with a comment, record on behalf, the overview as charts, tables and CSV", async () => {
    const w = await setUp();
    const actor = { userId: w.a.members.partner_manager.id, label: "m", ip: null, userAgent: null };
    const id = await createAction(ctx.db, actor, w.a.organisation.id, training({ status: "done" }), []);
    await server.fetch(`/app/collaboration/${id}`, { cookie: w.manager, form: { intent: "request", revision: "1" } });
    const empty = await server.fetch(`/staff/collaboration/${id}`, { cookie: w.staff, form: { intent: "ask_changes", revision: "1", body: "" } });
    expect(empty.status).toBe(400);
    const asked = await server.fetch(`/staff/collaboration/${id}`, { cookie: w.staff, form: { intent: "ask_changes", revision: "1", body: "Lägg till vilka som var med." } });
    expect(asked.status).toBe(302);
    const page = await (await server.fetch(`/app/collaboration/${id}`, { cookie: w.manager })).text();
    expect(page).toContain("Lägg till vilka som var med.");
    expect(page).toContain(sv.collabConfirmation.changes_requested);

    const onBehalf = await server.fetch("/staff/collaboration/new", { cookie: w.staff, form: { ...form, title: "Registrerad av oss", organisationId: w.a.organisation.id } });
    expect(onBehalf.status).toBe(302);
    const list = await (await server.fetch("/app/collaboration", { cookie: w.manager })).text();
    expect(list).toContain("Registrerad av oss");
    expect(list).toContain(sv.collab.onBehalf);

    const overview = await (await server.fetch("/staff/collaboration/overview?year=2026", { cookie: w.staff })).text();
    expect(overview).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="chart-type-actions-title chart-type-actions-desc"/);
    expect(overview).toContain('<title id="chart-type-actions-title">Aktiviteter per typ 2026</title>');
    expect(overview).toContain("<caption>Aktiviteter per typ 2026</caption>");
    const csv = await (await server.fetch("/staff/collaboration/overview.csv?year=2026", { cookie: w.staff })).text();
    expect(csv).toContain("2026,type,training,,3,0,114,0");
    expect(csv).toContain("2026,industry,hosting,2,3,0,114,0");
  });
});
