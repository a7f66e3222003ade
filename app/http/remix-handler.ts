import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { createRemixRequest } from "@remix-run/express/dist/server.js";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type express from "express";
import { SEND_FILE_HEADER, sendFile } from "./send-file.server";

/**
 * Remix's Express adapter, with one difference: the response body is written with back-pressure.
 *
 * `@remix-run/express` 2.17 writes every chunk of a body as soon as it is produced and never waits for
 * the socket to drain (react-router #15049), so a client that reads slowly makes the server hold the
 * rest of the response in memory – up to a whole hash-list snapshot per download. Here the body is
 * piped: the next chunk is pulled only when the socket has taken the last one (docs/decisions/0001).
 * The request is still built by the adapter's own `createRemixRequest` (host, protocol behind a trusted
 * proxy, abort when the client goes away). A response naming a file in SEND_FILE_HEADER gets the file.
 */
export function remixHandler(options: {
  build: ServerBuild;
  mode: string;
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext;
}): express.RequestHandler {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req, res, next) => {
    let response: Response;
    try {
      response = await handle(createRemixRequest(req, res), options.getLoadContext(req, res));
    } catch (error) {
      next(error);
      return;
    }
    res.statusMessage = response.statusText;
    res.status(response.status);
    // An answer given before the request's body was read (a form over the action's limit, refused
    // by its Content-Length) leaves the rest of that body on the connection, where a kept-alive
    // connection's next request would be read from: that connection ends with this answer.
    if (!req.complete) res.setHeader("Connection", "close");
    const file = response.headers.get(SEND_FILE_HEADER);
    for (const [key, value] of response.headers.entries()) if (key !== SEND_FILE_HEADER.toLowerCase()) res.append(key, value);
    if (!response.body && !file) {
      res.end();
      return;
    }
    try {
      if (file) await sendFile(res, file);
      else await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    } catch (error) {
      // A client that goes away mid-body ends the pipeline (and cancels the body's stream): not an error
      // of ours. Anything else is logged by the request's `finish`/`close` handling as an aborted body.
      if (!res.destroyed) res.destroy(error as Error);
    }
  };
}
