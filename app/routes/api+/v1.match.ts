import type { ActionFunctionArgs } from "@remix-run/node";
import { ApiProblem, problemResponse } from "~/modules/api/problem.server";
import { apiRoute, json, listOf, parseBody } from "~/modules/api/handler.server";
import { matchRequestSchema } from "~/modules/api/schemas";
import { matchHashes } from "~/modules/hashlist/match.server";
import { readListsFrom } from "~/modules/hashlist/replica.server";
import { checkEntry } from "~/modules/hashlist/values";

/**
 * POST /api/v1/match – up to 10,000 hashes against the key's lists: exact for cryptographic hashes,
 * Hamming distance for PDQ. A hash that cannot be matched (bad value, PDQ of low quality) is listed in
 * `refused` with its code; the others are matched all the same.
 */
export function action(args: ActionFunctionArgs) {
  return apiRoute(args, "hashlist:match", async (auth) => {
    const body = await parseBody(args.request, matchRequestSchema);
    const lists = body.lists ? [...new Set(body.lists)].map((slug) => listOf(auth, slug)) : auth.lists;
    const refused: { index: number; code: string }[] = [];
    const hashes: Parameters<typeof matchHashes>[2] = [];
    for (const [index, h] of body.hashes.entries()) {
      const checked = checkEntry({ algorithm: h.algorithm, value: h.value, quality: h.quality ?? null });
      if (checked.ok) hashes.push({ index, entry: checked.entry });
      else refused.push({ index, code: checked.error });
    }
    const matches = await readListsFrom(args.context.db, args.context.replicaDb, lists, (db, heads) => matchHashes(db, heads, hashes, body.maxDistance));
    return {
      response: json({ checked: hashes.length, lists: lists.map((l) => l.slug), matches, refused }),
      items: body.hashes.length,
      matches: matches.length,
    };
  });
}

export function loader() {
  return problemResponse(new ApiProblem("method_not_allowed", "Use POST.", { headers: { Allow: "POST" } }));
}
