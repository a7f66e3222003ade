import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute, json, listOf, parseQuery } from "~/modules/api/handler.server";
import { changesQuerySchema } from "~/modules/api/schemas";
import { readChanges } from "~/modules/hashlist/feed.server";
import { readListsFrom } from "~/modules/hashlist/replica.server";

/**
 * GET /api/v1/lists/{list}/changes?since=N – additions and removals after checkpoint N, oldest first, in
 * pages; `next` is the checkpoint to ask from next. 410 snapshot_required: take the snapshot again.
 */
export function loader(args: LoaderFunctionArgs) {
  return apiRoute(args, "hashlist:read", async (auth) => {
    const list = listOf(auth, args.params.list);
    const query = parseQuery(new URL(args.request.url), changesQuerySchema);
    // From the replica when it has reached the client's checkpoint (else from the primary).
    const page = await readListsFrom(args.context.db, args.context.replicaDb, [list], (db, [l]) => readChanges(db, l!, query.since, query.limit), { since: query.since });
    return { response: json({ list: list.slug, ...page }), items: page.changes.length };
  });
}
