import type { Db } from "#db/dialect";
import { AppError } from "~/utils/errors";
import { logger } from "~/utils/logger.server";

/**
 * Where the hash-list API reads changes and matches from (docs/operations.md, "Read replicas"; ADR 19).
 *
 * With DATABASE_REPLICA_URL set, these reads go to the replica, which may be a few seconds behind the
 * primary. Each read uses the lists' heads as the replica has them, never the primary's: a delta then
 * stops where the replica's data stops (the client gets the rest on its next poll), and the PDQ index
 * never marks itself current up to changes it has not seen. The primary serves the read instead when
 * the client already holds a checkpoint the replica has not reached (it synchronised a moment ago
 * through the primary), when the replica lacks a list, and when the replica fails: then the replica
 * is left alone for REPLICA_RETRY_MS (one log line), so that a replica that is down costs the API one
 * failed attempt, not one per request. Key checks, rate limits, the access log and snapshots (read
 * once per checkpoint, then served from files, and writing the checkpoint's checksum) stay on the
 * primary.
 */
export interface ListHead {
  id: number;
  lastSeq: number;
  minSeq: number;
}

export const REPLICA_RETRY_MS = 10_000;

/** Until when each replica is left alone after a failure. */
const downUntil = new WeakMap<Db, number>();

function markDown(replica: Db, err: unknown) {
  downUntil.set(replica, Date.now() + REPLICA_RETRY_MS);
  logger.warn({ event: "replica.unavailable", err, retryInMs: REPLICA_RETRY_MS }, "replica.unavailable");
}

/**
 * Runs `read` on the replica with the lists' heads as the replica has them, or on the primary with
 * the lists as given. An AppError from the read (a refused checkpoint, say) is the answer, wherever
 * it came from; any other error on the replica is a failed replica, and the primary answers.
 */
export async function readListsFrom<L extends ListHead, T>(
  primary: Db,
  replica: Db,
  lists: L[],
  read: (db: Db, lists: L[]) => Promise<T>,
  options: { since?: number } = {},
): Promise<T> {
  const onReplica = await replicaHeads(primary, replica, lists, options.since ?? 0);
  if (!onReplica) return read(primary, lists);
  try {
    return await read(replica, onReplica);
  } catch (err) {
    if (err instanceof AppError) throw err;
    markDown(replica, err);
    return read(primary, lists);
  }
}

/** The lists with the replica's heads, or null when the primary is to answer. */
async function replicaHeads<L extends ListHead>(primary: Db, replica: Db, lists: L[], since: number): Promise<L[] | null> {
  if (replica === primary || !lists.length || (downUntil.get(replica) ?? 0) > Date.now()) return null;
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
    markDown(replica, err);
    return null;
  }
  const byId = new Map(heads.map((h) => [Number(h.id), h]));
  const onReplica: L[] = [];
  for (const list of lists) {
    const head = byId.get(list.id);
    if (!head || Number(head.last_seq) < since) return null;
    // Never serve deltas from before what the primary says is kept: the API answers the same either way.
    onReplica.push({ ...list, lastSeq: Number(head.last_seq), minSeq: Math.max(list.minSeq, Number(head.min_seq)) });
  }
  return onReplica;
}
