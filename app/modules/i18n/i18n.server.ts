import { createCookie } from "@remix-run/node";
import i18next, { type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { getEnv } from "~/utils/env.server";
import { defaultLanguage, i18nOptions, supportedLanguages, toLanguage, type Language } from "./i18n";

export const languageCookie = createCookie("lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure: getEnv().isProduction,
  maxAge: 60 * 60 * 24 * 365,
});

const detector = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage: defaultLanguage,
    cookie: languageCookie,
    order: ["cookie", "header"],
  },
});

export async function getLanguage(request: Request): Promise<Language> {
  return toLanguage(await detector.getLocale(request));
}

const serverI18n = i18next.createInstance();
const ready = serverI18n.init({ ...i18nOptions, lng: defaultLanguage, initImmediate: false });

/** A translation function fixed to one language, for e-mails and messages built on the server. */
export async function getT(language: Language): Promise<TFunction> {
  await ready;
  return serverI18n.getFixedT(language);
}

/** A per-request instance for rendering React on the server. */
const perLanguage = new Map<Language, ReturnType<typeof serverI18n.cloneInstance>>();
export async function createRequestI18n(language: Language) {
  await ready;
  let instance = perLanguage.get(language);
  if (!instance) {
    instance = serverI18n.cloneInstance({ lng: language });
    perLanguage.set(language, instance);
  }
  return instance;
}
