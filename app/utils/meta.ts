import type { MetaDescriptor } from "@remix-run/node";
import { resources, toLanguage } from "~/modules/i18n/i18n";

interface MatchLike {
  id: string;
  data?: unknown;
}

/** Looks a key up in the bundled translations (meta functions cannot use hooks). */
function lookup(language: "sv" | "en", key: string, params: Record<string, string>): string {
  const value = key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), resources[language].common);
  const text = typeof value === "string" ? value : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? "");
}

/**
 * A page's <title>, in the language the page is shown in: "<translated title> – Partnerportalen".
 * Use as `export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.title")`.
 */
export function pageTitle(matches: MatchLike[], key: string | null, params: Record<string, string> = {}, literal?: string): MetaDescriptor[] {
  const root = matches.find((m) => m.id === "root")?.data as { language?: string } | undefined;
  const language = toLanguage(root?.language);
  const brand = (root as { brand?: { name?: string } } | undefined)?.brand?.name ?? "";
  const title = literal ?? (key ? lookup(language, key, { brand, ...params }) : null);
  return [{ title: title ? `${title} – Partnerportalen` : "Partnerportalen" }];
}
