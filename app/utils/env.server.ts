import { z } from "zod";
import { isJobName, parseDuration, type JobName } from "~/modules/jobs/names";

/**
 * Configuration, validated once. Every variable is documented in the README; an unsafe production
 * configuration stops the process at start-up with a message that says what to fix.
 */
const bool = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  APP_URL: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  /** A read replica of DATABASE_URL for the hash-list API's changes and matches (docs/operations.md). */
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\//, "must be a mysql:// URL: a read replica of a MySQL/MariaDB DATABASE_URL")
    .optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  APP_SECRET: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Partnerportalen <no-reply@partnerportalen.invalid>"),
  TRUST_PROXY: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  RATE_LIMIT_FACTOR: z.coerce.number().min(1).default(1),
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  API_DAILY_QUOTA: z.coerce.number().int().min(1).max(1_000_000_000).default(200_000),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(24 * 3600).default(300),
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  SNAPSHOT_DIR: z.string().min(1).optional(),
  HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  HASH_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10000).default(64),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BRAND_NAME: z.string().default("ECPAT Sverige"),
  BRAND_CONTACT_EMAIL: z.string().email().default("partner@ecpat.example"),
  BRAND_HOTLINE_URL: z.string().url().default("https://www.ecpat.se/hotline"),
  BRAND_WEBSITE_URL: z.string().url().default("https://www.ecpat.se"),
  DEMO: bool,
  /** The bearer token Prometheus presents at /metrics (unset: 404 in production, loopback only elsewhere). */
  METRICS_TOKEN: z.string().min(32, "METRICS_TOKEN must be at least 32 characters (openssl rand -hex 32)").optional(),
  /** How long a shutdown waits for requests in flight before it gives up and exits non-zero. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  // Scheduled jobs (app/modules/jobs, docs/operations.md). Unset JOBS_ENABLED: on, except in tests.
  JOBS_ENABLED: z.enum(["0", "1", "true", "false", ""]).optional(),
  JOBS_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  JOBS_LEASE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  JOBS_INTERVALS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const out: Partial<Record<JobName, number>> = {};
      for (const part of (value ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
        const [name = "", duration = ""] = part.split("=").map((p) => p.trim());
        const ms = parseDuration(duration);
        if (!isJobName(name) || ms === null || ms < 1000) {
          ctx.addIssue({ code: "custom", message: `"${part}" is not <job>=<number><s|m|h|d> with a known job (npm run jobs -- --list)` });
          return z.NEVER;
        }
        out[name] = ms;
      }
      return out;
    }),
  ASSESSMENT_REMINDER_DATE: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be MM-DD")
    .default("10-01"),
  PLAN_DUE_SOON_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  API_KEY_EXPIRY_WARNING_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  HASHLIST_STALE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  MAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  ACCESS_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  JOB_RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  INVITATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  HASHLIST_TOMBSTONE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Env = Omit<z.infer<typeof schema>, "JOBS_ENABLED"> & {
  JOBS_ENABLED: boolean;
  APP_URL: string;
  APP_SECRET: string;
  isProduction: boolean;
};

const DEVELOPMENT_SECRET = "development-only-secret-never-use-in-production-0123456789";

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const isProduction = env.NODE_ENV === "production";
  const problems: string[] = [];
  if (isProduction) {
    if (!env.APP_URL) problems.push("APP_URL is required in production (the portal's public https:// address).");
    else if (!env.APP_URL.startsWith("https://"))
      problems.push("APP_URL must be https:// in production: session cookies are Secure and __Host- prefixed.");
    if (!env.APP_SECRET || env.APP_SECRET.length < 32)
      problems.push("APP_SECRET must be set to at least 32 random characters in production (openssl rand -base64 48).");
    if (env.DEMO) problems.push("DEMO cannot be enabled in production.");
    if (env.DATABASE_REPLICA_URL && !/^(mysql|mariadb):\/\//.test(env.DATABASE_URL ?? ""))
      problems.push("DATABASE_REPLICA_URL is set but DATABASE_URL is not MySQL/MariaDB: a replica needs a MySQL primary.");
    // The server speaks plain HTTP, so an https:// APP_URL means TLS ends at a proxy in front of it.
    // TRUST_PROXY names how many proxies (or which addresses) to believe about the client's address
    // and protocol; "true" would believe any client's own X-Forwarded-For and let it choose its
    // address (and with it its throttles).
    if (env.TRUST_PROXY && /^(true|\*)$/i.test(env.TRUST_PROXY.trim()))
      problems.push("TRUST_PROXY=true trusts every client's X-Forwarded-For in production: set the number of proxies in front of the portal (e.g. 1) or their addresses.");
  }
  if (problems.length) throw new Error(`Unsafe production configuration:\n  ${problems.join("\n  ")}`);
  return {
    ...env,
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    APP_SECRET: env.APP_SECRET ?? DEVELOPMENT_SECRET,
    JOBS_ENABLED: env.JOBS_ENABLED ? env.JOBS_ENABLED === "1" || env.JOBS_ENABLED === "true" : env.NODE_ENV !== "test",
    isProduction,
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
