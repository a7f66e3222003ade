import type { Db } from "#db/dialect";
import type { ApiUsage } from "~/modules/api-keys/usage.server";
import type { VerifiedKeys } from "~/modules/api-keys/verify.server";
import type { SnapshotFiles } from "~/modules/hashlist/snapshot-files.server";

/** What the HTTP server hands every loader and action (see scripts/server.ts). */
export interface RequestContext {
  db: Db;
  /** The replica the hash-list API reads changes and matches from (DATABASE_REPLICA_URL); else the primary, `db`. */
  replicaDb: Db;
  requestId: string;
  cspNonce: string;
  clientIp: string | null;
  /** The process's API usage counter (one per server: it is flushed by the server every second). */
  apiUsage: ApiUsage;
  /** The process's hash-list snapshot files (written once per checkpoint, then served from disk). */
  snapshotFiles: SnapshotFiles;
  /** The database's answers about API keys, kept up to API_KEY_CACHE_MS (emptied by every change this server handles). */
  verifiedKeys: VerifiedKeys;
  /** True once the server has begun to shut down (/readyz answers 503 from then on). */
  shuttingDown?: () => boolean;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
