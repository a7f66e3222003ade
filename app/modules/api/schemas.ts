import { z } from "zod";
import { MAX_CHANGES_PAGE, MAX_MATCH_BATCH } from "~/modules/hashlist/feed-limits";
import { PDQ_MAX_DISTANCE } from "~/modules/hashlist/pdq-index";
import { ALGORITHMS, PDQ_MIN_QUALITY } from "~/modules/hashlist/values";

/**
 * The API's request schemas: the handlers parse with them and the OpenAPI document is generated from
 * them (api/openapi.server.ts), so the two cannot drift apart.
 */
const checkpoint = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const snapshotQuerySchema = z
  .object({
    format: z.enum(["csv", "jsonl"]).optional().describe("csv (default) or jsonl; also chosen by Accept: application/x-ndjson"),
    algorithm: z.enum(ALGORITHMS).optional().describe("Only the entries of this algorithm"),
  })
  .strict();

export const changesQuerySchema = z
  .object({
    since: checkpoint.describe("The checkpoint the client has: its last snapshot's Hashlist-Checkpoint or the previous page's next"),
    limit: z.coerce.number().int().min(1).max(MAX_CHANGES_PAGE).default(MAX_CHANGES_PAGE).describe(`At most this many changes (1–${MAX_CHANGES_PAGE})`),
  })
  .strict();

export const matchRequestSchema = z
  .object({
    hashes: z
      .array(
        z
          .object({
            algorithm: z.string().max(20).describe("md5, sha1, sha256, pdq or photodna"),
            value: z.string().max(400).describe("Hex (PhotoDNA: hex or base64)"),
            quality: z.number().int().min(0).max(100).optional().describe(`PDQ only, required: hashes of quality below ${PDQ_MIN_QUALITY} are not matched`),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_MATCH_BATCH)
      .describe(`1–${MAX_MATCH_BATCH} hashes of any supported algorithms`),
    lists: z.array(z.string().max(40)).min(1).max(50).optional().describe("Only these lists (default: every list the key may use)"),
    maxDistance: z.number().int().min(0).max(PDQ_MAX_DISTANCE).default(PDQ_MAX_DISTANCE).describe(`PDQ: the largest Hamming distance that matches (0–${PDQ_MAX_DISTANCE})`),
  })
  .strict();

// ——— Responses (the handlers build them; the tests check real answers against these) ———

export const listsResponseSchema = z.object({
  lists: z.array(
    z.object({
      list: z.string().describe("The list's short name, used in paths"),
      test: z.boolean().describe("The test list of harmless canary hashes"),
      entries: z.number().int().describe("Entries on the list now"),
      checkpoint: z.number().int().describe("The list's current checkpoint"),
      oldestCheckpoint: z.number().int().describe("Changes are kept after this checkpoint; a client behind it takes the snapshot"),
    }),
  ),
});

export const changesResponseSchema = z.object({
  list: z.string(),
  from: z.number().int().describe("The checkpoint asked from"),
  next: z.number().int().describe("The checkpoint to ask from next time (and to keep once applied)"),
  head: z.number().int().describe("The list's checkpoint when the page was read"),
  more: z.boolean().describe("Whether more changes follow up to head: ask again from next at once"),
  changes: z.array(
    z.object({
      seq: z.number().int().describe("The change's checkpoint"),
      op: z.enum(["add", "remove"]),
      algorithm: z.enum(ALGORITHMS),
      value: z.string().describe("Lower-case hex"),
      quality: z.number().int().nullable().describe("PDQ quality, else null"),
      category: z.string().describe("A, B, C or unknown"),
    }),
  ),
});

export const matchResponseSchema = z.object({
  checked: z.number().int().describe("Hashes matched (those not refused)"),
  lists: z.array(z.string()).describe("The lists searched"),
  matches: z.array(
    z.object({
      index: z.number().int().describe("Position of the hash in the request"),
      list: z.string(),
      algorithm: z.enum(ALGORITHMS),
      value: z.string().describe("The value on the list (for PDQ, the near-duplicate)"),
      category: z.string(),
      distance: z.number().int().describe("Hamming distance (0 for exact matches)"),
    }),
  ),
  refused: z.array(z.object({ index: z.number().int(), code: z.string().describe("Why the hash cannot be matched, e.g. quality_too_low") })),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe("Stable error code"),
  detail: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), code: z.string(), detail: z.string().optional() })).optional(),
});
