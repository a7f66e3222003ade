import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ZodType } from "zod";
import type { Scope } from "~/modules/api-keys/api-keys.server";
import { verifyApiKey, type ApiKeyAuth, type ApiList } from "~/modules/api-keys/verify.server";
import { apiEndpointOf, recordApiMatches, recordApiRequest, statusClass } from "~/modules/metrics/metrics.server";
import { AppError } from "~/utils/errors";
import { logEvent } from "~/utils/logger.server";
import { ApiProblem, PROBLEMS, problemResponse, type ProblemCode } from "./problem.server";

export interface ApiResult {
  response: Response;
  /** Entries sent or hashes matched: for the access log and the usage counts. */
  items?: number;
  matches?: number;
}

/**
 * Every /api/v1 operation goes through here: the key and its gates are checked, the request is counted
 * against the key's limits, the handler runs, and any refusal becomes a problem+json answer with a
 * stable code. Every request (refused ones too) is counted and written to the access log.
 */
export async function apiRoute(args: LoaderFunctionArgs, scope: Scope, handler: (auth: ApiKeyAuth) => Promise<ApiResult>): Promise<Response> {
  const { db, clientIp, requestId, apiUsage: usage, verifiedKeys } = args.context;
  const started = performance.now();
  const at = Date.now();
  const url = new URL(args.request.url);
  let auth: ApiKeyAuth | null = null;
  let response: Response;
  let result: ApiResult | null = null;
  let rateHeaders: Record<string, string> = {};
  let problemCode: ProblemCode | null = null;
  try {
    auth = await verifyApiKey(db, args.request.headers.get("Authorization"), clientIp, scope, at, verifiedKeys);
    const decision = usage.take(auth.keyId, at);
    rateHeaders = decision.headers;
    if (!decision.allowed) throw new ApiProblem(decision.code!, undefined, { headers: decision.headers });
    result = await handler(auth);
    response = result.response;
  } catch (error) {
    const p = toProblem(error);
    problemCode = p.code;
    response = problemResponse(p, requestId);
  }
  for (const [k, v] of Object.entries(rateHeaders)) if (!response.headers.has(k)) response.headers.set(k, v);
  usage.record(
    {
      at,
      keyId: auth?.keyId ?? null,
      organisationId: auth?.organisationId ?? null,
      ip: clientIp,
      method: args.request.method,
      path: url.pathname,
      status: response.status,
      code: problemCode,
      items: result?.items ?? null,
      durationMs: performance.now() - started,
    },
    { keyId: auth?.keyId ?? null, ok: response.status < 400, matches: result?.matches },
  );
  const endpoint = apiEndpointOf(url.pathname);
  recordApiRequest(endpoint, problemCode ?? (response.status < 400 ? "ok" : `status_${statusClass(response.status)}`));
  if (result?.matches) recordApiMatches(result.matches);
  if (problemCode && REFUSALS_LOGGED.has(problemCode)) logEvent("api.refused", { requestId, keyId: auth?.keyId ?? null, organisationId: auth?.organisationId ?? null, route: endpoint, problem: problemCode, status: response.status }, { level: "warn" });
  return response;
}

/** Refusals worth a log line of their own: a key that does not work, or is used where it may not be. */
const REFUSALS_LOGGED = new Set<ProblemCode>(["invalid_key", "access_inactive", "scope_not_allowed", "list_not_allowed", "address_not_allowed", "rate_limited", "quota_exceeded"]);

function toProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof AppError && error.code in PROBLEMS) return new ApiProblem(error.code as ProblemCode);
  if (error instanceof AppError && error.status < 500) return new ApiProblem("invalid_request", error.code);
  throw error;
}

/** The list a path names, if this key may use it (403 otherwise: the key learns nothing more). */
export function listOf(auth: ApiKeyAuth, slug: string | undefined): ApiList {
  const list = auth.lists.find((l) => l.slug === slug);
  if (!list) throw new ApiProblem("list_not_allowed", `This key may not use the list "${String(slug).slice(0, 40)}".`);
  return list;
}

/** Parses query parameters with a zod schema; errors name the parameter. */
export function parseQuery<T>(url: URL, schema: ZodType<T>): T {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiProblem("invalid_request", "Some query parameters are not valid.", {
      errors: parsed.error.issues.map((i) => ({ pointer: `#/query/${i.path.join("/")}`, code: i.code, detail: i.message })),
    });
  }
  return parsed.data;
}

export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), { status: init.status ?? 200, headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...init.headers } });
}

/** A JSON body, checked with a zod schema: 415 if it is not JSON, 400 naming every problem. */
export async function parseBody<T>(request: Request, schema: ZodType<T>): Promise<T> {
  if (!/^application\/json\b/i.test(request.headers.get("Content-Type") ?? "")) throw new ApiProblem("unsupported_media_type");
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    throw new ApiProblem("invalid_request", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiProblem("invalid_request", "The body does not match the schema.", {
      errors: parsed.error.issues.slice(0, 100).map((i) => ({ pointer: `#/${i.path.join("/")}`, code: i.code, detail: i.message })),
    });
  }
  return parsed.data;
}
