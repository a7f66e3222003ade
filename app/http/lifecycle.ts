import type { Server } from "node:http";
import type express from "express";

/**
 * The server's shutdown state (docs/operations.md, "Shutdown").
 *
 * Once shutdown begins: the listening socket is closed (new connections are refused), idle kept-alive
 * connections are closed, a request that still arrives on an open connection gets 503 with
 * `Connection: close` (/readyz answers its JSON "shutting_down"), and requests already in flight run to
 * their end, their connections closing after the answer. `drained` resolves when the last connection
 * has closed.
 */
export class Lifecycle {
  stopping = false;
  private readonly inFlight = new Set<express.Response>();
  private server: Server | null = null;

  readonly middleware: express.RequestHandler = (req, res, next) => {
    if (this.stopping) {
      res.setHeader("Connection", "close");
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Retry-After", "5");
      if (req.path === "/readyz") res.status(503).type("application/json").send(JSON.stringify({ status: "not_ready", reason: "shutting_down" }));
      else res.status(503).type("text/plain; charset=utf-8").send("503 – Portalen startar om. Försök igen om en stund. / The portal is restarting: try again shortly.");
      return;
    }
    this.inFlight.add(res);
    res.on("close", () => {
      this.inFlight.delete(res);
      // Its connection is idle now: close it rather than keep it alive for a request we would refuse.
      if (this.stopping) setImmediate(() => this.server?.closeIdleConnections());
    });
    next();
  };

  /** How many requests are being answered. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Stops accepting connections; resolves when every connection has closed. */
  begin(server: Server | null): Promise<void> {
    this.stopping = true;
    this.server = server;
    // Answers still to be started tell their clients to close the connection afterwards.
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
    if (!server) return Promise.resolve();
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return drained;
  }
}
