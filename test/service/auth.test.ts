import { describe, expect, it, vi, afterEach } from "vitest";
import { systemActor } from "~/modules/audit/audit.server";
import {
  changePassword,
  completeTwoFactor,
  confirmSecondFactor,
  disableTwoFactor,
  enableTwoFactor,
  login,
  requestPasswordReset,
  resetPassword,
} from "~/modules/auth/auth.server";
import { beginTotpEnrolment, currentTotpCode } from "~/modules/auth/totp.server";
import { createSession, endUserSession, listUserSessions, validateSession } from "~/modules/auth/session.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { auditActions, createUser, linkIn, outbox, PASSWORD, TOTP_SECRET } from "../support/factories";

const ctx = useTestDb();
const actor = { ...systemActor("anonymous"), ip: "203.0.113.10", userAgent: "test" };

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

function requestWith(cookie: string) {
  return new Request("http://portal.test/", { headers: { Cookie: cookie.split(";")[0]! } });
}

afterEach(() => vi.useRealTimers());

describe("sign-in", () => {
  it("gives the same answer for a wrong password and an unknown address", async () => {
    const user = await createUser(ctx.db);
    await expectCode(login(ctx.db, actor, { email: user.email, password: "wrong password here" }), "login_failed");
    await expectCode(login(ctx.db, actor, { email: "nobody@example.test", password: "wrong password here" }), "login_failed");
    expect(await auditActions(ctx.db)).toEqual(["auth.login_failed", "auth.login_failed"]);
  });

  it("throttles an account after five failures, even with the right password, then lets it in after the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser(ctx.db);
    for (let i = 0; i < 5; i++) await expectCode(login(ctx.db, { ...actor, ip: `203.0.113.${i}` }, { email: user.email, password: "not the password" }), "login_failed");
    await expectCode(login(ctx.db, actor, { email: user.email, password: PASSWORD }), "too_many_attempts");
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect((await login(ctx.db, actor, { email: user.email, password: PASSWORD })).kind).toBe("signed_in");
  });

  it("cannot be outrun by parallel password guesses", async () => {
    const user = await createUser(ctx.db);
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => login(ctx.db, actor, { email: user.email, password: "not the password" })));
    const codes = results.map((r) => (r.status === "rejected" && r.reason instanceof AppError ? r.reason.code : "other"));
    expect(codes.filter((c) => c === "login_failed")).toHaveLength(5);
    expect(codes.filter((c) => c === "too_many_attempts")).toHaveLength(7);
  });

  it("throttles one address trying many accounts", async () => {
    for (let i = 0; i < 30; i++) await login(ctx.db, actor, { email: `guess${i}@example.test`, password: "whatever it is" }).catch(() => undefined);
    const user = await createUser(ctx.db);
    await expectCode(login(ctx.db, actor, { email: user.email, password: PASSWORD }), "too_many_attempts");
  });

  it("creates a session stored only as a hash, with idle and absolute lifetimes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser(ctx.db);
    const result = await login(ctx.db, actor, { email: user.email, password: PASSWORD });
    if (result.kind !== "signed_in") throw new Error("expected sign-in");
    const cookieId = result.cookie.split(";")[0]!.split("=")[1]!;
    const stored = await ctx.db.selectFrom("session").select("id").execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toBe(cookieId);
    expect(await validateSession(ctx.db, requestWith(result.cookie))).not.toBeNull();

    // Used every hour, it lives until the absolute lifetime (12 h) ends it.
    for (let h = 1; h <= 11; h++) {
      vi.setSystemTime(Date.now() + 60 * 60_000);
      expect(await validateSession(ctx.db, requestWith(result.cookie))).not.toBeNull();
    }
    vi.setSystemTime(Date.now() + 61 * 60_000);
    expect(await validateSession(ctx.db, requestWith(result.cookie))).toBeNull();

    // Left idle longer than the idle lifetime (2 h), a session ends.
    const idle = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    vi.setSystemTime(Date.now() + 121 * 60_000);
    expect(await validateSession(ctx.db, requestWith(idle.cookie))).toBeNull();
  });

  it("lists a user's sessions and ends only their own", async () => {
    const a = await createUser(ctx.db);
    const b = await createUser(ctx.db);
    const sa = await createSession(ctx.db, a.id, { ip: "198.51.100.1", userAgent: "Firefox" });
    const sb = await createSession(ctx.db, b.id, { ip: null, userAgent: null });
    expect((await listUserSessions(ctx.db, a.id)).map((s) => s.key)).toEqual([sa.session.key]);
    expect(await endUserSession(ctx.db, a.id, sb.session.key)).toBe(false);
    expect(await validateSession(ctx.db, requestWith(sb.cookie))).not.toBeNull();
    expect(await endUserSession(ctx.db, a.id, sa.session.key)).toBe(true);
    expect(await validateSession(ctx.db, requestWith(sa.cookie))).toBeNull();
  });
});

