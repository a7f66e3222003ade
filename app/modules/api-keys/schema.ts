import type { Scope } from "./api-keys.server";
import { many, text, z } from "~/utils/zod";

/**
 * The key forms of /app/api-keys, shared by the browser and the action. The limits repeat those of
 * api-keys.server.ts (which the browser cannot import); test/routes/api-keys.test.ts checks that
 * they agree. The service checks everything again: the lists against what the organisation may
 * use and the address blocks with the platform's parser.
 */
export const KEY_SCOPES = ["hashlist:read", "hashlist:match"] as const satisfies readonly Scope[];
export const KEY_NAME_MAX = 100;
export const KEY_DAYS_MAX = 365;
export const KEY_DAYS_DEFAULT = 90;
export const GRACE_DAYS_MAX = 7;
export const KEY_CIDRS_MAX = 20;

const keyId = z.string().min(1).max(64);

/**
 * A checkbox group whose every value must be one of `values`, at least one chosen. A value that is
 * not a choice is reported on the group (`lists`), not on one item of it (`lists.1`): that is where
 * the page shows the error.
 */
function choices<T extends string>(values: readonly T[]) {
  return many(z.string())
    .refine((v) => v.every((x) => (values as readonly string[]).includes(x)), { error: "invalid_choice" })
    .pipe(z.array(z.string()).min(1))
    .transform((v) => v as T[]);
}

/** The ids of lists, as a checkbox group sends them. */
const listIds = many(z.string())
  .refine((v) => v.every((x) => /^[1-9]\d{0,8}$/.test(x)), { error: "invalid_choice" })
  .pipe(z.array(z.string()).min(1))
  .transform((v) => [...new Set(v.map(Number))]);

/** One address block a line; blank lines are ignored. The service parses each one. */
const cidrLines = z
  .string()
  .max(4000)
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string())
      .max(KEY_CIDRS_MAX, { error: "too_many_cidrs" })
      .refine((v) => v.every((line) => line.length <= 64), { error: "cidr_invalid" }),
  );

export const createKeySchema = z.object({
  intent: z.literal("create"),
  name: text(KEY_NAME_MAX),
  scopes: choices(KEY_SCOPES),
  lists: listIds,
  days: z.coerce
    .number({ error: "key_expiry_range" })
    .int({ error: "key_expiry_range" })
    .min(1, { error: "key_expiry_range" })
    .max(KEY_DAYS_MAX, { error: "key_expiry_range" }),
  cidrs: cidrLines,
});

export const rollKeySchema = z.object({
  intent: z.literal("roll"),
  keyId,
  graceDays: z.coerce
    .number({ error: "grace_range" })
    .int({ error: "grace_range" })
    .min(0, { error: "grace_range" })
    .max(GRACE_DAYS_MAX, { error: "grace_range" }),
});

export const revokeKeySchema = z.object({ intent: z.literal("revoke"), keyId });

/** Everything the key page posts. */
export const apiKeysActionSchema = z.discriminatedUnion("intent", [createKeySchema, rollKeySchema, revokeKeySchema]);
