import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiRoute, json } from "~/modules/api/handler.server";

/** GET /api/v1/lists – the lists this key may use, with their size and current checkpoint. */
export function loader(args: LoaderFunctionArgs) {
  return apiRoute(args, "hashlist:read", async (auth) => {
    const lists = auth.lists.map((l) => ({ list: l.slug, test: l.isTest, entries: l.liveCount, checkpoint: l.lastSeq, oldestCheckpoint: l.minSeq }));
    return { response: json({ lists }), items: lists.length };
  });
}
