import { ROLES } from "~/modules/auth/permissions";
import { email, many, text, z } from "~/utils/zod";

const roles = many(z.enum(ROLES)).pipe(z.array(z.enum(ROLES)).min(1));
const id = z.string().min(1).max(64);

export const inviteFormSchema = z.object({ intent: z.literal("invite"), email: email(), roles });

export const invitationActionSchema = z.object({
  intent: z.enum(["revoke_invitation", "resend_invitation"]),
  invitationId: id,
});

export const changeRolesSchema = z.object({ intent: z.literal("change_roles"), roles });

export const removeMemberSchema = z.object({ intent: z.literal("remove") });

export const acceptNewAccountSchema = z.object({
  intent: z.literal("create_account"),
  name: text(200),
  password: z.string().min(12).max(128),
});
