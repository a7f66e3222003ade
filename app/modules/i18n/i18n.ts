import type { InitOptions } from "i18next";
import { en } from "./locales/en";
import { sv } from "./locales/sv";

export const supportedLanguages = ["sv", "en"] as const;
export type Language = (typeof supportedLanguages)[number];
export const defaultLanguage: Language = "sv";

export const resources = { sv: { common: sv }, en: { common: en } } as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}

export function toLanguage(value: unknown): Language {
  return isLanguage(value) ? value : defaultLanguage;
}

/** Shared by the server and the browser: both languages are bundled, so nothing is fetched. */
export const i18nOptions: InitOptions = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: defaultLanguage,
  defaultNS: "common",
  ns: ["common"],
  resources,
  interpolation: { escapeValue: false },
  returnNull: false,
};
