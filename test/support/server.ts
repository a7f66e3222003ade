/**
 * The built portal (build/index.js, from `npm run build`) served in-process by the real HTTP server
 * code (security headers, CSRF check, Remix handler) over a real socket, on the test's database.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Db } from "#db/dialect";
import { createApp } from "~/http/server";
import type { ApiUsage } from "~/modules/api-keys/usage.server";
import type { Lifecycle } from "~/http/lifecycle";
import { getEnv, type Env } from "~/utils/env.server";

let build: Promise<ServerBuild> | undefined;
export function loadBuild(): Promise<ServerBuild> {
  build ??= import(/* @vite-ignore */ pathToFileURL(path.resolve("build/index.js")).href) as Promise<ServerBuild>;
  return build;
}

export interface TestServer {
  url: string;
  origin: string;
  close(): Promise<void>;
  /** The server's API usage counter (flush it to see the counts and the access log). */
  apiUsage: ApiUsage;
  /** fetch against the server; non-GET requests carry the server's own Origin unless told otherwise. */
  fetch(path: string, init?: RequestInit & { cookie?: string; form?: Record<string, string | string[]> }): Promise<Response>;
}

/**
 * `apiKeyCacheMs`: how long the server may keep the database's answers about API keys (production
 * default 1,000). 0 here unless a test asks: tests change keys and access through the services, not
 * through this server, and expect the next request to see it.
 */
export async function startTestServer(db: Db, options: { apiKeyCacheMs?: number; env?: Partial<Env>; lifecycle?: Lifecycle; replica?: Db } = {}): Promise<TestServer> {
  const env = { ...getEnv(), API_KEY_CACHE_MS: options.apiKeyCacheMs ?? 0, ...options.env };
  const { app, apiUsage } = createApp({ env, build: await loadBuild(), db, replica: options.replica, publicDir: path.resolve("public"), lifecycle: options.lifecycle });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    origin: url,
    apiUsage,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    fetch(p, init = {}) {
      const headers = new Headers(init.headers);
      if (init.cookie) headers.set("Cookie", init.cookie);
      let body = init.body;
      if (init.form) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(init.form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
        body = params;
        headers.set("Content-Type", "application/x-www-form-urlencoded");
      }
      const method = init.method ?? (init.form ? "POST" : "GET");
      if (method !== "GET" && method !== "HEAD" && !headers.has("Origin")) headers.set("Origin", url);
      return fetch(`${url}${p}`, { ...init, method, headers, body, redirect: "manual" });
    },
  };
}
