import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";

/**
 * Names the route a request is for, for the request log and the metrics: the id of the deepest
 * Remix route that matches its path (`routes/staff+/organisations_.$organisationId`), matched the way
 * Remix matches it. Never the path itself: a path holds ids (unbounded label values) and can hold
 * anything a client sends. Static files are "static"; a path no route matches is "unmatched".
 */
export function routeLabeller(build: ServerBuild): (pathname: string) => string {
  const make = (parentId: string | undefined): AgnosticRouteObject[] =>
    Object.values(build.routes)
      .filter((r) => r.parentId === parentId)
      .map((r) => {
        const children = make(r.id);
        return r.index ? { id: r.id, index: true, path: r.path } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children };
      });
  const tree = make(undefined);
  return (pathname: string) => {
    if (pathname === "/metrics") return "metrics";
    if (pathname.startsWith("/build/") || /\.(js|css|map|ico|png|svg|woff2?|ttf|txt|webmanifest)$/i.test(pathname)) return "static";
    // Single fetch asks for a page's data at <path>.data (the root's at /_root.data).
    let path = pathname;
    if (path === "/_root.data") path = "/";
    else if (path.endsWith(".data")) path = path.slice(0, -".data".length) || "/";
    let matches;
    try {
      matches = matchRoutes(tree, path);
    } catch {
      matches = null;
    }
    const leaf = matches?.[matches.length - 1];
    return leaf?.route.id ?? "unmatched";
  };
}
