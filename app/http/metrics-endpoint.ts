import type express from "express";
import { metricsAccess, renderMetrics } from "~/modules/metrics/metrics.server";
import type { Env } from "~/utils/env.server";

/**
 * GET /metrics (Prometheus). With METRICS_TOKEN set: only with `Authorization: Bearer <METRICS_TOKEN>`
 * (compared in constant time). Without it: 404 in production, and only from the machine itself
 * (loopback) elsewhere. Served before the Remix handler: it renders nothing and needs no session.
 */
export function metricsEndpoint(env: Pick<Env, "METRICS_TOKEN" | "isProduction">): express.RequestHandler {
  return (req, res, next) => {
    if (req.path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return next();
    const access = metricsAccess({ token: env.METRICS_TOKEN, isProduction: env.isProduction, authorization: req.get("authorization") ?? null, clientIp: req.socket.remoteAddress ?? null });
    res.setHeader("Cache-Control", "no-store");
    if (access === "not_found") return void res.status(404).type("text/plain; charset=utf-8").send("Not found\n");
    if (access === "unauthorized") return void res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain; charset=utf-8").send("Unauthorized\n");
    if (access === "forbidden") return void res.status(403).type("text/plain; charset=utf-8").send("Forbidden\n");
    renderMetrics().then(
      ({ body, contentType }) => {
        res.status(200).setHeader("Content-Type", contentType);
        res.end(body);
      },
      (error: unknown) => next(error),
    );
  };
}
