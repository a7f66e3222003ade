import { z, type ZodType } from "zod";
import { KEY_PATTERN } from "~/modules/api-keys/key-format.server";
import { getEnv } from "~/utils/env.server";
import { PROBLEMS } from "./problem.server";
import { changesQuerySchema, changesResponseSchema, listsResponseSchema, matchRequestSchema, matchResponseSchema, problemSchema, snapshotQuerySchema } from "./schemas";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers parse with
 * (api/schemas.ts), so the document cannot drift from the code.
 */
const jsonSchema = (schema: ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

function queryParameters(schema: z.ZodObject) {
  const json = jsonSchema(schema, "input") as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(json.properties).map(([name, s]) => ({ name, in: "query", required: json.required?.includes(name) ?? false, description: s.description, schema: s }));
}

const problems = (...codes: (keyof typeof PROBLEMS)[]) =>
  Object.fromEntries(
    [...new Set(codes.map((c) => PROBLEMS[c].status))].map((status) => [
      String(status),
      {
        description: codes
          .filter((c) => PROBLEMS[c].status === status)
          .map((c) => `\`${c}\`: ${PROBLEMS[c].title}`)
          .join(" "),
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      },
    ]),
  );

const common = ["invalid_key", "access_inactive", "scope_not_allowed", "address_not_allowed", "rate_limited", "quota_exceeded"] as const;
const listParam = { name: "list", in: "path", required: true, description: "The list's short name (GET /api/v1/lists)", schema: { type: "string" } };
const rateHeaders = {
  RateLimit: { description: "limit, remaining and reset (seconds) of the key's minute window", schema: { type: "string" } },
  "RateLimit-Policy": { description: "The key's limits: requests a minute and a day", schema: { type: "string" } },
};

export function openApiDocument() {
  const env = getEnv();
  return {
    openapi: "3.1.0",
    info: {
      title: "Partnerportalen hash-list API",
      version: "1",
      description:
        "Hash lists of known child sexual abuse material for companies' upload pipelines and networks. Keep a local copy with the snapshot and the changes after its checkpoint; match batches of hashes. Documentation: /developers.",
    },
    servers: [{ url: `${env.APP_URL}/api/v1` }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: `An API key from the portal (/app/api-keys), sent as "Authorization: Bearer <key>". Format: ${KEY_PATTERN.source}` },
      },
      schemas: {
        Problem: jsonSchema(problemSchema, "output"),
        Lists: jsonSchema(listsResponseSchema, "output"),
        Changes: jsonSchema(changesResponseSchema, "output"),
        MatchRequest: jsonSchema(matchRequestSchema, "input"),
        MatchResponse: jsonSchema(matchResponseSchema, "output"),
      },
    },
    paths: {
      "/lists": {
        get: {
          operationId: "listLists",
          summary: "The lists this key may use, with their size and current checkpoint",
          "x-scope": "hashlist:read",
          responses: { "200": { description: "The lists", headers: rateHeaders, content: { "application/json": { schema: { $ref: "#/components/schemas/Lists" } } } }, ...problems(...common) },
        },
      },
      "/lists/{list}/snapshot": {
        get: {
          operationId: "getSnapshot",
          summary: "The whole list as of its current checkpoint, streamed",
          description:
            "Sorted by algorithm name, then value (the byte order of the lines). Hashlist-Checksum is the SHA-256 over the lines `algorithm,value\\n` of every entry in that order: `tail -n +2 snapshot.csv | cut -d, -f1,2 | sha256sum`. Keep Hashlist-Checkpoint and ask for changes after it.",
          "x-scope": "hashlist:read",
          parameters: [listParam, ...queryParameters(snapshotQuerySchema), { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, description: "The ETag of a snapshot you have: 304 while the list is unchanged" }],
          responses: {
            "200": {
              description: "The snapshot",
              headers: {
                ETag: { schema: { type: "string" } },
                "Hashlist-Checkpoint": { description: "The checkpoint of this snapshot", schema: { type: "integer" } },
                "Hashlist-Checksum": { description: "sha256=<hex> over the canonical lines", schema: { type: "string" } },
                "Hashlist-Entries": { schema: { type: "integer" } },
                ...rateHeaders,
              },
              content: {
                "text/csv": { schema: { type: "string" }, example: "algorithm,value,quality,category\nmd5,0cc175b9c0f1b6a831c399e269772661,,A\n" },
                "application/x-ndjson": { schema: { type: "string" }, example: '{"algorithm":"md5","value":"0cc175b9c0f1b6a831c399e269772661","quality":null,"category":"A"}\n' },
              },
            },
            "304": { description: "Unchanged since the ETag given" },
            ...problems(...common, "list_not_allowed", "invalid_request"),
          },
        },
      },
      "/lists/{list}/changes": {
        get: {
          operationId: "getChanges",
          summary: "Additions and removals after a checkpoint, oldest first, in pages",
          "x-scope": "hashlist:read",
          parameters: [listParam, ...queryParameters(changesQuerySchema)],
          responses: {
            "200": { description: "A page of changes", headers: rateHeaders, content: { "application/json": { schema: { $ref: "#/components/schemas/Changes" } } } },
            ...problems(...common, "list_not_allowed", "invalid_request", "checkpoint_invalid", "snapshot_required"),
          },
        },
      },
      "/match": {
        post: {
          operationId: "match",
          summary: "Match up to 10,000 hashes: exact for cryptographic hashes, Hamming distance for PDQ",
          description: "Nothing is kept about hashes that do not match. A hash that cannot be matched is listed in `refused` with its code; the rest are matched.",
          "x-scope": "hashlist:match",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/MatchRequest" } } } },
          responses: {
            "200": { description: "The matches", headers: rateHeaders, content: { "application/json": { schema: { $ref: "#/components/schemas/MatchResponse" } } } },
            ...problems(...common, "list_not_allowed", "invalid_request", "unsupported_media_type", "payload_too_large"),
          },
        },
      },
    },
  };
}
