import { supportedLanguages } from "~/modules/i18n/i18n";
import { z } from "~/utils/zod";

/**
 * Accepting the data-use agreement: the version shown (only the one in force can be accepted), the
 * language it was shown in, and the admin's explicit confirmation.
 */
export const acceptAgreementSchema = z.object({
  versionId: z.string().min(1).max(64),
  language: z.enum(supportedLanguages).optional(),
  confirm: z.literal("on", { error: "must_confirm" }),
});
