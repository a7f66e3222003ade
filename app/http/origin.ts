/**
 * Cross-site request forgery protection: every state-changing request (anything but GET, HEAD and
 * OPTIONS) must come from the portal's own origin. Browsers send `Origin` on such requests; where a
 * client sends none, `Referer` is used; with neither, the request is refused. API clients
 * authenticate with a bearer key, not a cookie, and may omit both on /api/ paths.
 */
export function isAllowedOrigin(input: {
  method: string;
  path: string;
  origin: string | undefined;
  referer: string | undefined;
  host: string | undefined;
  appUrl: string;
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
  const app = new URL(input.appUrl);
  if (claimedUrl.origin === app.origin) return true;
  // The host the browser addressed (e.g. 127.0.0.1 instead of localhost in development).
  return !!input.host && claimedUrl.host === input.host && (claimedUrl.protocol === "http:" || claimedUrl.protocol === "https:");
}
