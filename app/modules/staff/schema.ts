import { STAFF_ROLES } from "~/modules/auth/permissions";
import { email, text, z } from "~/utils/zod";

export const createStaffSchema = z.object({
  intent: z.literal("create"),
  name: text(200),
  email: email(),
  role: z.enum(STAFF_ROLES),
});

/** Everything the staff accounts page posts. */
export const staffAccountsActionSchema = z.discriminatedUnion("intent", [
  createStaffSchema,
  z.object({ intent: z.literal("set_role"), userId: z.string().min(1).max(64), role: z.enum(STAFF_ROLES) }),
  z.object({ intent: z.enum(["disable", "enable"]), userId: z.string().min(1).max(64) }),
]);
