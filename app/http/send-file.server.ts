import fsp from "node:fs/promises";
import type { ServerResponse } from "node:http";

/**
 * A route that answers with a file (a hash-list snapshot, tens of megabytes) names it in this header
 * and sends no body; the HTTP server then sends the file itself (`sendFile`) and never passes the
 * header on – the pattern of nginx's X-Accel-Redirect.
 */
export const SEND_FILE_HEADER = "X-Internal-Send-File";

const CHUNK = 256 * 1024;

/**
 * Sends a file through two buffers of 256 KiB, reused: a buffer is filled again only when the socket
 * has taken what was written from it. Memory stays at those two buffers at any file size and client
 * speed – a stream of fresh chunks would leave the garbage collector tens of megabytes behind when the
 * client reads fast, and hold the response when it reads slowly.
 */
export async function sendFile(res: ServerResponse, path: string): Promise<void> {
  const file = await fsp.open(path, "r");
  const closed = new Promise<void>((resolve) => res.once("close", resolve));
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    const writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    let position = 0;
    for (let i = 0; ; i ^= 1) {
      await Promise.race([writes[i], closed]);
      if (res.destroyed) return;
      const { bytesRead } = await file.read(buffers[i]!, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const chunk = buffers[i]!.subarray(0, bytesRead);
      writes[i] = new Promise((resolve) => res.write(chunk, () => resolve()));
    }
    await Promise.race([Promise.all(writes), closed]);
    if (!res.destroyed) res.end();
  } finally {
    await file.close();
  }
}
