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
  // A company's signed commitment for a year: the text exactly as it was shown (title and body in the
  // language shown), its SHA-256, who signed with which title, when, and how they re-confirmed.
  // Signing again (a new text version, another signer) adds a row; the newest counts.
  await createTable(db, "commitment_signature")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("period", "integer", (c) => c.notNull())
    .addColumn("agreement_version_id", id, (c) => c.notNull())
    .addColumn("language", "varchar(5)", (c) => c.notNull())
    .addColumn("title", "varchar(300)", (c) => c.notNull())
    .addColumn("text", sql`mediumtext`, (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("signer_user_id", id)
    .addColumn("signer_name", "varchar(200)", (c) => c.notNull())
    .addColumn("signer_title", "varchar(200)", (c) => c.notNull())
    .addColumn("method", "varchar(10)", (c) => c.notNull())
    .addColumn("signed_at", "bigint", (c) => c.notNull())
    .addColumn("ip", "varchar(64)")
    .addForeignKeyConstraint("commitment_signature_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("commitment_signature_version_fk", ["agreement_version_id"], "agreement_version", ["id"])
    .execute();
  await db.schema.createIndex("commitment_signature_org_idx").on("commitment_signature").columns(["organisation_id", "period", "signed_at"]).execute();

  // Issued reports: the PDF as issued, its SHA-256, and the data it was rendered from (rendering the
  // same data again gives the same bytes). The id is random and unguessable: it is the public
  // verification address. A report is never changed, only withdrawn (with a reason).
  await createTable(db, "report")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("period", "integer", (c) => c.notNull())
    .addColumn("language", "varchar(5)", (c) => c.notNull())
    .addColumn("trigger", "varchar(30)", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("pages", "integer", (c) => c.notNull())
    .addColumn("data", sql`mediumtext`, (c) => c.notNull())
    .addColumn("content", isMysql(db) ? sql`mediumblob` : "blob", (c) => c.notNull())
    .addColumn("issued_at", "bigint", (c) => c.notNull())
    .addColumn("issued_by", id)
    .addColumn("issued_by_name", "varchar(200)")
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("withdrawn_at", "bigint")
    .addColumn("withdrawn_by", id)
    .addColumn("withdrawn_reason", "varchar(1000)")
    .addForeignKeyConstraint("report_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("report_org_idx").on("report").columns(["organisation_id", "issued_at"]).execute();
  await db.schema.createIndex("report_issued_idx").on("report").columns(["issued_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("report").execute();
  await db.schema.dropTable("commitment_signature").execute();
}
