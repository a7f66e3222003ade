import { describe, expect, it } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import { login, verifyEmail } from "~/modules/auth/auth.server";
import { registerOrganisation } from "~/modules/organisations/organisations.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { auditActions, createUser, linkIn, outbox, rowCounts } from "../support/factories";

const ctx = useTestDb();
const actor = { ...systemActor("anonymous"), ip: "203.0.113.9", userAgent: "test" };

const input = {
  organisationName: "Exempel Resor AB",
  country: "SE",
  orgNumber: "5567123459",
  industry: "travel" as const,
  website: "https://exempel.example",
  sizeBand: "50-249",
  name: "Ada Andersson",
  email: "ada@exempel.example",
  password: "a long and unusual passphrase",
};

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

describe("company registration", () => {
  it("creates an applied organisation whose first user is its admin, unverified until the e-mailed link is used", async () => {
    const result = await registerOrganisation(ctx.db, actor, input, "sv");
    expect(result.created).toBe(true);
    if (!result.created) return;
    const org = await ctx.db.selectFrom("organisation").selectAll().where("id", "=", result.organisationId).executeTakeFirstOrThrow();
    expect(org).toMatchObject({ status: "applied", org_number: "556712-3459", country: "SE", industry: "travel" });
    const user = await ctx.db.selectFrom("user").selectAll().where("id", "=", result.userId).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const roles = await ctx.db
      .selectFrom("membership_role")
      .innerJoin("membership", "membership.id", "membership_role.membership_id")
      .select("role")
      .where("membership.user_id", "=", result.userId)
      .execute();
    expect(roles.map((r) => r.role)).toEqual(["org_admin"]);
    expect(await auditActions(ctx.db, result.organisationId)).toEqual(["organisation.registered", "user.registered"]);

    // Signing in is refused until the address is confirmed.
    expect((await login(ctx.db, actor, { email: input.email, password: input.password })).kind).toBe("unverified");

    const [mail] = await outbox(ctx.db);
    expect(mail?.to_address).toBe(input.email);
    expect(mail?.subject).toBe("Bekräfta din e-postadress");
    const token = new URL(linkIn(mail!.text_body)).searchParams.get("token")!;
    await verifyEmail(ctx.db, actor, token);
    expect((await login(ctx.db, actor, { email: input.email, password: input.password })).kind).toBe("signed_in");
    // The link works once.
    await expectCode(verifyEmail(ctx.db, actor, token), "token_invalid");
  });

  it("does not reveal that an e-mail address is registered: nothing is created and its owner is told by mail", async () => {
    await createUser(ctx.db, { email: input.email, locale: "en" });
    const before = await rowCounts(ctx.db);
    const result = await registerOrganisation(ctx.db, actor, input, "sv");
    expect(result.created).toBe(false);
    const after = await rowCounts(ctx.db);
    expect({ ...after, mail_outbox: 0 }).toEqual({ ...before, mail_outbox: 0 });
    const mails = await outbox(ctx.db);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Attempt to register with your e-mail address");
  });

  it("refuses an organisation number that is already registered, and writes nothing", async () => {
    await registerOrganisation(ctx.db, actor, input, "sv");
    const before = await rowCounts(ctx.db);
    await expectCode(registerOrganisation(ctx.db, actor, { ...input, email: "other@exempel.example", orgNumber: "556712-3459" }, "sv"), "organisation_exists");
    expect(await rowCounts(ctx.db)).toEqual(before);
  });

  it("validates Swedish organisation numbers with the Luhn check digit, and accepts foreign numbers with their country", async () => {
    await expectCode(registerOrganisation(ctx.db, actor, { ...input, orgNumber: "5567123455" }, "sv"), "org_number_se");
    const foreign = await registerOrganisation(ctx.db, actor, { ...input, country: "NO", orgNumber: "923 609 016" }, "sv");
    expect(foreign.created).toBe(true);
  });

  it.each([
    ["password_too_short", "short pass"],
    ["password_common", "1qaz2wsx3edc4rfv"],
    ["password_common", "aaaaaaaaaaaaaaaa"],
    ["password_personal", "ada@exempel.example-2026"],
  ])("refuses a weak password (%s) and writes nothing", async (code, password) => {
    const before = await rowCounts(ctx.db);
    await expectCode(registerOrganisation(ctx.db, actor, { ...input, password }, "sv"), code);
    expect(await rowCounts(ctx.db)).toEqual(before);
  });

  it("throttles registrations from one network address", async () => {
    for (let i = 0; i < 20; i++) {
      await registerOrganisation(ctx.db, actor, { ...input, email: `p${i}@exempel.example`, orgNumber: "556712-3459", country: "SE" }, "sv").catch(() => undefined);
    }
    await expectCode(registerOrganisation(ctx.db, actor, { ...input, email: "late@exempel.example" }, "sv"), "too_many_attempts");
  });

  it("throttles registrations for one e-mail address, so nobody's inbox can be flooded", async () => {
    await createUser(ctx.db, { email: input.email });
    for (let i = 0; i < 3; i++) await registerOrganisation(ctx.db, { ...actor, ip: `203.0.113.${i}` }, input, "sv");
    expect(await outbox(ctx.db)).toHaveLength(3);
    await expectCode(registerOrganisation(ctx.db, { ...actor, ip: "203.0.113.99" }, input, "sv"), "too_many_attempts");
    expect(await outbox(ctx.db)).toHaveLength(3);
  });
});
