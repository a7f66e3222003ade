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
