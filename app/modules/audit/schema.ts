import { z } from "~/utils/zod";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(v)), "invalid_date")
  .optional()
  .or(z.literal("").transform(() => undefined));

/** The audit log's filters, read from the query string. */
export const auditQuerySchema = z.object({
  action: z.string().trim().max(80).optional(),
  actor: z.string().trim().max(254).optional(),
  organisation: z.string().trim().max(64).optional(),
  from: day,
  to: day,
  before: z.string().max(80).optional(),
});
