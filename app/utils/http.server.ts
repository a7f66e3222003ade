import { data, redirect } from "@remix-run/node";

/** An error page response (403, 404, …): the route's ErrorBoundary shows it, translated by code. */
export function httpError(status: number, code: string) {
  return data({ code }, { status });
}

/**
 * Only same-site relative paths are followed after sign-in and the like, never another origin
 * (no open redirects).
 */
export function safeRedirectPath(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

export function redirectWithCookies(to: string, cookies: string[]) {
  const headers = new Headers();
  for (const c of cookies) headers.append("Set-Cookie", c);
  return redirect(to, { headers });
}
