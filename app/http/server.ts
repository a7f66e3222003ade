import crypto from "node:crypto";
import path from "node:path";
import type { Server } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import helmet from "helmet";
import { createDb, engineOf, type Db } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { refuseUnsafeDatabase } from "~/modules/ops/database-safety.server";
import { systemActor } from "~/modules/audit/audit.server";
import { publishMissingFrameworks } from "~/modules/frameworks/frameworks.server";
import { ApiUsage } from "~/modules/api-keys/usage.server";
import { VerifiedKeys } from "~/modules/api-keys/verify.server";
import { SnapshotFiles } from "~/modules/hashlist/snapshot-files.server";
import { publishAgreementsAndLists } from "~/modules/hashlist/startup.server";
import * as jobs from "~/modules/jobs/scheduler.server";
import type { Env } from "~/utils/env.server";
import { getLogger } from "~/utils/logger.server";
import { Lifecycle } from "./lifecycle";
import { metricsEndpoint } from "./metrics-endpoint";
import { isAllowedOrigin } from "./origin";
import { remixHandler } from "./remix-handler";
import { requestLog } from "./request-log";

const MAX_BODY_BYTES = 1024 * 1024;
/** File uploads (up to 5 MB, in a multipart body): assessment evidence, a collaborative action's files. */
const UPLOAD_PATH = /^\/app\/(assessments\/[^/]+\/evidence|collaboration\/[^/]+)(\.data)?$/;
const MAX_UPLOAD_BYTES = 6 * 1024 * 1024;
/** A match batch: up to 10,000 hashes as JSON. */
const MATCH_PATH = /^\/api\/v1\/match$/;
const MAX_MATCH_BYTES = 4 * 1024 * 1024;
/** A hash-list file uploaded by staff: streamed into the import, never buffered (hundreds of MB). */
const HASHLIST_IMPORT_PATH = /^\/staff\/hashlists\/\d+(\.data)?$/;
const MAX_HASHLIST_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

function maxBodyBytes(path: string): number {
  if (UPLOAD_PATH.test(path)) return MAX_UPLOAD_BYTES;
  if (MATCH_PATH.test(path)) return MAX_MATCH_BYTES;
  if (HASHLIST_IMPORT_PATH.test(path)) return MAX_HASHLIST_IMPORT_BYTES;
  return MAX_BODY_BYTES;
}

export interface HttpServerOptions {
  env: Env;
  build: ServerBuild;
  db: Db;
  /** The hash-list API's read replica (DATABASE_REPLICA_URL); the primary when not given. */
  replica?: Db;
  publicDir: string;
  /** Called every few seconds for periodic work (mail delivery, clean-up). */
  tick?: (db: Db) => Promise<void>;
}

export function createApp({ env, build, db, replica, publicDir, lifecycle }: HttpServerOptions & { lifecycle?: Lifecycle }) {
  const log = getLogger();
  const apiUsage = new ApiUsage();
  const snapshotFiles = env.SNAPSHOT_DIR ? new SnapshotFiles(env.SNAPSHOT_DIR) : SnapshotFiles.temporary();
  const verifiedKeys = new VerifiedKeys(env.API_KEY_CACHE_MS);
  const app = express();
  app.disable("x-powered-by");
  if (env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY);

  // Request id (and its log line and metrics) and CSP nonce first: everything after may log or render.
  app.use(requestLog({ log, build }));
  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString("base64");
    next();
  });
  if (lifecycle) app.use(lifecycle.middleware);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "font-src": ["'self'"],
          "connect-src": ["'self'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "base-uri": ["'self'"],
          "object-src": ["'none'"],
          ...(env.isProduction ? { "upgrade-insecure-requests": [] } : {}),
        },
      },
      strictTransportSecurity: env.isProduction ? { maxAge: 63_072_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
      xFrameOptions: { action: "deny" },
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    next();
  });

  app.use((req, res, next) => {
    const allowed = isAllowedOrigin({
      method: req.method,
      path: req.path,
      origin: req.get("origin"),
      referer: req.get("referer"),
      host: req.get("host"),
      forwardedHost: req.get("x-forwarded-host"),
    });
    if (!allowed) {
      res.status(403).type("text/plain; charset=utf-8").send("403 – Förfrågan kom inte från portalen. / The request did not come from the portal.");
      return;
    }
    // Bodies must declare their length: a chunked body of unknown size would be buffered whole.
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method) && req.get("transfer-encoding") && !req.get("content-length")) {
      res.status(411).set("Connection", "close").type("text/plain; charset=utf-8").send("411 – Ange längden. / Length required.");
      return;
    }
    if (Number(req.get("content-length") ?? 0) > maxBodyBytes(req.path)) {
      res.status(413).set("Connection", "close");
      if (req.path.startsWith("/api/")) {
        res.type("application/problem+json").send(JSON.stringify({ type: `${env.APP_URL}/developers#problem-payload_too_large`, title: "The request is too large.", status: 413, code: "payload_too_large" }));
      } else {
        res.type("text/plain; charset=utf-8").send("413 – För stor förfrågan. / Request too large.");
      }
      return;
    }
    next();
  });

  app.use(metricsEndpoint(env));
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y", index: false }));
  // Only paths that look like files can be static: pages skip the file-system look-up.
  const serveStatic = express.static(publicDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? serveStatic(req, res, next) : next()));

  app.use((req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    // Any change made through this server (a key revoked, an organisation suspended, a grant withdrawn,
    // …) holds for the API from the very next request: the kept answers about keys are dropped.
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method) && !req.path.startsWith("/api/")) res.on("finish", () => verifiedKeys.clear());
    next();
  });

  app.all(
    "*",
    remixHandler({
      build,
      mode: env.isProduction ? "production" : "development",
      getLoadContext: (req, res) => ({
        db,
        replicaDb: replica ?? db,
        requestId: res.locals.requestId as string,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? null,
        apiUsage,
        snapshotFiles,
        verifiedKeys,
        shuttingDown: () => lifecycle?.stopping ?? false,
      }),
    }),
  );
  return { app, log, apiUsage };
}

