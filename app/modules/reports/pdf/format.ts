/**
 * Dates and numbers as the report prints them. Everything is formatted in UTC with an explicit locale,
 * so the same data gives the same text on any machine (never the server's time zone or default
 * locale). Calendar dates (`YYYY-MM-DD`) are read as UTC midnight.
 */
import type { Language } from "~/modules/i18n/i18n";

export interface Formats {
  /** BCP 47 tag of the report's language, also written as the PDF's /Lang. */
  locale: "sv-SE" | "en-GB";
  /** An instant (epoch ms) as a date, e.g. "15 jan. 2026" / "15 Jan 2026". */
  date(epochMs: number): string;
  /** A calendar date `YYYY-MM-DD` in the same style. */
  day(isoDate: string): string;
  /** An instant as date and time, with "UTC" written out. */
  dateTime(epochMs: number): string;
  /** A number with at most one decimal, grouped as the language does. */
  number(value: number): string;
  /** A ratio 0–1 as a whole percentage. */
  percent(ratio: number): string;
}

const cache = new Map<Language, Formats>();

export function formatsFor(language: Language): Formats {
  const cached = cache.get(language);
  if (cached) return cached;
  const locale = language === "en" ? "en-GB" : "sv-SE";
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const formats: Formats = {
    locale,
    date: (ms) => date.format(ms),
    day: (iso) => {
      const ms = Date.parse(`${iso}T00:00:00Z`);
      return Number.isNaN(ms) ? iso : date.format(ms);
    },
    dateTime: (ms) => `${date.format(ms)} ${time.format(ms)} UTC`,
    number: (value) => number.format(value),
    percent: (ratio) => percent.format(ratio),
  };
  cache.set(language, formats);
  return formats;
}
