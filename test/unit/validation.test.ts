import { describe, expect, it } from "vitest";
import { isAllowedOrigin } from "~/http/origin";
import { can, PERMISSIONS, staffCan } from "~/modules/auth/permissions";
import { checkPasswordPolicy } from "~/modules/auth/password.server";
import { luhnValid, normaliseOrgNumber, registrationSchema } from "~/modules/organisations/schema";
import { parseEnv } from "~/utils/env.server";
import { safeRedirectPath } from "~/utils/http.server";
import { translateError } from "~/utils/zod";

describe("organisation numbers", () => {
  it.each([
    ["5560360793", "556036-0793"],
    ["556036-0793", "556036-0793"],
    ["16556036-0793", "556036-0793"],
    [" 556036 0793 ", "556036-0793"],
  ])("accepts the Swedish number %s", (input, normalised) => {
    expect(normaliseOrgNumber("SE", input)).toBe(normalised);
  });

  it.each(["5560360794", "556036079", "55603607930", "abcdefghij", ""])("refuses the Swedish number %s", (input) => {
    expect(normaliseOrgNumber("SE", input)).toBeNull();
  });

  it("accepts foreign registration numbers as written, upper-cased", () => {
    expect(normaliseOrgNumber("NO", "923 609 016")).toBe("923 609 016");
    expect(normaliseOrgNumber("GB", "sc123456")).toBe("SC123456");
    expect(normaliseOrgNumber("DE", "x")).toBeNull();
    expect(normaliseOrgNumber("DE", "<script>")).toBeNull();
  });

  it("implements the Luhn check", () => {
    expect(luhnValid("5560360793")).toBe(true);
    expect(luhnValid("5560360792")).toBe(false);
  });
});

describe("password policy (OWASP ASVS 2.1)", () => {
  it("needs 12 characters, allows 64 and more, and has no composition rules", async () => {
    expect(await checkPasswordPolicy("elva tecken")).toBe("password_too_short");
    expect(await checkPasswordPolicy("twelve chars")).toBeNull();
    expect(await checkPasswordPolicy("a".repeat(20) + "b".repeat(44))).toBeNull();
    expect(await checkPasswordPolicy("x".repeat(129))).toBe("password_too_long");
    expect(await checkPasswordPolicy("alllowercaseletters")).toBeNull();
  });

  it("refuses common passwords regardless of case, and the person's own name or address", async () => {
    expect(await checkPasswordPolicy("qwertyuiop123")).toBe("password_common");
    expect(await checkPasswordPolicy("QAZWSXEDCRFV")).toBe("password_common");
    expect(await checkPasswordPolicy("annasvensson2026", { name: "Anna Svensson" })).toBe("password_personal");
    expect(await checkPasswordPolicy("my kalle.anka mail!", { email: "kalle.anka@example.se" })).toBe("password_personal");
  });
});

describe("cross-site request forgery check", () => {
  const base = { path: "/login", host: "portal.example", forwardedHost: undefined, referer: undefined };
  it("lets reads through and same-origin writes", () => {
    expect(isAllowedOrigin({ ...base, method: "GET", origin: "https://evil.example" })).toBe(true);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://portal.example" })).toBe(true);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: undefined, referer: "https://portal.example/login" })).toBe(true);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://portal.example", host: "internal:3000", forwardedHost: "portal.example" })).toBe(true);
  });
  it("refuses writes from elsewhere or from nowhere", () => {
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://evil.example" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "DELETE", origin: "https://portal.example.evil.example" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: undefined })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "null" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "javascript:alert(1)" })).toBe(false);
    // API clients use bearer keys, not cookies: no Origin is fine there, a foreign one is not.
    expect(isAllowedOrigin({ ...base, path: "/api/v1/match", method: "POST", origin: undefined })).toBe(true);
    expect(isAllowedOrigin({ ...base, path: "/api/v1/match", method: "POST", origin: "https://evil.example" })).toBe(false);
  });
});

describe("redirects after sign-in", () => {
  it("only follow paths on this site", () => {
    expect(safeRedirectPath("/app/members")).toBe("/app/members");
    expect(safeRedirectPath("//evil.example")).toBe("/");
    expect(safeRedirectPath("/\\evil.example")).toBe("/");
    expect(safeRedirectPath("https://evil.example")).toBe("/");
    expect(safeRedirectPath(undefined, "/app")).toBe("/app");
    expect(safeRedirectPath("/\t/evil.example/x")).toBe("/");
    expect(safeRedirectPath("/\n/evil.example")).toBe("/");
    expect(safeRedirectPath("/app\\..\\evil")).toBe("/");
    expect(safeRedirectPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeRedirectPath("/app/members?x=1#top")).toBe("/app/members?x=1#top");
  });
});

describe("form validation messages", () => {
  it("are translation codes that both languages can show", () => {
    const result = registrationSchema.safeParse({ organisationName: "", email: "not-an-address", password: "short", country: "XX", orgNumber: "1" });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(messages).toMatchObject({
      organisationName: "required",
      email: "invalid_email",
      password: "too_short:12",
      country: "invalid_choice",
      industry: "required",
      confirm: "must_confirm",
    });
    const t = (key: string, o?: Record<string, unknown>) => `${key}|${o?.n ?? ""}`;
    expect(translateError(t, "too_short:12")).toBe("errors.too_short|12");
  });
});

describe("permissions", () => {
  it("one table drives roles, and writes stop when the organisation is not active", () => {
    expect(can(["org_admin"], "members.manage", "approved")).toBe(true);
    expect(can(["org_admin"], "members.manage", "suspended")).toBe(false);
    expect(can(["org_admin"], "members.view", "suspended")).toBe(true);
    expect(can(["engineer"], "members.manage", "approved")).toBe(false);
    expect(staffCan("staff", "staff.accounts.manage")).toBe(false);
    expect(staffCan("staff_admin", "staff.accounts.manage")).toBe(true);
    for (const [name, rule] of Object.entries(PERMISSIONS)) expect(rule.roles.length, name).toBeGreaterThan(0);
  });
});

describe("configuration", () => {
  it("refuses an unsafe production configuration with a clear message", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/APP_URL is required[\s\S]*APP_SECRET must be set/);
    expect(() => parseEnv({ NODE_ENV: "production", APP_URL: "http://portal.example", APP_SECRET: "x".repeat(40) })).toThrow(/must be https/);
    expect(() => parseEnv({ NODE_ENV: "production", APP_URL: "https://portal.example", APP_SECRET: "x".repeat(40), DEMO: "1" })).toThrow(/DEMO/);
    expect(parseEnv({ NODE_ENV: "production", APP_URL: "https://portal.example/", APP_SECRET: "x".repeat(40) }).APP_URL).toBe("https://portal.example");
    expect(() => parseEnv({ PORT: "not-a-port" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_REPLICA_URL: "sqlite:./replica.sqlite" })).toThrow(/DATABASE_REPLICA_URL: must be a mysql:\/\/ URL/);
    const production = { NODE_ENV: "production", APP_URL: "https://portal.example", APP_SECRET: "x".repeat(40), DATABASE_REPLICA_URL: "mysql://reader@replica:3306/portal" };
    expect(() => parseEnv(production)).toThrow(/a replica needs a MySQL primary/);
    expect(parseEnv({ ...production, DATABASE_URL: "mysql://portal@primary:3306/portal" }).DATABASE_REPLICA_URL).toBe("mysql://reader@replica:3306/portal");
  });
});
