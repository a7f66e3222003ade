/**
 * The staff hash-list pages over real HTTP: uploads streamed from the request into the import (a file
 * larger than any other upload the portal takes included), the refusals, removing an entry, creating
 * a list, and granting lists on the organisation page.
 */
import crypto from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_EVIDENCE_BYTES } from "~/modules/assessments/evidence.server";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import { importHashFile, listImports } from "~/modules/hashlist/import.server";
import { getHashList } from "~/modules/hashlist/lists.server";
import { syntheticHashFile } from "~/modules/hashlist/synthetic.server";
import { ALGORITHM_CODE, bytesToHex } from "~/modules/hashlist/values";
import { systemActor } from "~/modules/audit/audit.server";
import { useTestDb } from "../support/db";
import { auditActions, createCompany, createUser, sessionCookie } from "../support/factories";
import { setUpHashLists } from "../support/hashlist";
import { followDb } from "../support/personas";
import { startTestServer, type TestServer } from "../support/server";

const ctx = useTestDb();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(followDb(ctx));
});
afterAll(async () => server?.close());

const md5 = (n: number) => crypto.createHash("md5").update(`staff-${n}`).digest("hex");
const sha256 = (n: number) => crypto.createHash("sha256").update(`staff-${n}`).digest("hex");

async function setUp() {
  const lists = await setUpHashLists(ctx.db);
  const admin = await createUser(ctx.db, { staffRole: "staff_admin", name: "Hash Admin" });
  const staff = await createUser(ctx.db, { staffRole: "staff", name: "Hash Staff" });
  return { ...lists, adminCookie: await sessionCookie(ctx.db, admin.id), staffCookie: await sessionCookie(ctx.db, staff.id), admin, staff };
}

/** The upload form as the page sends it: the fields first, the file last. */
function uploadForm(file: { name: string; content: string | Uint8Array<ArrayBuffer> } | null, fields: Record<string, string> = { intent: "import", mode: "add" }, fileFirst = false) {
  const form = new FormData();
  const addFile = () => file && form.append("file", new Blob([file.content]), file.name);
  if (fileFirst) addFile();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (!fileFirst) addFile();
  return form;
}

const entryRows = (listId: number) => ctx.db.selectFrom("hash_entry").select(["algorithm", "value", "live", "source"]).where("list_id", "=", listId).orderBy("added_seq").execute();

