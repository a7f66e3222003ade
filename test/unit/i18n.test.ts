import fs from "node:fs";
import path from "node:path";
import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, STAFF_ROLES } from "~/modules/auth/permissions";
import { i18nOptions } from "~/modules/i18n/i18n";
import { en } from "~/modules/i18n/locales/en";
import { sv } from "~/modules/i18n/locales/sv";
import { TRANSITIONS } from "~/modules/organisations/organisations.server";
import { INDUSTRIES, STATUSES } from "~/modules/organisations/schema";

function keysOf(value: unknown, prefix = ""): string[] {
  if (typeof value === "string") return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\./.test(e.name) && !full.includes("locales") ? [full] : [];
  });
}
const source = sourceFiles(path.resolve("app"))
  .map((f) => fs.readFileSync(f, "utf8"))
  .join("\n");

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ ...i18nOptions, lng: "sv", initImmediate: false });
});

function missingIn(keys: string[]) {
  return ["sv", "en"].flatMap((lng) => keys.filter((k) => !i18n.exists(k, { lng }) && !i18n.exists(`${k}_other`, { lng })).map((k) => `${lng}: ${k}`));
}

describe("translations", () => {
  it("Swedish and English have exactly the same keys", () => {
    expect(keysOf(en).sort()).toEqual(keysOf(sv).sort());
  });

  it("no text is left empty or untranslated placeholder", () => {
    for (const [lng, tree] of [["sv", sv], ["en", en]] as const) {
      for (const key of keysOf(tree)) {
        const value = key.split(".").reduce<any>((o, k) => o[k], tree);
        expect(value.trim(), `${lng}:${key}`).not.toBe("");
      }
    }
  });

  it("every key the code uses literally exists in both languages", () => {
    const literal = [...source.matchAll(/\bt\(\s*["'`]([a-zA-Z0-9_.]+)["'`]/g)].map((m) => m[1]!).filter((k) => k.includes("."));
    expect(literal.length).toBeGreaterThan(150);
    expect(missingIn([...new Set(literal)])).toEqual([]);
  });

  it("every error code the code can produce has a message in both languages", () => {
    const codes = new Set<string>();
    for (const m of source.matchAll(/new AppError\(\s*"([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/httpError\(\s*\d+,\s*"([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/fieldErrors: \{ \w+: "([a-z_]+)" \}/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/return "(password_[a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/\berror: "([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/message: [^\n]*?"([a-z_]+)" : "([a-z_]+)"/g)) codes.add(m[1]!).add(m[2]!);
    for (const m of source.matchAll(/\.refine\([^]*?\}, "([a-z_]+)"\)/g)) codes.add(m[1]!);
    // The zod error map: every code it can return.
    const zodMap = fs.readFileSync(path.resolve("app/utils/zod.ts"), "utf8");
    for (const m of zodMap.matchAll(/(?:return |\? |: )[`"]([a-z_]+)[`":]/g)) codes.add(m[1]!);
    expect(codes.size).toBeGreaterThan(40);
    expect(missingIn([...codes].map((c) => `errors.${c}`))).toEqual([]);
  });

  it("every notice the code redirects with has a text in both languages", () => {
    const notices = new Set([...source.matchAll(/notice=([a-z_]+)(?![a-z_$])/g)].map((m) => m[1]!));
    for (const d of Object.keys(TRANSITIONS)) notices.add(`decision_${d}`);
    expect(notices.size).toBeGreaterThan(15);
    expect(missingIn([...notices].map((n) => `notices.${n}`))).toEqual([]);
  });

  it("every enumeration shown to people is translated", () => {
    const keys = [
      ...INDUSTRIES.map((i) => `industries.${i}`),
      ...STATUSES.map((s) => `statuses.${s}`),
      ...ROLES.flatMap((r) => [`roles.${r}`, `roleDescriptions.${r}`]),
      ...STAFF_ROLES.map((r) => `staffRoles.${r}`),
      ...Object.keys(TRANSITIONS).map((d) => `decisions.${d}`),
      ...STATUSES.flatMap((s) => [`mail.organisation_${s}.subject`, `mail.organisation_${s}.body`, `appHome.status.${s}`]),
    ];
    expect(missingIn(keys)).toEqual([]);
  });

  it("every mail template has a subject, body and action", () => {
    const templates = [...source.matchAll(/template: "([a-z_]+)"/g)].map((m) => m[1]!);
    expect(templates.length).toBeGreaterThan(5);
    expect(missingIn(templates.flatMap((t) => [`mail.${t}.subject`, `mail.${t}.body`, `mail.${t}.action`]))).toEqual([]);
  });
});
