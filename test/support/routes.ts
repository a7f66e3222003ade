/**
 * Route tests call a route's loader or action with a real Request and a context holding the test
 * database, exactly as the HTTP server does.
 */
import { ApiUsage } from "~/modules/api-keys/usage.server";
import type { AppLoadContext } from "@remix-run/node";
import type { Db } from "#db/dialect";

export function testContext(db: Db, overrides: Partial<AppLoadContext> = {}): AppLoadContext {
  return { db, requestId: "test", cspNonce: "nonce", clientIp: "198.51.100.7", apiUsage: new ApiUsage(), ...overrides } as AppLoadContext;
}

export function testRequest(path: string, options: { method?: string; form?: Record<string, string | string[]>; cookie?: string; headers?: Record<string, string> } = {}): Request {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  headers.set("User-Agent", "vitest");
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(options.form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
  }
  return new Request(`http://portal.test${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
}

export interface RouteResult {
  status: number;
  headers: Headers;
  data: any;
  location: string | null;
}

function normalise(value: unknown): RouteResult {
  if (value instanceof Response) {
    return { status: value.status, headers: value.headers, data: null, location: value.headers.get("Location") };
  }
  if (value && typeof value === "object" && (value as any).type === "DataWithResponseInit") {
    const v = value as { data: unknown; init?: ResponseInit | null };
    const headers = new Headers(v.init?.headers);
    return { status: v.init?.status ?? 200, headers, data: v.data, location: headers.get("Location") };
  }
  return { status: 200, headers: new Headers(), data: value, location: null };
}

type RouteFn = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown;

/** Runs a loader or action; a thrown response (redirect, 403, 404) is returned, not thrown. */
export async function run(fn: RouteFn, request: Request, context: AppLoadContext, params: Record<string, string> = {}): Promise<RouteResult> {
  try {
    return normalise(await fn({ request, context, params }));
  } catch (error) {
    if (error instanceof Response || (error && typeof error === "object" && (error as any).type === "DataWithResponseInit")) return normalise(error);
    throw error;
  }
}

/** The session cookie a response sets, as a Cookie header value. */
export function setCookie(result: RouteResult, name = "pp_session"): string | null {
  const all = result.headers.getSetCookie?.() ?? [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  return found ? found.split(";")[0]! : null;
}
