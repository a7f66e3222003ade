import { MysqlAdapter, type Kysely } from "kysely";

// Frozen in time: this migration must never change once released.

/**
 * A covering index for the snapshot's pages (`list_id, algorithm, value > ? ORDER BY value`, live as of
 * a checkpoint): pages read this one index in order and touch no table rows. Without it every entry of
 * a snapshot was a random look-up in the primary key, which at a million entries no longer fits
 * MariaDB's default buffer pool (docs/benchmarks.md, "Hash lists"). `added_seq` is listed for SQLite,
 * whose tables are keyed by rowid; InnoDB would carry it along with the primary key anyway.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("hash_entry_snapshot_idx")
    .on("hash_entry")
    .columns(["list_id", "algorithm", "value", "removed_seq", "added_seq", "quality", "category"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const drop = db.schema.dropIndex("hash_entry_snapshot_idx");
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on("hash_entry") : drop).execute();
}
