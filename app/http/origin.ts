/**
 * Cross-site request forgery protection: every state-changing request (anything but GET, HEAD and
 * OPTIONS) must come from the portal's own origin, i.e. its Origin (or, where a client sends none,
 * Referer) names the host the request was sent to (X-Forwarded-Host behind a proxy, else Host) —
 * the same rule Remix applies, answered here with a 403 instead of an error. With neither header
 * the request is refused. API clients authenticate with a bearer key, not a cookie, and may omit
 * both on /api/ paths.
 */
export function isAllowedOrigin(input: {
  method: string;
  path: string;
  origin: string | undefined;
  referer: string | undefined;
  host: string | undefined;
  forwardedHost: string | undefined;
}): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(input.method.toUpperCase())) return true;
  const claimed = input.origin && input.origin !== "null" ? input.origin : input.referer;
  if (!claimed) return input.path.startsWith("/api/");
  let claimedUrl: URL;
  try {
    claimedUrl = new URL(claimed);
  } catch {
    return false;
  }
  if (claimedUrl.protocol !== "http:" && claimedUrl.protocol !== "https:") return false;
  const host = input.forwardedHost?.split(",")[0]?.trim() || input.host;
  return !!host && claimedUrl.host === host;
}
