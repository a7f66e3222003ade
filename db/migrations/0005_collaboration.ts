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
  // Collaborative actions: what a company does together with the NGO. `revision` counts content
  // changes (every one is kept in collab_revision); `confirmation` is the NGO's side: none →
  // requested → changes_requested ⇄ requested → confirmed, and a change after confirmation asks again.
  await createTable(db, "collab_action")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("type", "varchar(30)", (c) => c.notNull())
    .addColumn("title", "varchar(200)", (c) => c.notNull())
    /** Calendar dates, YYYY-MM-DD; `year` is the start's year (filters and the overview). */
    .addColumn("starts_on", "varchar(10)", (c) => c.notNull())
    .addColumn("ends_on", "varchar(10)")
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("people_company", "varchar(1000)")
    .addColumn("people_ngo", "varchar(1000)")
    .addColumn("people_trained", "integer")
    .addColumn("reach", "bigint")
    .addColumn("amount", "bigint")
    .addColumn("currency", "varchar(3)")
    .addColumn("reports_handled", "integer")
    .addColumn("items_taken_down", "integer")
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    /** JSON array of URLs. */
    .addColumn("links", "text")
    .addColumn("confirmation", "varchar(20)", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("requested_at", "bigint")
    .addColumn("confirmed_revision", "integer")
    .addColumn("confirmed_at", "bigint")
    .addColumn("confirmed_by", id)
    .addColumn("on_behalf", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", id)
    .addForeignKeyConstraint("collab_action_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  // A company's timeline, newest first, in keyset pages; the same across all companies for staff.
  await db.schema.createIndex("collab_action_org_idx").on("collab_action").columns(["organisation_id", "starts_on", "id"]).execute();
  await db.schema.createIndex("collab_action_start_idx").on("collab_action").columns(["starts_on", "id"]).execute();
  // The yearly overview reads only this index (it covers every column the overview sums), in
  // organisation and type order.
  await db.schema
    .createIndex("collab_action_year_idx")
    .on("collab_action")
    .columns(["year", "organisation_id", "type", "status", "confirmation", "people_trained", "reach"])
    .execute();
  await db.schema.createIndex("collab_action_queue_idx").on("collab_action").columns(["confirmation", "requested_at", "id"]).execute();

  // Every version of an action's content: who, when, what changed (JSON), and the whole content.
  await createTable(db, "collab_revision")
    .addColumn("action_id", id, (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("changes", "text", (c) => c.notNull())
    .addColumn("by_user_id", id)
    .addColumn("by_staff", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("collab_revision_pk", ["action_id", "revision"])
    .addForeignKeyConstraint("collab_revision_action_fk", ["action_id"], "collab_action", ["id"], (c) => c.onDelete("cascade"))
    .execute();

  // What an action addresses: improvement-plan items, assessment gaps ("<assessmentId>:<questionId>"),
  // and later whatever else; a link table so new kinds need no rewrite.
  await createTable(db, "collab_target")
    .addColumn("action_id", id, (c) => c.notNull())
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("target_id", "varchar(160)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("collab_target_pk", ["action_id", "kind", "target_id"])
    .addForeignKeyConstraint("collab_target_action_fk", ["action_id"], "collab_action", ["id"], (c) => c.onDelete("cascade"))
    .execute();

  // Supporting files: the content is stored once per SHA-256 in evidence_file (0002).
  await createTable(db, "collab_file")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("action_id", id, (c) => c.notNull())
    .addColumn("file_name", "varchar(255)", (c) => c.notNull())
    .addColumn("mime", "varchar(100)", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", id)
    .addForeignKeyConstraint("collab_file_action_fk", ["action_id"], "collab_action", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("collab_file_content_fk", ["sha256"], "evidence_file", ["sha256"])
    .execute();
  await db.schema.createIndex("collab_file_action_idx").on("collab_file").columns(["action_id", "created_at"]).execute();

  // The thread both sides see; a request for changes and a confirmation are comments too.
  await createTable(db, "collab_comment")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("action_id", id, (c) => c.notNull())
    .addColumn("kind", "varchar(20)", (c) => c.notNull())
    .addColumn("author_user_id", id)
    .addColumn("by_staff", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addForeignKeyConstraint("collab_comment_action_fk", ["action_id"], "collab_action", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("collab_comment_action_idx").on("collab_comment").columns(["action_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["collab_comment", "collab_file", "collab_target", "collab_revision", "collab_action"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
