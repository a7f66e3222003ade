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
const questionId = "varchar(120)";

export async function up(db: Kysely<any>): Promise<void> {
  // Published framework versions: immutable; the content is the whole validated JSON file.
  await createTable(db, "framework_version")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("framework_id", "varchar(40)", (c) => c.notNull())
    .addColumn("version", "varchar(20)", (c) => c.notNull())
    .addColumn("content", sql`mediumtext`, (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("published_at", "bigint", (c) => c.notNull())
    .addColumn("published_by", id)
    .addUniqueConstraint("framework_version_uq", ["framework_id", "version"])
    .execute();

  await createTable(db, "assessment")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("previous_assessment_id", id)
    .addColumn("score", "integer")
    .addColumn("maturity_level", "integer")
    /** JSON: { sectionId: score } at submission and at the decision, for trends and comparisons. */
    .addColumn("section_scores", "text")
    .addColumn("row_version", "integer", (c) => c.notNull())
    .addColumn("started_by", id)
    .addColumn("submitted_at", "bigint")
    .addColumn("submitted_by", id)
    .addColumn("decided_at", "bigint")
    .addColumn("decided_by", id)
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("assessment_org_year_uq", ["organisation_id", "year"])
    .addForeignKeyConstraint("assessment_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("assessment_status_idx").on("assessment").columns(["status", "submitted_at"]).execute();
  await db.schema.createIndex("assessment_year_idx").on("assessment").columns(["year", "status"]).execute();

  await createTable(db, "assessment_module")
    .addColumn("assessment_id", id, (c) => c.notNull())
    .addColumn("framework_id", "varchar(40)", (c) => c.notNull())
    .addColumn("framework_version_id", id, (c) => c.notNull())
    .addPrimaryKeyConstraint("assessment_module_pk", ["assessment_id", "framework_id"])
    .addForeignKeyConstraint("assessment_module_assessment_fk", ["assessment_id"], "assessment", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("assessment_module_version_fk", ["framework_version_id"], "framework_version", ["id"])
    .execute();

  await createTable(db, "assessment_answer")
    .addColumn("assessment_id", id, (c) => c.notNull())
    .addColumn("question_id", questionId, (c) => c.notNull())
    /** JSON: a string, or a list for multiple choice. */
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("carried_over", "integer", (c) => c.notNull())
    /** Increases with every change: a save names the version it started from (no lost updates). */
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", id)
    .addPrimaryKeyConstraint("assessment_answer_pk", ["assessment_id", "question_id"])
    .addForeignKeyConstraint("assessment_answer_assessment_fk", ["assessment_id"], "assessment", ["id"], (c) => c.onDelete("cascade"))
    .execute();

  // Evidence files, stored once per content (by SHA-256) in the database, so backups hold them.
  await createTable(db, "evidence_file")
    .addColumn("sha256", "varchar(64)", (c) => c.primaryKey())
    .addColumn("content", isMysql(db) ? sql`mediumblob` : "blob", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await createTable(db, "assessment_evidence")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("assessment_id", id, (c) => c.notNull())
    .addColumn("question_id", questionId, (c) => c.notNull())
    .addColumn("kind", "varchar(10)", (c) => c.notNull())
    .addColumn("url", "varchar(2000)")
    .addColumn("file_name", "varchar(255)")
    .addColumn("mime", "varchar(100)")
    .addColumn("size", "integer")
    .addColumn("sha256", "varchar(64)")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addForeignKeyConstraint("assessment_evidence_assessment_fk", ["assessment_id"], "assessment", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("assessment_evidence_file_fk", ["sha256"], "evidence_file", ["sha256"])
    .execute();
  await db.schema.createIndex("assessment_evidence_question_idx").on("assessment_evidence").columns(["assessment_id", "question_id"]).execute();

  await createTable(db, "assessment_comment")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("assessment_id", id, (c) => c.notNull())
    .addColumn("question_id", questionId)
    .addColumn("author_user_id", id)
    .addColumn("by_staff", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("resolved_at", "bigint")
    .addForeignKeyConstraint("assessment_comment_assessment_fk", ["assessment_id"], "assessment", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("assessment_comment_idx").on("assessment_comment").columns(["assessment_id", "created_at"]).execute();

  // The improvement plan belongs to the organisation and lives on from year to year.
  await createTable(db, "improvement_item")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("source_assessment_id", id)
    .addColumn("question_id", questionId)
    .addColumn("action", "varchar(1000)", (c) => c.notNull())
    .addColumn("owner_user_id", id)
    .addColumn("due_date", "varchar(10)")
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addForeignKeyConstraint("improvement_item_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("improvement_item_org_idx").on("improvement_item").columns(["organisation_id", "status", "due_date"]).execute();

  await createTable(db, "improvement_note")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("item_id", id, (c) => c.notNull())
    .addColumn("author_user_id", id)
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addForeignKeyConstraint("improvement_note_item_fk", ["item_id"], "improvement_item", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("improvement_note_item_idx").on("improvement_note").columns(["item_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "improvement_note",
    "improvement_item",
    "assessment_comment",
    "assessment_evidence",
    "evidence_file",
    "assessment_answer",
    "assessment_module",
    "assessment",
    "framework_version",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