/** Migrates, listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function startServer(options: Omit<HttpServerOptions, "db"> & { db?: Db }) {
  const { env } = options;
  const db = options.db ?? createDb(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE });
  // A replica that does not answer must not hold up the API: a short connect timeout, then the primary.
  const replica = env.DATABASE_REPLICA_URL ? createDb(env.DATABASE_REPLICA_URL, { poolSize: env.DB_POOL_SIZE, connectTimeoutMs: 1_000 }) : undefined;
  if (env.isProduction) await refuseUnsafeDatabase(db);
  await migrateToLatest(db);
  // A framework never published before (a new portal) is published from its file at once.
  const published = await publishMissingFrameworks(db, systemActor("startup"));
  published.push(...(await publishAgreementsAndLists(db)));
  const lifecycle = new Lifecycle();
  const { app, log, apiUsage } = createApp({ ...options, db, replica, lifecycle });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  // A request must arrive whole within this (slow-body protection); a staff upload is imported while it
  // arrives, so this also bounds the size of a list file the back office takes (README).
  server.requestTimeout = env.REQUEST_TIMEOUT_SECONDS * 1000;
  log.info({ event: "listening", url: env.APP_URL, port: env.PORT, engine: engineOf(db), replica: replica !== undefined, published }, "listening");

  let ticking = false;
  const timer = options.tick
    ? setInterval(() => {
        if (ticking) return;
        ticking = true;
        options.tick!(db)
          .catch((err) => log.error({ err }, "periodic work failed"))
          .finally(() => (ticking = false));
      }, 5_000)
    : null;
  timer?.unref();
  // API usage, limits and the access log are counted in memory and written every second.
  const usageTimer = setInterval(() => {
    apiUsage
      .flush(db)
      .catch((err) => log.error({ err }, "API usage flush failed"));
  }, 1_000);
  usageTimer.unref();
  jobs.start(db, env, log);

  async function shutdown(signal: string) {
    if (lifecycle.stopping) return;
    const started = Date.now();
    log.info({ event: "shutdown.started", signal, inFlight: lifecycle.active, timeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS }, "shutdown.started");
    if (timer) clearInterval(timer);
    clearInterval(usageTimer);
    const closeDb = async () => {
      await jobs.stop().catch(() => undefined);
      await apiUsage.flush(db).catch(() => undefined);
      await db.destroy().catch(() => undefined);
      await replica?.destroy().catch(() => undefined);
    };
    // Requests still running when the time is up are cut off, and the exit code says so.
    const force = setTimeout(() => {
      log.error({ event: "shutdown.forced", inFlight: lifecycle.active }, "shutdown.forced");
      server.closeAllConnections();
      // Closing the pool gets a few seconds of its own: a forced stop must end.
      setTimeout(() => process.exit(1), 3_000).unref();
      void closeDb().finally(() => process.exit(1));
    }, env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
    await lifecycle.begin(server);
    await closeDb();
    clearTimeout(force);
    log.info({ event: "shutdown.finished", seconds: (Date.now() - started) / 1000 }, "shutdown.finished");
    process.exit(0);
  }
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return { server, db };
}
