import type { LoaderFunctionArgs } from "@remix-run/node";
import { SEND_FILE_HEADER } from "~/http/send-file.server";
import { apiRoute, listOf, parseQuery } from "~/modules/api/handler.server";
import { snapshotQuerySchema } from "~/modules/api/schemas";

/**
 * GET /api/v1/lists/{list}/snapshot – the whole list as of its current checkpoint (or one algorithm),
 * as CSV or JSON lines, with its checksum and checkpoint in headers, from the checkpoint's snapshot file
 * (written on the first request for it). The ETag names the checkpoint: If-None-Match answers 304 while
 * the list is unchanged.
 */
export function loader(args: LoaderFunctionArgs) {
  return apiRoute(args, "hashlist:read", async (auth) => {
    const list = listOf(auth, args.params.list);
    const query = parseQuery(new URL(args.request.url), snapshotQuerySchema);
    const accept = args.request.headers.get("Accept") ?? "";
    const format = query.format ?? (/application\/(x-)?(ndjson|jsonl)/.test(accept) ? "jsonl" : "csv");
    const seq = list.lastSeq;
    const etag = `"${list.id}.${seq}.${query.algorithm ?? "all"}.${format}"`;
    const headers: Record<string, string> = {
      ETag: etag,
      "Cache-Control": "private, no-cache",
      "Hashlist-Checkpoint": String(seq),
    };
    const matches = (args.request.headers.get("If-None-Match") ?? "").split(",").map((t) => t.trim().replace(/^W\//, ""));
    if (matches.includes(etag) || matches.includes("*")) return { response: new Response(null, { status: 304, headers }), items: 0 };
    const file = await args.context.snapshotFiles.get(args.context.db, list.id, seq, query.algorithm ?? null, format);
    return {
      response: new Response(null, {
        status: 200,
        headers: {
          ...headers,
          "Content-Type": format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8",
          "Content-Disposition": `attachment; filename="${list.slug}-${seq}.${format}"`,
          "Content-Length": String(file.bytes),
          [SEND_FILE_HEADER]: file.path,
          "Hashlist-Checksum": `sha256=${file.sha256}`,
          "Hashlist-Entries": String(file.entries),
        },
      }),
      items: file.entries,
    };
  });
}
