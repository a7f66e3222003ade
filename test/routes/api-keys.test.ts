/**
 * The hash-list pages through their loaders and actions: the key form (bad input, step-up, the secret
 * shown once and stored only as its SHA-256, tenancy, roles) and accepting the data-use agreement.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Db } from "#db/dialect";
import { AGREEMENTS_DIR, getCurrentAgreement, listAcceptances, publishMissingAgreements } from "~/modules/agreements/agreements.server";
import { MAX_CIDRS, MAX_GRACE_DAYS, MAX_KEY_DAYS, SCOPES } from "~/modules/api-keys/api-keys.server";
import { KEY_PATTERN } from "~/modules/api-keys/key-format.server";
import { GRACE_DAYS_MAX, KEY_CIDRS_MAX, KEY_DAYS_MAX, KEY_SCOPES } from "~/modules/api-keys/schema";
import { systemActor } from "~/modules/audit/audit.server";
import { createSession } from "~/modules/auth/session.server";
import { createHashList } from "~/modules/hashlist/lists.server";
import { addMembership } from "~/modules/members/members.server";
import * as home from "~/routes/app+/_index";
import * as apiKeys from "~/routes/app+/api-keys";
import * as hashlist from "~/routes/app+/hashlist";
import { useTestDb } from "../support/db";
import { createCompany, createUser, sessionCookie } from "../support/factories";
import { companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";
import { run, testContext, testRequest } from "../support/routes";

const ctx = useTestDb();
const staff = systemActor("test staff");
const HOUR = 3_600_000;

type Company = Awaited<ReturnType<typeof createCompany>>;

/** Company A and company B with access to the industry list; a further list granted to nobody. */
async function world() {
  const { test, industry } = await setUpHashLists(ctx.db);
  const restricted = await createHashList(ctx.db, staff, { slug: "restricted", name: { sv: "Begränsad", en: "Restricted" } });
  const a = await companyWithAccess(ctx.db, [industry.id], { name: "Alfa Keys AB" });
  const b = await companyWithAccess(ctx.db, [industry.id], { name: "Beta Keys AB" });
  const engineer = await sessionCookie(ctx.db, a.members.engineer.id, { organisationId: a.organisation.id });
  return { test, industry, restricted, a, b, engineer };
}

/** A session whose second factor was given an hour ago: signed in, but not fresh enough for step-up. */
async function staleCookie(userId: string, organisationId: string) {
  const { cookie } = await createSession(ctx.db, userId, { ip: null, userAgent: "vitest", twoFactorAt: Date.now() - HOUR, activeOrganisationId: organisationId });
  return cookie.split(";")[0]!;
}

/** An engineer of the company with TOTP enrolled. */
async function totpEngineer(company: Company) {
  const user = await createUser(ctx.db, { totp: true, name: "Tove Totp" });
  await addMembership(ctx.db, company.organisation.id, user.id, ["engineer"]);
  return user;
}

async function keyRows(db: Db) {
  return {
    keys: await db.selectFrom("api_key").selectAll().orderBy("id").execute(),
    lists: await db.selectFrom("api_key_list").selectAll().orderBy("key_id").orderBy("list_id").execute(),
  };
}

