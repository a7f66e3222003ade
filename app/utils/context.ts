import type { Db } from "#db/dialect";

/** What the HTTP server hands every loader and action (see scripts/server.ts). */
export interface RequestContext {
  db: Db;
  requestId: string;
  cspNonce: string;
  clientIp: string | null;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
