import pino from "pino";
import { getEnv } from "./env.server";

/**
 * Structured logs: one JSON line per event. Never log secrets: session ids, tokens, passwords, keys
 * and codes are redacted by path as a second line of defence.
 */
export const logger = pino({
  level: getEnv().LOG_LEVEL,
  base: { service: "partnerportalen" },
  redact: {
    paths: ["password", "*.password", "token", "*.token", "code", "*.code", "headers.cookie", "headers.authorization", "req.headers.cookie", "req.headers.authorization", "err.sql", "err.parameters", "err.values"],
    censor: "[redacted]",
  },
});
