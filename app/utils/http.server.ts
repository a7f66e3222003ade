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
  // Browsers drop tabs and newlines from URLs and read "\\" as "/": "/\t/evil.example" would become
  // "//evil.example". Only a plain path that stays on this origin is followed.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (typeof to !== "string" || !to.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://portal.invalid";
  try {
    const url = new URL(to, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}

export function redirectWithCookies(to: string, cookies: string[]) {
  const headers = new Headers();
  for (const c of cookies) headers.append("Set-Cookie", c);
  return redirect(to, { headers });
}
