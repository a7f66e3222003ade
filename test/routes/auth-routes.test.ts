import { describe, expect, it } from "vitest";
import { currentTotpCode } from "~/modules/auth/totp.server";
import * as lang from "~/routes/lang";
import * as login from "~/routes/_auth+/login";
import * as loginTwoFactor from "~/routes/_auth+/login_.two-factor";
import * as logout from "~/routes/_auth+/logout";
import * as appHome from "~/routes/app+/_index";
import * as members from "~/routes/app+/members";
import * as outbox from "~/routes/dev+/outbox";
import * as staffHome from "~/routes/staff+/_index";
import { useTestDb } from "../support/db";
import { createCompany, createUser, PASSWORD, sessionCookie, TOTP_SECRET } from "../support/factories";
import { run, setCookie, testContext, testRequest } from "../support/routes";

const ctx = useTestDb();

describe("sign-in routes", () => {
  it("signs in with a fresh session (the one the browser carried ends) and remembers the user's language", async () => {
    const user = await createUser(ctx.db, { locale: "en" });
    const old = await sessionCookie(ctx.db, user.id);
    const result = await run(login.action, testRequest("/login", { form: { email: user.email, password: PASSWORD, redirectTo: "/account" }, cookie: old }), testContext(ctx.db));
    expect(result.status).toBe(302);
    expect(result.location).toBe("/account");
    const fresh = setCookie(result);
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(old);
    expect(setCookie(result, "lng")).toMatch(/^lng=/);
    expect(await ctx.db.selectFrom("session").select("id").execute()).toHaveLength(1);
  });

  it("never redirects to another site after sign-in", async () => {
    const user = await createUser(ctx.db);
    const result = await run(login.action, testRequest("/login", { form: { email: user.email, password: PASSWORD, redirectTo: "//evil.example/x" } }), testContext(ctx.db));
    expect(result.location).toBe("/app");
  });

  it("asks for the second factor when enrolled, and the portal stays closed until it is given", async () => {
    const user = await createUser(ctx.db, { totp: true });
    const result = await run(login.action, testRequest("/login", { form: { email: user.email, password: PASSWORD } }), testContext(ctx.db));
    expect(result.location).toBe("/login/two-factor?redirectTo=%2Fapp");
    const pending = setCookie(result)!;
    const blocked = await run(appHome.loader, testRequest("/app", { cookie: pending }), testContext(ctx.db));
    expect(blocked.location).toBe("/login/two-factor?redirectTo=%2Fapp");
    const done = await run(loginTwoFactor.action, testRequest("/login/two-factor", { form: { code: currentTotpCode(TOTP_SECRET), redirectTo: "/app" }, cookie: pending }), testContext(ctx.db));
    expect(done.location).toBe("/app");
    const signedIn = setCookie(done)!;
    expect(signedIn).not.toBe(pending);
    expect((await run(appHome.loader, testRequest("/app", { cookie: signedIn }), testContext(ctx.db))).status).toBe(200);
    // The half-signed-in session was replaced, not upgraded.
    expect((await run(appHome.loader, testRequest("/app", { cookie: pending }), testContext(ctx.db))).location).toMatch(/^\/login/);
  });

  it("NGO staff must enrol a second factor before anything else", async () => {
    const staff = await createUser(ctx.db, { staffRole: "staff", totp: false });
    const cookie = await sessionCookie(ctx.db, staff.id, { twoFactor: false });
    const result = await run(staffHome.loader, testRequest("/staff", { cookie }), testContext(ctx.db));
    expect(result.location).toBe("/account/two-factor?required=1");
  });

  it("signs out: the session ends on the server and the cookie is cleared", async () => {
    const user = await createUser(ctx.db);
    const cookie = await sessionCookie(ctx.db, user.id);
    const result = await run(logout.action, testRequest("/logout", { method: "POST", cookie }), testContext(ctx.db));
    expect(result.headers.get("Set-Cookie")).toMatch(/pp_session=;.*Max-Age=0/);
    expect(await ctx.db.selectFrom("session").select("id").execute()).toHaveLength(0);
  });
});

describe("language", () => {
  it("switches language for the browser and for the signed-in user's e-mails", async () => {
    const user = await createUser(ctx.db, { locale: "sv" });
    const cookie = await sessionCookie(ctx.db, user.id);
    const result = await run(lang.action, testRequest("/lang", { form: { lng: "en", redirectTo: "/account" }, cookie }), testContext(ctx.db));
    expect(result.location).toBe("/account");
    expect(setCookie(result, "lng")).toBeTruthy();
    const row = await ctx.db.selectFrom("user").select("locale").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.locale).toBe("en");
    const bad = await run(lang.action, testRequest("/lang", { form: { lng: "xx", redirectTo: "https://evil.example" } }), testContext(ctx.db));
    expect(bad.location).toBe("/");
  });
});

describe("suspended organisations", () => {
  it("can sign in and read, but change nothing", async () => {
    const { organisation, members: people } = await createCompany(ctx.db, { status: "suspended" });
    const cookie = await sessionCookie(ctx.db, people.org_admin.id, { organisationId: organisation.id });
    const page = await run(members.loader, testRequest("/app/members", { cookie }), testContext(ctx.db));
    expect(page.status).toBe(200);
    expect(page.data.manage).toBe(false);
    const write = await run(members.action, testRequest("/app/members", { form: { intent: "invite", email: "x@example.test", roles: "engineer" }, cookie }), testContext(ctx.db));
    expect(write.status).toBe(403);
    expect(await ctx.db.selectFrom("invitation").select("id").execute()).toHaveLength(0);
  });
});

describe("development outbox", () => {
  it("shows queued mail outside production", async () => {
    const result = await run(outbox.loader, testRequest("/dev/outbox"), testContext(ctx.db));
    expect(result.status).toBe(200);
  });
});
