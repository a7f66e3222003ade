/**
 * The response for an evidence file: always an attachment, never shown inline, its declared type the
 * one found in its content, in a sandbox (nosniff and framing are set for every response), and its
 * SHA-256 in a header to check against.
 */
export function evidenceDownload(file: { name: string; mime: string; content: Buffer; sha256: string }): Response {
  const ascii = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(new Uint8Array(file.content), {
    headers: {
      "Content-Type": file.mime,
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "Content-Length": String(file.content.length),
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
      "X-Evidence-SHA256": file.sha256,
    },
  });
}
