import { supportedLanguages } from "~/modules/i18n/i18n";
import { z } from "~/utils/zod";

const period = z.coerce.number({ error: "report_period_invalid" }).int({ error: "report_period_invalid" }).min(2000, { error: "report_period_invalid" }).max(2100, { error: "report_period_invalid" });

/**
 * Signing the commitment: the version and language shown, the year, the signer's title, and the
 * re-confirmation — the password, or a code from the second factor when the signer has one.
 */
export const signCommitmentSchema = z
  .object({
    versionId: z.string().min(1).max(64),
    language: z.enum(supportedLanguages),
    period,
    signerTitle: z.string().trim().min(2, { error: "signer_title_required" }).max(200),
    password: z.string().max(200).optional(),
    code: z.string().trim().max(20).optional(),
    confirm: z.literal("on", { error: "must_confirm" }),
  })
  .refine((v) => !!v.password || !!v.code, { error: "reconfirm_required", path: ["password"] });

export const issueReportSchema = z.object({
  period,
  language: z.enum(supportedLanguages),
});

export const withdrawReportSchema = z.object({
  reason: z.string().trim().min(5, { error: "report_reason_required" }).max(1000, { error: "report_reason_required" }),
});

export const verifyHashSchema = z.object({
  sha256: z.string().trim().min(1, { error: "report_hash_invalid" }).max(200, { error: "report_hash_invalid" }),
});
