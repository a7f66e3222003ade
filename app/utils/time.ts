/**
 * Times are stored as UTC epoch milliseconds (see db/schema.ts) and shown in the NGO's time zone.
 */
export const TIME_ZONE = "Europe/Stockholm";

const localeOf = (language: string) => (language === "en" ? "en-GB" : "sv-SE");

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: "date" | "datetime", language: string): Intl.DateTimeFormat {
  const key = `${kind}:${localeOf(language)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(localeOf(language), kind === "date" ? { dateStyle: "medium", timeZone: TIME_ZONE } : { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE });
    formats.set(key, f);
  }
  return f;
}

export function formatDateTime(value: number, language: string): string {
  return formatter("datetime", language).format(value);
}

export function formatDate(value: number, language: string): string {
  return formatter("date", language).format(value);
}

function offsetMinutes(at: number): number {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: TIME_ZONE, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? "");
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The instant a calendar day (YYYY-MM-DD) begins in the NGO's time zone. */
export function startOfDay(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  return utcMidnight - offsetMinutes(utcMidnight) * 60_000;
}
