import crypto from "node:crypto";
import type { ServerBuild } from "@remix-run/node";
import type express from "express";
import type { Logger } from "pino";
import { recordHttpRequest } from "~/modules/metrics/metrics.server";
import { routeLabeller } from "./route-label";

/** An incoming X-Request-Id is kept when it is short and plain (a proxy's or a client's own id). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestIdFrom(header: string | undefined): string {
  return header && SANE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/**
 * The request id (kept from a sane `X-Request-Id`, else new; sent back in the same header) and, when
 * the answer is finished, one log line and the request's metrics.
 *
 * The line is made of fields chosen here, one by one: the request id, method, route id (never the
 * path or its query string: they can carry ids and single-use tokens), status, duration, bytes sent
 * and the client address. No header, cookie or body is ever logged.
 */
export function requestLog(options: { log: Logger; build: ServerBuild }): express.RequestHandler {
  const label = routeLabeller(options.build);
  return (req, res, next) => {
    const requestId = requestIdFrom(req.get("x-request-id"));
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    let bytes = 0;
    const write = res.write;
    const end = res.end;
    const count = (chunk: unknown, encoding?: unknown) => {
      if (chunk == null || typeof chunk === "function") return;
      bytes += typeof chunk === "string" ? Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : (chunk as Uint8Array).byteLength;
    };
    res.write = function (this: express.Response, chunk: unknown, ...rest: unknown[]) {
      count(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof res.write;
    res.end = function (this: express.Response, chunk?: unknown, ...rest: unknown[]) {
      count(chunk, rest[0]);
      return (end as (...args: unknown[]) => express.Response).call(this, chunk, ...rest);
    } as typeof res.end;
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = label(req.path);
      recordHttpRequest(req.method, route, res.statusCode, seconds);
      options.log.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          bytes,
          ip: req.ip,
          ...(aborted ? { aborted: true } : {}),
        },
        "request",
      );
    };
    res.on("finish", () => finish(false));
    res.on("close", () => finish(!res.writableFinished));
    next();
  };
}
