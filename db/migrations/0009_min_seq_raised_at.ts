import type { Kysely } from "kysely";

// Frozen in time: this migration must never change once released.

/**
 * When a hash list's `min_seq` was last raised (ms; 0 = never). Tombstones behind `min_seq` are deleted
 * only once it has been in place for a while, so that no delta that passed the `min_seq` check just
 * before it was raised can still be reading them (app/modules/hashlist/lists.server.ts, pruneTombstones).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("hash_list").addColumn("min_seq_raised_at", "bigint", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("hash_list").dropColumn("min_seq_raised_at").execute();
}
