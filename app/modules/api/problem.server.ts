import { getEnv } from "~/utils/env.server";

/**
 * API errors are RFC 9457 problem details with a stable `code` (docs/api.md lists them all). Titles
 * are English: the API is read by programs and their developers; the portal's pages are translated.
 */
export const PROBLEMS = {
  invalid_key: { status: 401, title: "The API key is missing, malformed, unknown, expired or revoked." },
  access_inactive: { status: 403, title: "The organisation's hash-list access is not active (approval, data-use agreement or granted lists)." },
  scope_not_allowed: { status: 403, title: "The API key does not have the scope this operation needs." },
  list_not_allowed: { status: 403, title: "The API key may not use this list." },
  address_not_allowed: { status: 403, title: "The API key may not be used from this address." },
  not_found: { status: 404, title: "There is no such resource." },
  method_not_allowed: { status: 405, title: "This method is not allowed here." },
  snapshot_required: { status: 410, title: "The checkpoint is older than the changes kept: take the snapshot again." },
  invalid_request: { status: 400, title: "The request is not valid." },
  checkpoint_invalid: { status: 400, title: "The checkpoint is not one this list has had." },
  payload_too_large: { status: 413, title: "The request is too large." },
  unsupported_media_type: { status: 415, title: "The request body must be application/json." },
  not_acceptable: { status: 406, title: "None of the accepted media types can be produced." },
  rate_limited: { status: 429, title: "Too many requests for this key: wait and retry." },
  quota_exceeded: { status: 429, title: "The key's daily quota is used up." },
  service_unavailable: { status: 503, title: "The service is busy or unavailable: retry later." },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export class ApiProblem extends Error {
  constructor(
    public readonly code: ProblemCode,
    public readonly detail?: string,
    public readonly extra: { headers?: Record<string, string>; errors?: { pointer: string; code: string; detail?: string }[] } = {},
  ) {
    super(code);
    this.name = "ApiProblem";
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export function problemResponse(problem: ApiProblem, requestId?: string): Response {
  const { status, title } = PROBLEMS[problem.code];
  const body = {
    type: `${getEnv().APP_URL}/developers#problem-${problem.code}`,
    title,
    status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
  const headers: Record<string, string> = { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...problem.extra.headers };
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="hashlist"';
  return new Response(JSON.stringify(body), { status, headers });
}
