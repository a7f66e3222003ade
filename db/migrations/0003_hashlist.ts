import { sql, type Kysely } from "kysely";
import { MysqlAdapter } from "kysely";

// Frozen in time: this migration must never change once released.

function isMysql(db: Kysely<any>) {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

function createTable(db: Kysely<any>, name: string) {
  const builder = db.schema.createTable(name);
  return isMysql(db) ? builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : builder;
}

const id = "varchar(36)";

export async function up(db: Kysely<any>): Promise<void> {
  const mysql = isMysql(db);
  const binary = (n: number) => (mysql ? sql.raw(`varbinary(${n})`) : sql`blob`);

  // Versioned agreements (the data-use agreement; later the commitment text), published from files.
  await createTable(db, "agreement_version")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("kind", "varchar(30)", (c) => c.notNull())
    .addColumn("version", "varchar(20)", (c) => c.notNull())
    .addColumn("title_sv", "varchar(200)", (c) => c.notNull())
    .addColumn("title_en", "varchar(200)", (c) => c.notNull())
    .addColumn("text_sv", "text", (c) => c.notNull())
    .addColumn("text_en", "text", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("published_at", "bigint", (c) => c.notNull())
    .addColumn("published_by", id)
    .addUniqueConstraint("agreement_version_uq", ["kind", "version"])
    .execute();

  await createTable(db, "agreement_acceptance")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("agreement_version_id", id, (c) => c.notNull())
    .addColumn("accepted_by", id)
    .addColumn("accepted_by_name", "varchar(200)", (c) => c.notNull())
    .addColumn("language", "varchar(5)", (c) => c.notNull())
    .addColumn("accepted_at", "bigint", (c) => c.notNull())
    .addColumn("ip", "varchar(64)")
    .addUniqueConstraint("agreement_acceptance_uq", ["organisation_id", "agreement_version_id"])
    .addForeignKeyConstraint("agreement_acceptance_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("agreement_acceptance_version_fk", ["agreement_version_id"], "agreement_version", ["id"])
    .execute();

  // Hash lists. `last_seq` is the list's checkpoint: every addition and removal takes the next number,
  // under the list's row lock, so checkpoints are committed in order. Changes up to `min_seq` may have
  // been pruned: a client behind it takes the snapshot again.
  await createTable(db, "hash_list")
    // A small integer chosen by the application (the next free one): it keys millions of entries.
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("slug", "varchar(40)", (c) => c.notNull().unique())
    .addColumn("name_sv", "varchar(200)", (c) => c.notNull())
    .addColumn("name_en", "varchar(200)", (c) => c.notNull())
    .addColumn("description_sv", "text")
    .addColumn("description_en", "text")
    .addColumn("is_test", "integer", (c) => c.notNull())
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .addColumn("min_seq", "bigint", (c) => c.notNull())
    .addColumn("live_count", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // One row per entry, keyed by the checkpoint that added it (so the table is clustered in insertion
  // order); a removal is a tombstone (removed_seq set, live NULL). `live` is 1 or NULL so that the unique
  // key allows one live entry per value and any number of tombstones (NULLs are distinct). A delta reads
  // the additions after a checkpoint from the primary key and the removals from hash_entry_removed_idx.
  await createTable(db, "hash_entry")
    .addColumn("list_id", "integer", (c) => c.notNull())
    .addColumn("added_seq", "bigint", (c) => c.notNull())
    .addColumn("algorithm", "smallint", (c) => c.notNull())
    .addColumn("value", binary(144), (c) => c.notNull())
    .addColumn("quality", "smallint")
    .addColumn("category", "varchar(10)", (c) => c.notNull())
    .addColumn("source", "varchar(100)")
    .addColumn("added_at", "bigint", (c) => c.notNull())
    .addColumn("removed_seq", "bigint")
    .addColumn("removed_at", "bigint")
    .addColumn("live", "smallint")
    .addPrimaryKeyConstraint("hash_entry_pk", ["list_id", "added_seq"])
    .addForeignKeyConstraint("hash_entry_list_fk", ["list_id"], "hash_list", ["id"])
    .execute();
  await db.schema.createIndex("hash_entry_value_uq").unique().on("hash_entry").columns(["list_id", "algorithm", "value", "live"]).execute();
  await db.schema.createIndex("hash_entry_removed_idx").on("hash_entry").columns(["list_id", "removed_seq"]).execute();

  // The checksum of a list (or one algorithm of it, algorithm 0 = all) as of a checkpoint.
  await createTable(db, "hash_snapshot")
    .addColumn("list_id", "integer", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("algorithm", "smallint", (c) => c.notNull())
    .addColumn("entries", "bigint", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("hash_snapshot_pk", ["list_id", "seq", "algorithm"])
    .execute();

  await createTable(db, "hash_import")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("list_id", "integer", (c) => c.notNull())
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("format", "varchar(10)", (c) => c.notNull())
    .addColumn("mode", "varchar(10)", (c) => c.notNull())
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("lines", "bigint", (c) => c.notNull())
    .addColumn("added", "bigint", (c) => c.notNull())
    .addColumn("removed", "bigint", (c) => c.notNull())
    .addColumn("duplicates", "bigint", (c) => c.notNull())
    .addColumn("rejected", "bigint", (c) => c.notNull())
    /** JSON: the first rejected lines with their reasons (bounded), for the report. */
    .addColumn("rejections", "text")
    .addColumn("error", "varchar(500)")
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .addColumn("started_by", id)
    .addForeignKeyConstraint("hash_import_list_fk", ["list_id"], "hash_list", ["id"])
    .execute();
  await db.schema.createIndex("hash_import_list_idx").on("hash_import").columns(["list_id", "started_at"]).execute();

  // Which lists staff have granted an organisation. The test list needs no grant.
  await createTable(db, "hashlist_grant")
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("list_id", "integer", (c) => c.notNull())
    .addColumn("granted_at", "bigint", (c) => c.notNull())
    .addColumn("granted_by", id)
    .addPrimaryKeyConstraint("hashlist_grant_pk", ["organisation_id", "list_id"])
    .addForeignKeyConstraint("hashlist_grant_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("hashlist_grant_list_fk", ["list_id"], "hash_list", ["id"])
    .execute();

  // API keys: only the SHA-256 of the secret is stored, with a short display part.
  await createTable(db, "api_key")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("name", "varchar(100)", (c) => c.notNull())
    .addColumn("secret_sha256", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("display", "varchar(20)", (c) => c.notNull())
    .addColumn("scopes", "varchar(100)", (c) => c.notNull())
    /** JSON: CIDR blocks the key may be used from; NULL = anywhere. */
    .addColumn("allowed_cidrs", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("revoked_by", id)
    .addColumn("replaced_by", id)
    .addColumn("last_used_at", "bigint")
    .addColumn("last_used_ip", "varchar(64)")
    .addColumn("expiry_warned_at", "bigint")
    .addForeignKeyConstraint("api_key_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("api_key_org_idx").on("api_key").columns(["organisation_id", "created_at"]).execute();

  await createTable(db, "api_key_list")
    .addColumn("key_id", id, (c) => c.notNull())
    .addColumn("list_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("api_key_list_pk", ["key_id", "list_id"])
    .addForeignKeyConstraint("api_key_list_key_fk", ["key_id"], "api_key", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("api_key_list_list_fk", ["list_id"], "hash_list", ["id"])
    .execute();

  // Requests per key and day (UTC), by outcome: the usage chart and the daily quota.
  await createTable(db, "api_key_usage")
    .addColumn("key_id", id, (c) => c.notNull())
    .addColumn("day", "varchar(10)", (c) => c.notNull())
    .addColumn("ok", "integer", (c) => c.notNull())
    .addColumn("refused", "integer", (c) => c.notNull())
    .addColumn("matches", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("api_key_usage_pk", ["key_id", "day"])
    .addForeignKeyConstraint("api_key_usage_key_fk", ["key_id"], "api_key", ["id"], (c) => c.onDelete("cascade"))
    .execute();

  // The access log the data regulator expects (kept for API_LOG_RETENTION_DAYS): who read what, when.
  await createTable(db, "api_access_log")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("key_id", id)
    .addColumn("organisation_id", id)
    .addColumn("ip", "varchar(64)")
    .addColumn("method", "varchar(10)", (c) => c.notNull())
    .addColumn("path", "varchar(200)", (c) => c.notNull())
    .addColumn("status", "smallint", (c) => c.notNull())
    .addColumn("code", "varchar(40)")
    .addColumn("items", "integer")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("api_access_log_at_idx").on("api_access_log").columns(["at"]).execute();
  await db.schema.createIndex("api_access_log_org_idx").on("api_access_log").columns(["organisation_id", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "api_access_log",
    "api_key_usage",
    "api_key_list",
    "api_key",
    "hashlist_grant",
    "hash_import",
    "hash_snapshot",
    "hash_entry",
    "hash_list",
    "agreement_acceptance",
    "agreement_version",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
