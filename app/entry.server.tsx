import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { NonceProvider } from "~/components/nonce";
import { createRequestI18n, getLanguage } from "~/modules/i18n/i18n.server";
import { logger } from "~/utils/logger.server";
import type { Db } from "#db/dialect";
import { deliverPendingMail } from "~/modules/mail/mail.server";

export const streamTimeout = 5_000;

/**
 * React 18's streaming renderer (react-dom/server 18.3.1, writeStringChunk) writes its whole 2048-byte
 * buffer when a multi-byte character does not fit at its end, leaving NUL bytes in the page ("genomf\0örd").
 * UTF-8 never has a 0x00 byte inside a character and HTML has no use for one, so they are dropped.
 */
function withoutNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.includes(0) ? Buffer.from(chunk.filter((b) => b !== 0)) : chunk);
    },
  });
}

/**
 * Renders the whole document before sending it (no streaming of deferred data): every page is
 * complete HTML that works without JavaScript.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const i18n = await createRequestI18n(await getLanguage(request));
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          const body = withoutNulBytes();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: failed ? 500 : responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          failed = true;
          logger.error({ err: error, requestId: loadContext.requestId }, "render failed");
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  logger.error({ err: error, requestId: context.requestId, path: new URL(request.url).pathname }, "unhandled error");
};

/**
 * Periodic work, called by the HTTP server every few seconds: deliver queued mail. Clean-up, key
 * expiry warnings and the other scheduled work are jobs (app/modules/jobs), run once across instances.
 */
export async function periodicWork(db: Db): Promise<void> {
  await deliverPendingMail(db);
}
