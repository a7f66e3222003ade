import type { Db } from "#db/dialect";
import { logger } from "~/utils/logger.server";

/**
 * Where the hash-list API reads changes and matches from (docs/operations.md, "Read replicas").
 *
 * With DATABASE_REPLICA_URL set, these reads go to the replica, which may be a few seconds behind the
 * primary. Each read uses the lists' heads as the replica has them, never the primary's: a delta then
 * stops where the replica's data stops (the client gets the rest on its next poll), and the PDQ index
 * never marks itself current up to changes it has not seen. A client that already holds a checkpoint
 * the replica has not reached (it synchronised a moment ago through the primary) is served by the
 * primary, and so is every read while the replica cannot be reached. Key checks, rate limits, the
 * access log and snapshots (read once per checkpoint, then served from files, and writing the
 * checkpoint's checksum) stay on the primary.
 */
export interface ListHead {
  id: number;
  lastSeq: number;
  minSeq: number;
}

export interface ReadSource<L extends ListHead> {
  db: Db;
  lists: L[];
  /** True when the replica answers. */
  replica: boolean;
}

export async function readSource<L extends ListHead>(
  primary: Db,
  replica: Db,
  lists: L[],
  options: { since?: number } = {},
): Promise<ReadSource<L>> {
  const onPrimary = { db: primary, lists, replica: false };
  if (replica === primary || !lists.length) return onPrimary;
  let heads: { id: number; last_seq: number; min_seq: number }[];
  try {
    heads = await replica
      .selectFrom("hash_list")
      .select(["id", "last_seq", "min_seq"])
      .where(
        "id",
        "in",
        lists.map((l) => l.id),
      )
      .execute();
  } catch (err) {
    logger.warn({ event: "replica.unavailable", err }, "replica.unavailable");
    return onPrimary;
  }
  const byId = new Map(heads.map((h) => [Number(h.id), h]));
  const onReplica: L[] = [];
  for (const list of lists) {
    const head = byId.get(list.id);
    if (!head || Number(head.last_seq) < (options.since ?? 0)) return onPrimary;
    // Never serve deltas from before what the primary says is kept: the API answers the same either way.
    onReplica.push({ ...list, lastSeq: Number(head.last_seq), minSeq: Math.max(list.minSeq, Number(head.min_seq)) });
  }
  return { db: replica, lists: onReplica, replica: true };
}