describe("password reset", () => {
  it("mails a single-use link; the reset ends every session and the old password stops working", async () => {
    const user = await createUser(ctx.db);
    const existing = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    await requestPasswordReset(ctx.db, actor, user.email);
    const mail = (await outbox(ctx.db)).at(-1)!;
    const token = new URL(linkIn(mail.text_body)).searchParams.get("token")!;
    await resetPassword(ctx.db, actor, token, "a brand new passphrase for me");
    expect(await validateSession(ctx.db, requestWith(existing.cookie))).toBeNull();
    await expectCode(login(ctx.db, actor, { email: user.email, password: PASSWORD }), "login_failed");
    expect((await login(ctx.db, actor, { email: user.email, password: "a brand new passphrase for me" })).kind).toBe("signed_in");
    await expectCode(resetPassword(ctx.db, actor, token, "yet another passphrase here"), "token_invalid");
    expect(await auditActions(ctx.db)).toContain("auth.password_reset");
  });

  it("checks the link before the password, so made-up links cost no hashing", async () => {
    await expectCode(resetPassword(ctx.db, actor, "made-up-token-aaaaaaaaaaaaaaaaaaaaaaaa", "short"), "token_invalid");
  });

  it("answers an unknown address exactly like a known one, and sends nothing", async () => {
    await requestPasswordReset(ctx.db, actor, "nobody@example.test");
    expect(await outbox(ctx.db)).toHaveLength(0);
  });

  it("refuses an expired link", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser(ctx.db);
    await requestPasswordReset(ctx.db, actor, user.email);
    const token = new URL(linkIn((await outbox(ctx.db))[0]!.text_body)).searchParams.get("token")!;
    vi.setSystemTime(Date.now() + 61 * 60_000);
    await expectCode(resetPassword(ctx.db, actor, token, "a brand new passphrase for me"), "token_invalid");
  });

  it("changing the password needs the current one and ends the other sessions", async () => {
    const user = await createUser(ctx.db);
    const mine = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    const other = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    await expectCode(changePassword(ctx.db, actor, mine.session, { currentPassword: "wrong", newPassword: "a brand new passphrase" }), "current_password_wrong");
    await changePassword(ctx.db, actor, mine.session, { currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(await validateSession(ctx.db, requestWith(mine.cookie))).not.toBeNull();
    expect(await validateSession(ctx.db, requestWith(other.cookie))).toBeNull();
  });
});

describe("two-factor sign-in", () => {
  it("enrols with a code from the app, gives ten recovery codes, and rotates the session at the second step", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const user = await createUser(ctx.db, { totp: false });
    const first = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    const enrolment = await beginTotpEnrolment(ctx.db, user);
    expect(enrolment.qrSvg).toContain("<svg");
    await expectCode(enableTwoFactor(ctx.db, actor, first.session, "000000"), "code_invalid");
    const codes = await enableTwoFactor(ctx.db, actor, first.session, currentTotpCode(enrolment.secret));
    expect(codes).toHaveLength(10);
    // The secret is stored encrypted, never in the clear.
    const row = await ctx.db.selectFrom("user").select("totp_secret").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(enrolment.secret.replace(/\s/g, ""));

    vi.setSystemTime(Date.now() + 31_000);
    const signedIn = await login(ctx.db, actor, { email: user.email, password: PASSWORD });
    if (signedIn.kind !== "signed_in") throw new Error("expected sign-in");
    expect(signedIn.needsTwoFactor).toBe(true);
    const code = currentTotpCode(enrolment.secret);
    const rotated = await completeTwoFactor(ctx.db, actor, signedIn.session, code);
    expect(rotated.session.key).not.toBe(signedIn.session.key);
    expect(rotated.session.twoFactorAt).not.toBeNull();
    expect(await validateSession(ctx.db, requestWith(signedIn.cookie))).toBeNull();

    // The same code cannot be replayed; a recovery code works exactly once.
    const again = await login(ctx.db, actor, { email: user.email, password: PASSWORD });
    if (again.kind !== "signed_in") throw new Error("expected sign-in");
    await expectCode(completeTwoFactor(ctx.db, actor, again.session, code), "code_invalid");
    await completeTwoFactor(ctx.db, actor, again.session, codes[0]!);
    const third = await login(ctx.db, actor, { email: user.email, password: PASSWORD });
    if (third.kind !== "signed_in") throw new Error("expected sign-in");
    await expectCode(completeTwoFactor(ctx.db, actor, third.session, codes[0]!), "code_invalid");
  });

  it("throttles wrong codes", async () => {
    const user = await createUser(ctx.db, { totp: true });
    const { session } = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    for (let i = 0; i < 5; i++) await expectCode(completeTwoFactor(ctx.db, actor, session, "123456"), "code_invalid");
    await expectCode(completeTwoFactor(ctx.db, actor, session, currentTotpCode(TOTP_SECRET)), "too_many_attempts");
  });

  it("cannot be outrun by parallel guesses: of 20 at once, only the limit are checked", async () => {
    const user = await createUser(ctx.db, { totp: true });
    const { session } = await createSession(ctx.db, user.id, { ip: null, userAgent: null });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => completeTwoFactor(ctx.db, actor, session, "123456")));
    const codes = results.map((r) => (r.status === "rejected" && r.reason instanceof AppError ? r.reason.code : "other"));
    expect(codes.filter((c) => c === "code_invalid")).toHaveLength(5);
    expect(codes.filter((c) => c === "too_many_attempts")).toHaveLength(15);
  });

  it("step-up marks the session with a fresh second factor", async () => {
    const user = await createUser(ctx.db, { totp: true });
    const { session, cookie } = await createSession(ctx.db, user.id, { ip: null, userAgent: null, twoFactorAt: Date.now() - 3_600_000 });
    await confirmSecondFactor(ctx.db, actor, session, currentTotpCode(TOTP_SECRET));
    const validated = await validateSession(ctx.db, requestWith(cookie));
    expect(Date.now() - validated!.session.twoFactorAt!).toBeLessThan(5_000);
  });

  it("cannot be turned off by NGO staff", async () => {
    const staff = await createUser(ctx.db, { staffRole: "staff" });
    await expectCode(disableTwoFactor(ctx.db, actor, staff.id), "two_factor_required_for_staff");
    const company = await createUser(ctx.db, { totp: true });
    await disableTwoFactor(ctx.db, actor, company.id);
    const row = await ctx.db.selectFrom("user").select(["totp_enabled_at", "totp_secret"]).where("id", "=", company.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_enabled_at: null, totp_secret: null });
  });
});
