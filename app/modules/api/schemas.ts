import { z } from "zod";
import { ALGORITHMS } from "~/modules/hashlist/values";
import { MAX_CHANGES_PAGE } from "~/modules/hashlist/feed-limits";

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