const auditCount = async () => Number((await ctx.db.selectFrom("audit_event").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

function post(form: Record<string, string | string[]>, cookie: string | undefined, page = "/app/api-keys") {
  return run((page === "/app/hashlist" ? hashlist.action : apiKeys.action) as never, testRequest(page, { form, cookie }), testContext(ctx.db));
}

describe("the key form's limits", () => {
  it("are the service's", () => {
    expect([...KEY_SCOPES]).toEqual([...SCOPES]);
    expect(KEY_DAYS_MAX).toBe(MAX_KEY_DAYS);
    expect(GRACE_DAYS_MAX).toBe(MAX_GRACE_DAYS);
    expect(KEY_CIDRS_MAX).toBe(MAX_CIDRS);
  });
});

describe("creating a key", () => {
  it("bad input is refused with the field's error, and nothing is written", async () => {
    const w = await world();
    const existing = await keyFor(ctx.db, w.a, { listIds: [w.industry.id] });
    const valid = { intent: "create", name: "CI", scopes: ["hashlist:read"], lists: [String(w.industry.id)], days: "90" };
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ ...valid, name: "" }, "name", "required"],
      [{ ...valid, name: "   " }, "name", "required"],
      [{ ...valid, name: "x".repeat(101) }, "name", "too_long:100"],
      [{ ...valid, scopes: [] }, "scopes", "choose_one"],
      [{ ...valid, scopes: ["hashlist:write"] }, "scopes", "invalid_choice"],
      [{ ...valid, lists: [] }, "lists", "choose_one"],
      [{ ...valid, lists: [String(w.restricted.id)] }, "lists", "invalid_choice"],
      [{ ...valid, lists: ["9999"] }, "lists", "invalid_choice"],
      [{ ...valid, lists: ["industry"] }, "lists", "invalid_choice"],
      [{ ...valid, days: "0" }, "days", "key_expiry_range"],
      [{ ...valid, days: "366" }, "days", "key_expiry_range"],
      [{ ...valid, days: "1.5" }, "days", "key_expiry_range"],
      [{ ...valid, days: "" }, "days", "key_expiry_range"],
      [{ ...valid, cidrs: "not an address" }, "cidrs", "cidr_invalid"],
      [{ ...valid, cidrs: "192.0.2.0/24\n10.0.0.0/33" }, "cidrs", "cidr_invalid"],
      [{ ...valid, cidrs: Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`).join("\n") }, "cidrs", "too_many_cidrs"],
      [{ intent: "roll", keyId: existing.id, graceDays: "8" }, "graceDays", "grace_range"],
      [{ intent: "roll", keyId: existing.id, graceDays: "-1" }, "graceDays", "grace_range"],
    ];
    for (const cookie of [w.engineer, await staleCookie(w.a.members.engineer.id, w.a.organisation.id)]) {
      for (const [form, field, code] of cases) {
        const before = await keyRows(ctx.db);
        const audits = await auditCount();
        const result = await post(form, cookie);
        const label = `${JSON.stringify(form).slice(0, 100)} (${cookie === w.engineer ? "fresh" : "stale"} second factor)`;
        // Validated before step-up: a stale session gets the same answer, not a redirect.
        expect(result.status, label).toBe(400);
        expect(result.data.ok, label).toBe(false);
        expect(result.data.fieldErrors?.[field], label).toBe(code);
        expect(await keyRows(ctx.db), label).toEqual(before);
        expect(await auditCount(), label).toBe(audits);
      }
    }
  });

  it("without a fresh second factor: sent to step-up (or to enrol TOTP), nothing written", async () => {
    const w = await world();
    const tove = await totpEngineer(w.a);
    const form = { intent: "create", name: "CI", scopes: ["hashlist:read", "hashlist:match"], lists: [String(w.industry.id)], days: "90" };
    const before = await keyRows(ctx.db);

    const stepUp = await post(form, await staleCookie(tove.id, w.a.organisation.id));
    expect(stepUp.status).toBe(302);
    expect(stepUp.location).toBe(`/login/step-up?redirectTo=${encodeURIComponent("/app/api-keys")}`);

    // Without TOTP there is no second factor to confirm: enrol first, then come back.
    const enrol = await post(form, await staleCookie(w.a.members.engineer.id, w.a.organisation.id));
    expect(enrol.status).toBe(302);
    expect(enrol.location).toBe(`/account/two-factor?required=1&redirectTo=${encodeURIComponent("/app/api-keys")}`);
    expect(await keyRows(ctx.db)).toEqual(before);

    // The page says so before the form is filled in, and links there.
    const page = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: await staleCookie(tove.id, w.a.organisation.id) }), testContext(ctx.db));
    expect(page.data.secondFactor).toEqual({ detour: `/login/step-up?redirectTo=${encodeURIComponent("/app/api-keys")}`, enrolled: true, minutes: expect.any(Number) });
    const fresh = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: w.engineer }), testContext(ctx.db));
    expect(fresh.data.secondFactor.detour).toBeNull();

    // Rolling too.
    const key = await keyFor(ctx.db, w.a, { listIds: [w.industry.id] });
    const rowsBefore = await keyRows(ctx.db);
    const roll = await post({ intent: "roll", keyId: key.id, graceDays: "1" }, await staleCookie(tove.id, w.a.organisation.id));
    expect(roll.status).toBe(302);
    expect(roll.location).toMatch(/^\/login\/step-up\?/);
    expect(await keyRows(ctx.db)).toEqual(rowsBefore);
  });

  it("with a fresh second factor: the secret is in the action's answer once, the database holds only its SHA-256", async () => {
    const w = await world();
    const audits = await auditCount();
    const result = await post(
      { intent: "create", name: "Upload filter", scopes: ["hashlist:match", "hashlist:read"], lists: [String(w.industry.id), String(w.test.id)], days: "30", cidrs: "192.0.2.0/24\r\n\r\n2001:DB8::/32\n" },
      w.engineer,
    );
    expect(result.status).toBe(200);
    expect(result.headers.get("Cache-Control")).toBe("no-store");
    expect(result.location).toBeNull();
    const { secret, id, rolled } = result.data.created;
    expect(secret).toMatch(KEY_PATTERN);
    expect(rolled).toBe(false);

    const rows = await keyRows(ctx.db);
    expect(rows.keys).toHaveLength(1);
    const row = rows.keys[0]!;
    expect(row.id).toBe(id);
    expect(row.organisation_id).toBe(w.a.organisation.id);
    expect(row.created_by).toBe(w.a.members.engineer.id);
    expect(row.secret_sha256).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    expect(row.scopes).toBe("hashlist:match hashlist:read");
    expect(Number(row.expires_at) - Number(row.created_at)).toBe(30 * 86_400_000);
    expect(rows.lists.map((l) => Number(l.list_id)).sort()).toEqual([w.industry.id, w.test.id].sort());
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret.slice(9));
    expect(await auditCount()).toBe(audits + 1);
    const audit = await ctx.db.selectFrom("audit_event").selectAll().where("action", "=", "api_key.created").executeTakeFirstOrThrow();
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).toContain("2001:db8::/32");

    // Shown once: the page itself (and the session) never has it again.
    const page = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: w.engineer }), testContext(ctx.db));
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.data)).not.toContain(secret);
    expect(page.data.keys[0]).toMatchObject({ id, name: "Upload filter", display: secret.slice(0, 9) + "…", state: "active", cidrs: ["192.0.2.0/24", "2001:db8::/32"] });
    const sessions = await ctx.db.selectFrom("session").selectAll().execute();
    expect(JSON.stringify(sessions)).not.toContain(secret);
  });

  it("rolling answers with the new secret; revoking redirects with a notice", async () => {
    const w = await world();
    const old = await keyFor(ctx.db, w.a, { listIds: [w.industry.id] });
    const rolled = await post({ intent: "roll", keyId: old.id, graceDays: "0" }, w.engineer);
    expect(rolled.status).toBe(200);
    expect(rolled.data.created.rolled).toBe(true);
    expect(rolled.data.created.secret).toMatch(KEY_PATTERN);
    expect(rolled.data.created.secret).not.toBe(old.secret);
    const after = await ctx.db.selectFrom("api_key").selectAll().where("id", "=", old.id).executeTakeFirstOrThrow();
    expect(after.replaced_by).toBe(rolled.data.created.id);

    const revoked = await post({ intent: "revoke", keyId: rolled.data.created.id }, w.engineer);
    expect(revoked.status).toBe(302);
    expect(revoked.location).toBe("/app/api-keys?notice=api_key_revoked");
    const fresh = await ctx.db.selectFrom("api_key").selectAll().where("id", "=", rolled.data.created.id).executeTakeFirstOrThrow();
    expect(fresh.revoked_at).not.toBeNull();
  });

  it("company A's engineer cannot revoke or roll company B's key: 404, nothing changed", async () => {
    const w = await world();
    const bKey = await keyFor(ctx.db, w.b, { listIds: [w.industry.id] });
    const before = await keyRows(ctx.db);
    const audits = await auditCount();
    const revoke = await post({ intent: "revoke", keyId: bKey.id }, w.engineer);
    expect(revoke.status).toBe(404);
    expect(revoke.data.formError).toBe("not_found");
    for (const graceDays of ["0", "7"]) {
      const roll = await post({ intent: "roll", keyId: bKey.id, graceDays }, w.engineer);
      expect(roll.status).toBe(404);
      expect(JSON.stringify(roll.data)).not.toMatch(KEY_PATTERN);
    }
    expect(await keyRows(ctx.db)).toEqual(before);
    expect(await auditCount()).toBe(audits);
    // Nor does A's page show B's key.
    const page = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: w.engineer }), testContext(ctx.db));
    expect(JSON.stringify(page.data)).not.toContain(bKey.id);
  });

  it("only engineers may change keys: a partner manager or an admin gets 403, nothing written", async () => {
    const w = await world();
    const key = await keyFor(ctx.db, w.a, { listIds: [w.industry.id] });
    const before = await keyRows(ctx.db);
    const form = { intent: "create", name: "CI", scopes: ["hashlist:read"], lists: [String(w.industry.id)], days: "90" };
    for (const role of ["partner_manager", "org_admin", "compliance_officer"] as const) {
      const cookie = await sessionCookie(ctx.db, w.a.members[role].id, { organisationId: w.a.organisation.id });
      expect((await post(form, cookie)).status, role).toBe(403);
      expect((await post({ intent: "revoke", keyId: key.id }, cookie)).status, role).toBe(403);
      expect((await post({ intent: "roll", keyId: key.id, graceDays: "1" }, cookie)).status, role).toBe(403);
    }
    expect(await keyRows(ctx.db)).toEqual(before);
    // An admin may look (no forms); a partner manager may not.
    const admin = await sessionCookie(ctx.db, w.a.members.org_admin.id, { organisationId: w.a.organisation.id });
    const adminPage = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: admin }), testContext(ctx.db));
    expect(adminPage.status).toBe(200);
    expect(adminPage.data.manage).toBe(false);
    expect(adminPage.data.keys).toHaveLength(1);
    const pm = await sessionCookie(ctx.db, w.a.members.partner_manager.id, { organisationId: w.a.organisation.id });
    expect((await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie: pm }), testContext(ctx.db))).status).toBe(403);
  });

  it("without active access: the page says why, and a key cannot be created", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { status: "approved" });
    const cookie = await sessionCookie(ctx.db, company.members.engineer.id, { organisationId: company.organisation.id });
    const page = await run(apiKeys.loader as never, testRequest("/app/api-keys", { cookie }), testContext(ctx.db));
    expect(page.data.active).toBe(false);
    expect(page.data.gaps).toEqual(["agreement_not_accepted", "no_lists"]);
    const test = (await ctx.db.selectFrom("hash_list").select("id").where("slug", "=", "test").executeTakeFirstOrThrow()).id;
    const result = await post({ intent: "create", name: "CI", scopes: ["hashlist:read"], lists: [String(test)], days: "90" }, cookie);
    expect(result.status).toBe(409);
    expect(result.data.formError).toBe("hashlist_access_inactive");
    expect((await keyRows(ctx.db)).keys).toHaveLength(0);
  });

  it("the home page suggests a key to an engineer whose organisation has access but no key", async () => {
    const w = await world();
    const steps = async () => (await run(home.loader as never, testRequest("/app", { cookie: w.engineer }), testContext(ctx.db))).data.steps.map((s: { key: string }) => s.key);
    expect(await steps()).toContain("createApiKey");
    await keyFor(ctx.db, w.a, { listIds: [w.industry.id] });
    expect(await steps()).not.toContain("createApiKey");
  });
});

describe("accepting the data-use agreement", () => {
  /** A new version of the agreement, published after the one in db/agreements. */
  async function publishNewVersion() {
    const file = JSON.parse(fs.readFileSync(path.join(AGREEMENTS_DIR, "data_use.json"), "utf8"));
    const last = file.versions.at(-1);
    file.versions.push({ ...last, version: "2099-1", text: { sv: `${last.text.sv}\n\nTillägg.`, en: `${last.text.en}\n\nAddendum.` } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agreements-"));
    try {
      fs.writeFileSync(path.join(dir, "data_use.json"), JSON.stringify(file));
      await publishMissingAgreements(ctx.db, staff, { dir });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it("an admin accepts the version in force: recorded with their name and the page's language", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { status: "approved" });
    const admin = await sessionCookie(ctx.db, company.members.org_admin.id, { organisationId: company.organisation.id });
    const page = await run(hashlist.loader as never, testRequest("/app/hashlist", { cookie: admin }), testContext(ctx.db));
    expect(page.status).toBe(200);
    expect(page.data.canAccept).toBe(true);
    expect(page.data.accepted).toBeNull();
    expect(page.data.agreement.paragraphs.length).toBeGreaterThan(1);
    expect(page.data.gaps).toEqual(["agreement_not_accepted", "no_lists"]);

    // Not confirmed: refused, nothing recorded.
    const unconfirmed = await post({ versionId: page.data.agreement.id, language: "en" }, admin, "/app/hashlist");
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.data.fieldErrors.confirm).toBe("must_confirm");
    expect(await listAcceptances(ctx.db, company.organisation.id, "data_use")).toEqual([]);

    const result = await post({ versionId: page.data.agreement.id, language: "en", confirm: "on" }, admin, "/app/hashlist");
    expect(result.status).toBe(302);
    expect(result.location).toBe("/app/hashlist?notice=agreement_accepted");
    const [acceptance, ...more] = await listAcceptances(ctx.db, company.organisation.id, "data_use");
    expect(more).toEqual([]);
    expect(acceptance).toMatchObject({ versionId: page.data.agreement.id, acceptedByName: company.members.org_admin.name, language: "en" });
    const after = await run(hashlist.loader as never, testRequest("/app/hashlist", { cookie: admin }), testContext(ctx.db));
    expect(after.data.accepted).toMatchObject({ byName: company.members.org_admin.name });
  });

  it("an outdated version is refused with agreement_outdated; the page asks for the new one", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { status: "approved" });
    const admin = await sessionCookie(ctx.db, company.members.org_admin.id, { organisationId: company.organisation.id });
    const first = (await getCurrentAgreement(ctx.db, "data_use"))!;
    expect((await post({ versionId: first.id, confirm: "on" }, admin, "/app/hashlist")).status).toBe(302);
    await publishNewVersion();

    const stale = await post({ versionId: first.id, confirm: "on" }, admin, "/app/hashlist");
    expect(stale.status).toBe(409);
    expect(stale.data.formError).toBe("agreement_outdated");
    expect(await listAcceptances(ctx.db, company.organisation.id, "data_use")).toHaveLength(1);

    const page = await run(hashlist.loader as never, testRequest("/app/hashlist", { cookie: admin }), testContext(ctx.db));
    expect(page.data.accepted).toBeNull();
    expect(page.data.acceptedEarlier).toMatchObject({ version: first.version });
    expect(page.data.agreement.version).toBe("2099-1");
    expect(page.data.gaps).toContain("agreement_new_version");
    const steps = (await run(home.loader as never, testRequest("/app", { cookie: admin }), testContext(ctx.db))).data.steps.map((s: { key: string }) => s.key);
    expect(steps).toContain("acceptNewAgreement");
  });

  it("only an admin may accept: everyone else 403, nothing recorded; everyone may look", async () => {
    await setUpHashLists(ctx.db);
    const company = await createCompany(ctx.db, { status: "approved" });
    const agreement = (await getCurrentAgreement(ctx.db, "data_use"))!;
    for (const role of ["compliance_officer", "partner_manager", "engineer"] as const) {
      const cookie = await sessionCookie(ctx.db, company.members[role].id, { organisationId: company.organisation.id });
      expect((await post({ versionId: agreement.id, confirm: "on" }, cookie, "/app/hashlist")).status, role).toBe(403);
      const page = await run(hashlist.loader as never, testRequest("/app/hashlist", { cookie }), testContext(ctx.db));
      expect(page.status, role).toBe(200);
      expect(page.data.canAccept, role).toBe(false);
    }
    expect(await listAcceptances(ctx.db, company.organisation.id, "data_use")).toEqual([]);
  });
});
