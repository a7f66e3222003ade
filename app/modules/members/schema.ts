import { ROLES } from "~/modules/auth/permissions";
import { email, many, text, z } from "~/utils/zod";

const roles = many(z.enum(ROLES)).pipe(z.array(z.enum(ROLES)).min(1));
const id = z.string().min(1).max(64);

export const inviteFormSchema = z.object({ intent: z.literal("invite"), email: email(), roles });

/** Everything the members page posts: an invitation, or a change to a pending one. */
export const membersActionSchema = z.discriminatedUnion("intent", [
  inviteFormSchema,
  z.object({ intent: z.literal("revoke_invitation"), invitationId: id }),
  z.object({ intent: z.literal("resend_invitation"), invitationId: id }),
]);

/** The roles form carries the version it was loaded with: a stale save is a conflict. */
export const changeRolesSchema = z.object({ intent: z.literal("change_roles"), roles, baseVersion: z.coerce.number().int().min(1) });

/** What a member's page posts: new roles, or removal. */
export const memberActionSchema = z.discriminatedUnion("intent", [changeRolesSchema, z.object({ intent: z.literal("remove") })]);

export const acceptNewAccountSchema = z.object({
  intent: z.literal("create_account"),
  name: text(200),
  password: z.string().min(12).max(128),
});
