import { timingSafeEqual, createHash } from "node:crypto";
import client from "prom-client";

/**
 * The process's Prometheus metrics (docs/operations.md, ADR 16).
 *
 * The HTTP server (build/server.js) and the Remix build (build/index.js) are two bundles that each
 * contain a copy of this module, but they run in one process and must count into one registry: the
 * registry and its metrics therefore live on `globalThis`, created by whichever copy asks first.
 * Others add their own metrics with `counter()` / `histogram()`, which return the already registered
 * metric when it exists (so a module loaded twice does not register twice).
 *
 * Labels are bounded by construction: a route is a Remix route id (or one of a few fixed labels), a
 * method one of the HTTP methods below, a status its class, an API endpoint one of API_ENDPOINTS and an
 * outcome a problem code. No label ever holds an id, a path or anything a client chose freely.
 */

const KEY = Symbol.for("partnerportalen.metrics");

interface Metrics {
  registry: client.Registry;
}

function state(): Metrics {
  const g = globalThis as unknown as Record<symbol, Metrics | undefined>;
  let m = g[KEY];
  if (!m) {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    m = { registry };
    g[KEY] = m;
  }
  return m;
}

/** The one registry (for `registry.metrics()` and for metrics defined elsewhere). */
export function metricsRegistry(): client.Registry {
  return state().registry;
}

/** A counter in the registry: the registered one when it exists, else a new one. */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): client.Counter<L> {
  const registry = metricsRegistry();
  const found = registry.getSingleMetric(name);
  if (found) return found as client.Counter<L>;
  return new client.Counter<L>({ name, help, labelNames, registers: [registry] });
}

/** A histogram in the registry: the registered one when it exists, else a new one. */
export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): client.Histogram<L> {
  const registry = metricsRegistry();
  const found = registry.getSingleMetric(name);
  if (found) return found as client.Histogram<L>;
  return new client.Histogram<L>({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) });
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

/** One HTTP request, as the server's request log sees it. `route` must be a bounded label (route id). */
export function recordHttpRequest(method: string, route: string, status: number, seconds: number) {
  const labels = { method: METHODS.has(method) ? method : "OTHER", route, status_class: statusClass(status) };
  counter("http_requests_total", "HTTP requests answered, by method, route and status class.", ["method", "route", "status_class"]).inc(labels);
  histogram("http_request_duration_seconds", "Time from a request's arrival to the end of its answer.", ["method", "route", "status_class"], LATENCY_BUCKETS).observe(labels, seconds);
}

/** The API's operations, as labels (the path templates of app/routes/api+). */
export const API_ENDPOINTS = ["lists", "snapshot", "changes", "match", "other"] as const;
export type ApiEndpoint = (typeof API_ENDPOINTS)[number];

export function apiEndpointOf(pathname: string): ApiEndpoint {
  if (/^\/api\/v1\/lists\/?$/.test(pathname)) return "lists";
  if (/^\/api\/v1\/lists\/[^/]+\/snapshot\/?$/.test(pathname)) return "snapshot";
  if (/^\/api\/v1\/lists\/[^/]+\/changes\/?$/.test(pathname)) return "changes";
  if (/^\/api\/v1\/match\/?$/.test(pathname)) return "match";
  return "other";
}

/** One API request: `outcome` is "ok" or the stable problem code it was refused with. */
export function recordApiRequest(endpoint: ApiEndpoint, outcome: string) {
  counter("api_requests_total", "Hash-list API requests by endpoint and outcome (ok or the problem code).", ["endpoint", "outcome"]).inc({ endpoint, outcome });
}

/** Hashes matched through the API (exact and PDQ). */
export function recordApiMatches(count: number) {
  if (count > 0) counter("api_matches_total", "Hashes the API reported as matching.", []).inc(count);
}

export type JobOutcome = "ok" | "failed" | "skipped";

/** One run of a scheduled job (the scheduler calls this; `job` is the job's fixed name). */
export function recordJobRun(job: string, outcome: JobOutcome, seconds: number) {
  counter("jobs_runs_total", "Scheduled job runs by job and outcome.", ["job", "outcome"]).inc({ job, outcome });
  histogram("jobs_run_duration_seconds", "How long scheduled job runs took.", ["job"], [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600]).observe({ job }, seconds);
}

// The counters exist (at zero) from the start, so a scrape shows them before their first event.
export function ensureMetrics() {
  counter("http_requests_total", "HTTP requests answered, by method, route and status class.", ["method", "route", "status_class"]);
  histogram("http_request_duration_seconds", "Time from a request's arrival to the end of its answer.", ["method", "route", "status_class"], LATENCY_BUCKETS);
  counter("api_requests_total", "Hash-list API requests by endpoint and outcome (ok or the problem code).", ["endpoint", "outcome"]);
  counter("api_matches_total", "Hashes the API reported as matching.", []);
  counter("jobs_runs_total", "Scheduled job runs by job and outcome.", ["job", "outcome"]);
  histogram("jobs_run_duration_seconds", "How long scheduled job runs took.", ["job"], [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600]);
}

/** The metrics in Prometheus' text format. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  ensureMetrics();
  const registry = metricsRegistry();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/** Constant-time comparison of a presented bearer token with the configured one. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  // Hashing first gives equal lengths, so neither the length nor the content leaks through timing.
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export type MetricsAccess = "allowed" | "unauthorized" | "not_found" | "forbidden";

/**
 * Who may read /metrics: with METRICS_TOKEN set, whoever presents it as a bearer token; without one,
 * nobody in production (404: the endpoint does not exist) and only the machine itself (loopback)
 * elsewhere.
 */
export function metricsAccess(input: { token: string | undefined; isProduction: boolean; authorization: string | null; clientIp: string | null }): MetricsAccess {
  if (input.token) {
    const m = /^Bearer (.+)$/i.exec(input.authorization ?? "");
    return tokenMatches(m?.[1], input.token) ? "allowed" : "unauthorized";
  }
  if (input.isProduction) return "not_found";
  return isLoopback(input.clientIp) ? "allowed" : "forbidden";
}

export function isLoopback(ip: string | null): boolean {
  if (!ip) return false;
  return ip === "::1" || /^127\./.test(ip) || /^::ffff:127\./.test(ip);
}
