import { STAFF_ROLES } from "~/modules/auth/permissions";
import { email, text, z } from "~/utils/zod";

export const createStaffSchema = z.object({
  intent: z.literal("create"),
  name: text(200),
  email: email(),
  role: z.enum(STAFF_ROLES),
});

const userId = z.string().min(1).max(64);
/** The version of the account the row was loaded with: a stale change is a conflict. */
const baseVersion = z.coerce.number().int().min(1);

/** Everything the staff accounts page posts. */
export const staffAccountsActionSchema = z.discriminatedUnion("intent", [
  createStaffSchema,
  z.object({ intent: z.literal("set_role"), userId, role: z.enum(STAFF_ROLES), baseVersion }),
  z.object({ intent: z.enum(["disable", "enable"]), userId, baseVersion }),
]);
