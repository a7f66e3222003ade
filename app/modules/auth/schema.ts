import { supportedLanguages } from "~/modules/i18n/i18n";
import { email, text, z } from "~/utils/zod";

export const loginSchema = z.object({
  email: email(),
  password: z.string().min(1).max(1024),
  redirectTo: z.string().max(500).optional(),
});

export const codeSchema = z.object({
  code: z.string().trim().min(1).max(40),
  redirectTo: z.string().max(500).optional(),
});

export const forgotPasswordSchema = z.object({ email: email() });

export const newPasswordSchema = z.object({
  token: z.string().min(1).max(200),
  purpose: z.enum(["reset", "set"]).optional(),
  password: z.string().min(12).max(128),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12).max(128),
});

export const profileSchema = z.object({
  name: text(200),
  locale: z.enum(supportedLanguages),
});

export const enableTwoFactorSchema = z.object({ intent: z.literal("enable"), code: z.string().trim().min(1).max(20) });

export const twoFactorSchema = z.discriminatedUnion("intent", [
  enableTwoFactorSchema,
  z.object({ intent: z.literal("disable") }),
  z.object({ intent: z.literal("regenerate") }),
]);

export const sessionsSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("end"), key: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ intent: z.literal("end_others") }),
]);
