import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute, listOf, parseQuery } from "~/modules/api/handler.server";
import { snapshotQuerySchema } from "~/modules/api/schemas";
import { snapshotChecksum, snapshotStream } from "~/modules/hashlist/feed.server";

/**
 * GET /api/v1/lists/{list}/snapshot – the whole list as of its current checkpoint (or one algorithm),
 * streamed as CSV or JSON lines, with its checksum and checkpoint in headers. The ETag names the
 * checkpoint: If-None-Match answers 304 while the list is unchanged.
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
    const { sha256, entries } = await snapshotChecksum(args.context.db, list.id, seq, query.algorithm ?? null);
    const body = snapshotStream(args.context.db, list.id, seq, query.algorithm ?? null, format);
    return {
      response: new Response(body, {
        status: 200,
        headers: {
          ...headers,
          "Content-Type": format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8",
          "Content-Disposition": `attachment; filename="${list.slug}-${seq}.${format}"`,
          "Hashlist-Checksum": `sha256=${sha256}`,
          "Hashlist-Entries": String(entries),
        },
      }),
      items: entries,
    };
  });
}