describe("uploading a list file", () => {
  it("streams it into the list and shows the report with every rejected line and its reason", async () => {
    const { industry, adminCookie, admin } = await setUp();
    const csv = ["algorithm,value,category", `md5,${md5(1)},A`, `sha256,${sha256(1)},`, `md5,${md5(1)},A`, "md5,not-hex,", `sha512,${sha256(2)},`, `sha256,${sha256(3)},Z`].join("\n");
    const res = await server.fetch(`/staff/hashlists/${industry.id}`, { method: "POST", body: uploadForm({ name: "leverans.csv", content: csv }, { intent: "import", mode: "add", source: "IWF 2025-06" }), cookie: adminCookie });
    expect(res.status).toBe(302);
    const [report] = await listImports(ctx.db, industry.id);
    expect(report).toMatchObject({ fileName: "leverans.csv", format: "csv", status: "done", lines: 7, added: 2, duplicates: 1, rejected: 3, startedBy: admin.id });
    expect(res.headers.get("location")).toBe(`/staff/hashlists/imports/${report!.id}?notice=hashlist_imported`);
    expect((await entryRows(industry.id)).map((r) => [Number(r.algorithm), bytesToHex(r.value), r.source])).toEqual([
      [ALGORITHM_CODE.md5, md5(1), "IWF 2025-06"],
      [ALGORITHM_CODE.sha256, sha256(1), "IWF 2025-06"],
    ]);

    const page = await server.fetch(res.headers.get("location")!, { cookie: adminCookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Importen är klar.");
    expect(html).toContain("leverans.csv");
    expect(html).toContain("Hash Admin");
    for (const [line, reason] of [
      [5, "Hashvärdet är inte hexadecimalt."],
      [6, "Okänd algoritm (md5, sha1, sha256, pdq eller photodna)."],
      [7, "Okänd kategori (A, B, C eller unknown)."],
    ] as const) {
      expect(html).toMatch(new RegExp(`<td>${line}</td><td>${reason.replace(/[().]/g, "\\$&")}</td>`));
    }

    // The list page and the overview show the import.
    for (const url of [`/staff/hashlists/${industry.id}`, "/staff/hashlists"]) {
      const list = await server.fetch(url, { cookie: adminCookie });
      expect(list.status).toBe(200);
      expect(await list.text()).toContain(`/staff/hashlists/imports/${report!.id}`);
    }
  });

  it("takes a file larger than any other upload, importing it while it is still being sent", { timeout: 120_000 }, async () => {
    const { industry, adminCookie } = await setUp();
    const chunks = [...syntheticHashFile({ count: 125_000, seed: "http", chunkLines: 500 })].map((c) => Buffer.from(c));
    const fileBytes = chunks.reduce((n, c) => n + c.length, 0);
    expect(fileBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(fileBytes).toBeGreaterThan(MAX_EVIDENCE_BYTES);

    const boundary = `----staff-upload-${crypto.randomBytes(8).toString("hex")}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const head = Buffer.from(
      field("intent", "import") + field("mode", "add") + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="generated.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const parts = [head, ...chunks, tail];
    const length = parts.reduce((n, c) => n + c.length, 0);

    // Halfway through the file the client waits until the server has written lines of it: a server
    // that read the whole body before importing would never get there.
    let sent = 0;
    let sawRunning = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === Math.floor(parts.length / 2)) {
          for (let i = 0; i < 400 && !sawRunning; i++) {
            const running = await ctx.db.selectFrom("hash_import").select(["lines", "added"]).where("status", "=", "running").executeTakeFirst();
            sawRunning = !!running && Number(running.added) > 0;
            if (!sawRunning) await new Promise((r) => setTimeout(r, 50));
          }
          if (!sawRunning) return controller.error(new Error("the server did not import while the file was being sent"));
        }
        const part = parts[sent++];
        if (part) controller.enqueue(part);
        else controller.close();
      },
    });
    const res = await server.fetch(`/staff/hashlists/${industry.id}`, {
      method: "POST",
      body,
      duplex: "half",
      cookie: adminCookie,
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(length) },
    } as RequestInit & { duplex: "half"; cookie: string });
    expect(sawRunning).toBe(true);
    expect(res.status).toBe(302);
    const [report] = await listImports(ctx.db, industry.id);
    expect(report).toMatchObject({ fileName: "generated.csv", status: "done", lines: 125_001, added: 125_000, rejected: 0 });
    expect((await getHashList(ctx.db, industry.id))!.liveCount).toBe(125_000);
  });

  it("refuses what it cannot import with a translated message, and writes nothing", async () => {
    const { industry, test, adminCookie, staffCookie } = await setUp();
    const good = `algorithm,value\nmd5,${md5(1)}\n`;
    const cases: [string, FormData, number, string][] = [
      ["an unknown format", uploadForm({ name: "list.txt", content: `md5 ${md5(1)}\n` }), 400, "Filen är varken CSV eller JSON Lines."],
      ["a JSON array", uploadForm({ name: "list.json", content: `[{"algorithm":"md5","value":"${md5(1)}"}]` }), 400, "Filen är varken CSV eller JSON Lines."],
      ["no file chosen", uploadForm({ name: "", content: "" }), 400, "Välj en fil att importera."],
      ["no file part", uploadForm(null), 400, "Välj en fil att importera."],
      ["an empty file", uploadForm({ name: "empty.csv", content: "" }), 400, "Filen är tom."],
      ["no mode", uploadForm({ name: "a.csv", content: good }, { intent: "import" }), 400, "Några uppgifter behöver rättas."],
      ["a wrong mode", uploadForm({ name: "a.csv", content: good }, { intent: "import", mode: "replace" }), 400, "Några uppgifter behöver rättas."],
      ["a source too long", uploadForm({ name: "a.csv", content: good }, { intent: "import", mode: "add", source: "x".repeat(101) }), 400, "Högst 100 tecken."],
      ["the fields after the file", uploadForm({ name: "a.csv", content: good }, { intent: "import", mode: "add" }, true), 400, "Formulärets fält måste skickas före filen."],
    ];
    for (const [what, form, status, message] of cases) {
      const res = await server.fetch(`/staff/hashlists/${industry.id}`, { method: "POST", body: form, cookie: adminCookie });
      expect(res.status, what).toBe(status);
      expect(await res.text(), what).toContain(message);
    }
    // The test list keeps its canaries; staff who are not admins import nothing; no such list: 404.
    const testBefore = (await getHashList(ctx.db, test.id))!;
    const testList = await server.fetch(`/staff/hashlists/${test.id}`, { method: "POST", body: uploadForm({ name: "a.csv", content: good }), cookie: adminCookie });
    expect(testList.status).toBe(409);
    expect(await testList.text()).toContain("Testlistan kan inte ändras.");
    expect(await getHashList(ctx.db, test.id)).toEqual(testBefore);
    expect((await server.fetch(`/staff/hashlists/${industry.id}`, { method: "POST", body: uploadForm({ name: "a.csv", content: good }), cookie: staffCookie })).status).toBe(403);
    expect((await server.fetch("/staff/hashlists/999999", { method: "POST", body: uploadForm({ name: "a.csv", content: good }), cookie: adminCookie })).status).toBe(404);

    expect(await listImports(ctx.db, null)).toEqual([]);
    expect(await entryRows(industry.id)).toEqual([]);
  });

  it("a CSV file without a header: the import fails and its report says why", async () => {
    const { industry, adminCookie } = await setUp();
    const res = await server.fetch(`/staff/hashlists/${industry.id}`, { method: "POST", body: uploadForm({ name: "a.csv", content: `md5,${md5(1)}\nmd5,${md5(2)}\n` }), cookie: adminCookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/notice=hashlist_import_failed$/);
    const html = await (await server.fetch(res.headers.get("location")!, { cookie: adminCookie })).text();
    expect(html).toContain("Filen saknar en rubrikrad med kolumnerna algorithm och value.");
    expect(await entryRows(industry.id)).toEqual([]);
  });
});

describe("removing an entry, creating a list", () => {
  it("removes a single entry with an audit event; refuses bad values and values not on the list", async () => {
    const { industry, adminCookie, staffCookie } = await setUp();
    await importHashFile(ctx.db, systemActor(), industry.id, Readable.from([`algorithm,value\nsha256,${sha256(1)}\nsha256,${sha256(2)}\n`]), { fileName: "a.csv", format: "csv" });
    const url = `/staff/hashlists/${industry.id}`;
    const form = (value: string) => ({ intent: "remove_entry", algorithm: "sha256", value });
    expect((await server.fetch(url, { cookie: staffCookie, form: form(sha256(1)) })).status).toBe(403);

    const bad = await server.fetch(url, { cookie: adminCookie, form: form("abc") });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Hashvärdet har fel längd för algoritmen.");
    const missing = await server.fetch(url, { cookie: adminCookie, form: form(sha256(3)) });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Värdet finns inte i listan.");

    const ok = await server.fetch(url, { cookie: adminCookie, form: form(sha256(1).toUpperCase()) });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`${url}?notice=hash_entry_removed`);
    expect((await entryRows(industry.id)).map((r) => [bytesToHex(r.value), r.live === null ? null : Number(r.live)])).toEqual([
      [sha256(1), null],
      [sha256(2), 1],
    ]);
    expect(await auditActions(ctx.db)).toContain("hashlist.entries_removed");
  });

  it("creates a list from the overview, validating the short name", async () => {
    const { adminCookie, staffCookie } = await setUp();
    const form = { intent: "create", slug: "ngo-partner", nameSv: "Partnerlistan", nameEn: "Partner list", descriptionSv: "", descriptionEn: "" };
    expect((await server.fetch("/staff/hashlists", { cookie: staffCookie, form })).status).toBe(403);
    const invalid = await server.fetch("/staff/hashlists", { cookie: adminCookie, form: { ...form, slug: "Not OK" } });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("Kortnamnet ska ha 2–40 tecken");
    const ok = await server.fetch("/staff/hashlists", { cookie: adminCookie, form });
    expect(ok.status).toBe(302);
    const list = (await getHashList(ctx.db, "ngo-partner"))!;
    expect(list).toMatchObject({ name: { sv: "Partnerlistan", en: "Partner list" }, description: { sv: null, en: null }, isTest: false });
    expect(ok.headers.get("location")).toBe(`/staff/hashlists/${list.id}?notice=hashlist_created`);
    const taken = await server.fetch("/staff/hashlists", { cookie: adminCookie, form });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Det finns redan en lista med den kortnamnet.");

    const page = await (await server.fetch("/staff/hashlists", { cookie: staffCookie })).text();
    expect(page).toContain("Partnerlistan");
    // Staff who may not manage lists do not get the form.
    expect(page).not.toContain('name="nameSv"');
    // The agreement versions, with their checksums.
    const agreement = await ctx.db.selectFrom("agreement_version").select(["version", "sha256"]).where("kind", "=", "data_use").executeTakeFirstOrThrow();
    expect(page).toContain(agreement.sha256);
  });
});

describe("granting lists on the organisation page", () => {
  it("shows the gates and sets exactly the granted lists; other intents still work", async () => {
    const { industry, test, staffCookie } = await setUp();
    const company = await createCompany(ctx.db, { status: "approved", name: "Grant Target AB" });
    const url = `/staff/organisations/${company.organisation.id}`;

    const before = await (await server.fetch(url, { cookie: staffCookie })).text();
    expect(before).toContain("Åtkomst till hashlistor");
    expect(before).toContain("är inte godkänd."); // the agreement
    expect(before).toContain(`name="lists" value="${industry.id}"`);
    expect(before).not.toContain(`name="lists" value="${test.id}"`);
    expect(before).not.toContain(`name="lists" checked=""`);

    const granted = await server.fetch(url, { cookie: staffCookie, form: { intent: "grant_lists", lists: [String(industry.id)], baseVersion: "1" } });
    expect(granted.status).toBe(302);
    expect(granted.headers.get("location")).toBe(`${url}?notice=hashlist_grants_saved#hashlists`);
    expect((await getHashlistAccess(ctx.db, company.organisation.id)).granted.map((l) => l.slug)).toEqual(["industry"]);
    expect(await auditActions(ctx.db, company.organisation.id)).toContain("hashlist.grants_changed");
    const after = await (await server.fetch(url, { cookie: staffCookie })).text();
    expect(after).toMatch(new RegExp(`<a [^>]*href="/staff/hashlists/${industry.id}"[^>]*>Branschlistan</a>`));
    expect(after).toMatch(new RegExp(`<input [^>]*name="lists" checked="" value="${industry.id}"`));

    // The test list is never granted; nor is a list that does not exist.
    for (const lists of [[String(test.id)], ["999"], ["abc"]]) {
      const refused = await server.fetch(url, { cookie: staffCookie, form: { intent: "grant_lists", lists, baseVersion: "2" } });
      expect(refused.status, lists.join()).toBe(400);
    }
    // A form loaded before that grant is stale: a conflict, nothing changed.
    const stale = await server.fetch(url, { cookie: staffCookie, form: { intent: "grant_lists", baseVersion: "1" } });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("Någon annan ändrade samtidigt.");
    expect((await getHashlistAccess(ctx.db, company.organisation.id)).granted.map((l) => l.slug)).toEqual(["industry"]);
    // None: every list revoked.
    const revoked = await server.fetch(url, { cookie: staffCookie, form: { intent: "grant_lists", baseVersion: "2" } });
    expect(revoked.status).toBe(302);
    expect((await getHashlistAccess(ctx.db, company.organisation.id)).granted).toEqual([]);

    // An organisation that is not approved is granted nothing.
    const applied = await createCompany(ctx.db, { status: "applied" });
    const notApproved = await server.fetch(`/staff/organisations/${applied.organisation.id}`, { cookie: staffCookie, form: { intent: "grant_lists", lists: [String(industry.id)], baseVersion: "1" } });
    expect(notApproved.status).toBe(409);
    expect(await notApproved.text()).toContain("Organisationen är inte godkänd.");

    // Decisions on the same page as before.
    const decided = await server.fetch(url, { cookie: staffCookie, form: { intent: "suspend", reason: "Testing the page" } });
    expect(decided.status).toBe(302);
    expect(decided.headers.get("location")).toBe(`${url}?notice=decision_suspend`);
    const noReason = await server.fetch(`/staff/organisations/${applied.organisation.id}`, { cookie: staffCookie, form: { intent: "start_review" } });
    expect(noReason.status).toBe(400);
  });
});
