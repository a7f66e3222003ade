import type { Db } from "#db/dialect";
import type { ApiUsage } from "~/modules/api-keys/usage.server";

/** What the HTTP server hands every loader and action (see scripts/server.ts). */
export interface RequestContext {
  db: Db;
  requestId: string;
  cspNonce: string;
  clientIp: string | null;
  /** The process's API usage counter (one per server: it is flushed by the server every second). */
  apiUsage: ApiUsage;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
