import { email, text, z } from "~/utils/zod";
import { COUNTRY_CODES } from "./countries";

export const INDUSTRIES = [
  "travel",
  "online_platforms",
  "hosting",
  "telecom",
  "payments",
  "gaming",
  "retail",
  "employer",
] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** EU enterprise size classes by number of employees. */
export const SIZE_BANDS = ["1-9", "10-49", "50-249", "250-999", "1000+"] as const;

export const STATUSES = ["applied", "under_review", "approved", "suspended", "offboarded", "rejected"] as const;

/** Luhn check of a Swedish organisation number's ten digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Normalises an organisation number: Swedish ones to NNNNNN-NNNN (a "16" century prefix is accepted),
 * foreign ones to trimmed upper case. Returns null when it is not valid for the country.
 */
export function normaliseOrgNumber(country: string, value: string): string | null {
  const trimmed = value.trim();
  if (country === "SE") {
    let digits = trimmed.replace(/[\s-]/g, "");
    if (/^16\d{10}$/.test(digits)) digits = digits.slice(2);
    if (!/^\d{10}$/.test(digits) || !luhnValid(digits)) return null;
    return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  }
  const upper = trimmed.toUpperCase().replace(/\s+/g, " ");
  return /^[A-Z0-9][A-Z0-9 ./-]{1,38}[A-Z0-9]$/.test(upper) ? upper : null;
}

const website = z
  .string()
  .trim()
  .max(255)
  .optional()
  .transform((v) => (v ? (/^https?:\/\//i.test(v) ? v : `https://${v}`) : undefined))
  .refine((v) => {
    if (v === undefined) return true;
    try {
      const url = new URL(v);
      return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".");
    } catch {
      return false;
    }
  }, "invalid_url");

const organisationFields = {
  organisationName: text(200),
  industry: z.enum(INDUSTRIES),
  website,
  sizeBand: z.enum(SIZE_BANDS),
};

const identityRefinement = (value: { country?: string; orgNumber?: string }, ctx: z.RefinementCtx) => {
  if (value.country && value.orgNumber && !normaliseOrgNumber(value.country, value.orgNumber)) {
    ctx.addIssue({ code: "custom", path: ["orgNumber"], message: value.country === "SE" ? "org_number_se" : "org_number_foreign" });
  }
};

/** Registration: the company and its first user (who becomes its organisation admin). */
export const registrationSchema = z
  .object({
    ...organisationFields,
    country: z.enum(COUNTRY_CODES),
    orgNumber: text(40),
    name: text(200),
    email: email(),
    password: z.string().min(12).max(128),
    confirm: z.literal("on", { error: "must_confirm" }),
  })
  .superRefine(identityRefinement);

/** The profile form carries the version it was loaded with: a stale save is a conflict. */
export const profileSchema = z.object({ ...organisationFields, baseVersion: z.coerce.number().int().min(1) });

/** A further company registered by someone already signed in. */
export const additionalOrganisationSchema = z
  .object({ ...organisationFields, country: z.enum(COUNTRY_CODES), orgNumber: text(40) })
  .superRefine(identityRefinement);

export const statusDecisionSchema = z.object({
  intent: z.enum(["start_review", "approve", "reject", "suspend", "reinstate", "offboard"]),
  reason: text(1000),
});
