import { describe, expect, it } from "vitest";
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey, warnExpiringKeys } from "~/modules/api-keys/api-keys.server";
import { hashApiKey } from "~/modules/api-keys/key-format.server";
import { verifyApiKey } from "~/modules/api-keys/verify.server";
import { ApiProblem } from "~/modules/api/problem.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { auditActions, createCompany, outbox } from "../support/factories";
import { companyWithAccess, engineerActor, keyFor, setUpHashLists } from "../support/hashlist";

const ctx = useTestDb();
const DAY = 86_400_000;

const codeOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof ApiProblem || e instanceof AppError ? e.code : String(e)));
const fieldOf = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (e instanceof AppError ? Object.keys(e.details.fieldErrors ?? {}).join(",") || e.code : String(e)));

describe("API keys", () => {
  it("live through create → use → roll → grace → expiry → revoke, every event audited", async () => {
    const { industry, test } = await setUpHashLists(ctx.db);
    const company = await companyWithAccess(ctx.db, [industry.id]);
    const actor = engineerActor(company);
    const org = company.organisation.id;
    const { id, secret } = await createApiKey(ctx.db, actor, org, { name: "Upload pipeline", scopes: ["hashlist:read"], listIds: [industry.id, test.id], days: 30, cidrs: ["192.0.2.0/24", "2001:DB8::/32"] });
    const stored = await ctx.db.selectFrom("api_key").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(stored.secret_sha256).toBe(hashApiKey(secret));
    expect(JSON.stringify(stored)).not.toContain(secret.slice(5));
    expect(stored.allowed_cidrs).toBe('["192.0.2.0/24","2001:db8::/32"]');

    const auth = await verifyApiKey(ctx.db, `Bearer ${secret}`, "192.0.2.44", "hashlist:read");
    expect(auth.lists.map((l) => l.slug).sort()).toEqual(["industry", "test"]);
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${secret}`, "198.51.100.1", "hashlist:read"))).toBe("address_not_allowed");
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${secret}`, "::ffff:192.0.2.9", "hashlist:match"))).toBe("scope_not_allowed");

    const rolled = await rollApiKey(ctx.db, actor, org, id, 3);
    const now = Date.now();
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${secret}`, "192.0.2.1", "hashlist:read", now + 2 * DAY))).toBe("ok");
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${secret}`, "192.0.2.1", "hashlist:read", now + 3 * DAY + 1000))).toBe("invalid_key");
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${rolled.secret}`, "192.0.2.1", "hashlist:read", now + 29 * DAY))).toBe("ok");
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${rolled.secret}`, "192.0.2.1", "hashlist:read", now + 31 * DAY))).toBe("invalid_key");
    expect(await codeOf(rollApiKey(ctx.db, actor, org, id, 1))).toBe("api_key_not_active");

    await revokeApiKey(ctx.db, actor, org, rolled.id);
    expect(await codeOf(verifyApiKey(ctx.db, `Bearer ${rolled.secret}`, "192.0.2.1", "hashlist:read"))).toBe("invalid_key");
    const keys = await listApiKeys(ctx.db, org);
    expect(keys.map((k) => [k.name, k.state, k.lists.map((l) => l.slug).join(" ")])).toEqual([
      ["Upload pipeline", "revoked", "industry test"],
      ["Upload pipeline", "active", "industry test"],
    ]);
    expect(keys[0]!.usage).toHaveLength(30);
    expect(await auditActions(ctx.db, org)).toEqual(expect.arrayContaining(["api_key.created", "api_key.rolled", "api_key.revoked"]));
  });

  it("refuses bad input with the field named, and writes nothing", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const company = await companyWithAccess(ctx.db, [industry.id]);
    const { createHashList } = await import("~/modules/hashlist/lists.server");
    const other = await createHashList(ctx.db, { userId: null, label: "t", ip: null, userAgent: null }, { slug: "other", name: { sv: "A", en: "A" } });
    const keys = async () => Number((await ctx.db.selectFrom("api_key").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const lists = async () => Number((await ctx.db.selectFrom("api_key_list").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    expect([await keys(), await lists()]).toEqual([0, 0]);
    const base = { name: "k", scopes: ["hashlist:read" as const], listIds: [industry.id], days: 30, cidrs: [] as string[] };
    const cases: [Partial<typeof base> & Record<string, unknown>, string][] = [
      [{ scopes: [] }, "scopes"],
      [{ scopes: ["hashlist:write" as never] }, "scopes"],
      [{ listIds: [] }, "lists"],
      [{ listIds: [other.id] }, "lists"],
      [{ days: 0 }, "days"],
      [{ days: 366 }, "days"],
      [{ days: 1.5 }, "days"],
      [{ cidrs: ["10.0.0.0/33"] }, "cidrs"],
      [{ cidrs: ["example.com"] }, "cidrs"],
      [{ cidrs: Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`) }, "cidrs"],
    ];
    for (const [change, field] of cases) expect(await fieldOf(createApiKey(ctx.db, engineerActor(company), company.organisation.id, { ...base, ...change }))).toBe(field);
    const { id } = await keyFor(ctx.db, company, { listIds: [industry.id] });
    for (const grace of [-1, 8, 0.5]) expect(await fieldOf(rollApiKey(ctx.db, engineerActor(company), company.organisation.id, id, grace))).toBe("graceDays");
    // Only the one good key was written, and no roll made another.
    expect([await keys(), await lists()]).toEqual([1, 1]);
  });

  it("cannot be made, revoked or rolled across companies, nor without active access", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const a = await companyWithAccess(ctx.db, [industry.id]);
    const b = await companyWithAccess(ctx.db, [industry.id]);
    const { id } = await keyFor(ctx.db, b, { listIds: [industry.id] });
    expect(await codeOf(revokeApiKey(ctx.db, engineerActor(a), a.organisation.id, id))).toBe("not_found");
    expect(await codeOf(rollApiKey(ctx.db, engineerActor(a), a.organisation.id, id, 0))).toBe("not_found");
    expect((await ctx.db.selectFrom("api_key").select("revoked_at").where("id", "=", id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    expect(await listApiKeys(ctx.db, a.organisation.id)).toEqual([]);
    const c = await createCompany(ctx.db, { status: "approved" });
    expect(await codeOf(keyFor(ctx.db, c, { listIds: [industry.id] }))).toBe("hashlist_access_inactive");
  });

  it("announces keys about to expire once, to the engineers and the creator", async () => {
    const { industry } = await setUpHashLists(ctx.db);
    const company = await companyWithAccess(ctx.db, [industry.id]);
    const soon = await keyFor(ctx.db, company, { listIds: [industry.id], days: 10, name: "Soon" });
    await keyFor(ctx.db, company, { listIds: [industry.id], days: 90, name: "Later" });
    expect(await warnExpiringKeys(ctx.db)).toBe(1);
    expect(await warnExpiringKeys(ctx.db)).toBe(0);
    const mails = (await outbox(ctx.db)).filter((m) => m.template === "api_key_expiring");
    expect(mails.map((m) => m.to_address)).toEqual([company.members.engineer.email]);
    expect(mails[0]!.subject).toContain("Soon");
    expect(await auditActions(ctx.db, company.organisation.id)).toContain("api_key.expiry_warned");
    expect(soon.id).toBeTruthy();
  });
});
