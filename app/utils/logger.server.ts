import pino, { type Logger } from "pino";
import { getEnv } from "./env.server";

/**
 * Structured logs: one JSON line per request (written by the HTTP server) and one per notable event
 * (`logEvent`). Never log secrets: every line is built from fields chosen one by one (no request,
 * header, body or form object is ever handed to the logger). The path-based redaction below is only
 * a second line of defence for error objects.
 *
 * One logger per process: the HTTP server's bundle and the Remix build's bundle each contain this
 * module, so the instance is kept on `globalThis` and shared.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "partnerportalen" },
      redact: {
        paths: ["password", "*.password", "token", "*.token", "code", "*.code", "headers.cookie", "headers.authorization", "req.headers.cookie", "req.headers.authorization", "err.sql", "err.parameters", "err.values"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

const KEY = Symbol.for("partnerportalen.logger");

export function getLogger(): Logger {
  const g = globalThis as unknown as Record<symbol, Logger | undefined>;
  return (g[KEY] ??= createLogger(getEnv().LOG_LEVEL));
}

export const logger: Logger = new Proxy({} as Logger, {
  get(_target, prop) {
    const log = getLogger();
    const value = Reflect.get(log, prop, log);
    return typeof value === "function" ? value.bind(log) : value;
  },
});

/**
 * The fields a notable event may carry: nothing else reaches the log. Ids are the database's own
 * (never a session id, a token or a key's secret); `keyPrefix` is an API key's public prefix.
 */
export interface EventFields {
  requestId?: string;
  userId?: string | null;
  organisationId?: string | null;
  keyId?: string | null;
  keyPrefix?: string | null;
  route?: string;
  problem?: string;
  status?: number;
  count?: number;
  reason?: string;
  signal?: string;
  seconds?: number;
}

const EVENT_FIELDS: (keyof EventFields)[] = ["requestId", "userId", "organisationId", "keyId", "keyPrefix", "route", "problem", "status", "count", "reason", "signal", "seconds"];

/** One line for a notable event (`auth.login_failed`, `api.refused`, `shutdown.started` …). */
export function logEvent(event: string, fields: EventFields = {}, options: { level?: "info" | "warn" | "error" } = {}) {
  const level = options.level ?? "info";
  const line: Record<string, unknown> = { event };
  for (const k of EVENT_FIELDS) if (fields[k] !== undefined) line[k] = fields[k];
  getLogger()[level](line, event);
}
