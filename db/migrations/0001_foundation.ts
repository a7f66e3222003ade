import { sql, type Kysely } from "kysely";
import { MysqlAdapter } from "kysely";

// Frozen in time: this migration must never change once released. Later changes go in new files.

function isMysql(db: Kysely<any>) {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

function createTable(db: Kysely<any>, name: string) {
  const builder = db.schema.createTable(name);
  return isMysql(db)
    ? builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`)
    : builder;
}

const id = "varchar(36)";

export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "organisation")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("country", "varchar(2)", (c) => c.notNull())
    .addColumn("org_number", "varchar(40)", (c) => c.notNull())
    .addColumn("industry", "varchar(40)", (c) => c.notNull())
    .addColumn("website", "varchar(255)")
    .addColumn("size_band", "varchar(20)", (c) => c.notNull())
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("status_reason", "varchar(1000)")
    .addColumn("status_changed_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("organisation_country_number_uq", ["country", "org_number"])
    .execute();
  await db.schema.createIndex("organisation_status_idx").on("organisation").columns(["status", "status_changed_at"]).execute();
  await db.schema.createIndex("organisation_name_idx").on("organisation").column("name").execute();

  await createTable(db, "organisation_status_event")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("from_status", "varchar(20)")
    .addColumn("to_status", "varchar(20)", (c) => c.notNull())
    .addColumn("reason", "varchar(1000)")
    .addColumn("actor_user_id", id)
    .addColumn("at", "bigint", (c) => c.notNull())
    .addForeignKeyConstraint("organisation_status_event_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("organisation_status_event_org_idx").on("organisation_status_event").columns(["organisation_id", "at"]).execute();

  await createTable(db, "user")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("email", "varchar(254)", (c) => c.notNull())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(255)")
    .addColumn("email_verified_at", "bigint")
    .addColumn("locale", "varchar(5)", (c) => c.notNull())
    .addColumn("staff_role", "varchar(20)")
    .addColumn("totp_secret", "varchar(255)")
    .addColumn("totp_enabled_at", "bigint")
    .addColumn("totp_last_step", "bigint")
    .addColumn("disabled_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("user_email_uq", ["email"])
    .execute();

  await createTable(db, "membership")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("user_id", id, (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("membership_org_user_uq", ["organisation_id", "user_id"])
    .addForeignKeyConstraint("membership_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .addForeignKeyConstraint("membership_user_fk", ["user_id"], "user", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("membership_user_idx").on("membership").column("user_id").execute();

  await createTable(db, "membership_role")
    .addColumn("membership_id", id, (c) => c.notNull())
    .addColumn("role", "varchar(30)", (c) => c.notNull())
    .addPrimaryKeyConstraint("membership_role_pk", ["membership_id", "role"])
    .addForeignKeyConstraint("membership_role_membership_fk", ["membership_id"], "membership", ["id"], (c) => c.onDelete("cascade"))
    .execute();

  await createTable(db, "invitation")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("organisation_id", id, (c) => c.notNull())
    .addColumn("email", "varchar(254)", (c) => c.notNull())
    .addColumn("roles", "varchar(255)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("invited_by", id, (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("accepted_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addUniqueConstraint("invitation_token_uq", ["token_hash"])
    .addForeignKeyConstraint("invitation_org_fk", ["organisation_id"], "organisation", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("invitation_org_idx").on("invitation").columns(["organisation_id", "created_at"]).execute();

  await createTable(db, "session")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", id, (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("two_factor_at", "bigint")
    .addColumn("active_organisation_id", id)
    .addColumn("ip", "varchar(64)")
    .addColumn("user_agent", "varchar(255)")
    .addForeignKeyConstraint("session_user_fk", ["user_id"], "user", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("session_user_idx").on("session").column("user_id").execute();
  await db.schema.createIndex("session_expires_idx").on("session").column("expires_at").execute();

  await createTable(db, "token")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("user_id", id, (c) => c.notNull())
    .addColumn("purpose", "varchar(30)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .addUniqueConstraint("token_hash_uq", ["token_hash"])
    .addForeignKeyConstraint("token_user_fk", ["user_id"], "user", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("token_user_idx").on("token").columns(["user_id", "purpose"]).execute();

  await createTable(db, "recovery_code")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("user_id", id, (c) => c.notNull())
    .addColumn("code_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .addForeignKeyConstraint("recovery_code_user_fk", ["user_id"], "user", ["id"], (c) => c.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("recovery_code_user_idx").on("recovery_code").column("user_id").execute();

  await createTable(db, "rate_limit")
    .addColumn("key", "varchar(191)", (c) => c.primaryKey())
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("reset_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("rate_limit_reset_idx").on("rate_limit").column("reset_at").execute();

  await createTable(db, "audit_event")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_user_id", id)
    .addColumn("actor_label", "varchar(254)")
    .addColumn("organisation_id", id)
    .addColumn("action", "varchar(80)", (c) => c.notNull())
    .addColumn("target_type", "varchar(40)")
    .addColumn("target_id", "varchar(64)")
    .addColumn("ip", "varchar(64)")
    .addColumn("user_agent", "varchar(255)")
    .addColumn("details", "text")
    .execute();
  await db.schema.createIndex("audit_event_at_idx").on("audit_event").columns(["at", "id"]).execute();
  await db.schema.createIndex("audit_event_org_idx").on("audit_event").columns(["organisation_id", "at"]).execute();
  await db.schema.createIndex("audit_event_actor_idx").on("audit_event").columns(["actor_user_id", "at"]).execute();
  await db.schema.createIndex("audit_event_action_idx").on("audit_event").columns(["action", "at"]).execute();

  // The audit log is append-only: the database itself refuses to change or delete an event.
  if (isMysql(db)) {
    await sql`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`.execute(db);
    await sql`CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
      BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
      BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`.execute(db);
  }

  await createTable(db, "mail_outbox")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("to_address", "varchar(254)", (c) => c.notNull())
    .addColumn("subject", "varchar(255)", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("template", "varchar(60)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("sent_at", "bigint")
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("last_error", "varchar(1000)")
    .execute();
  await db.schema.createIndex("mail_outbox_pending_idx").on("mail_outbox").columns(["sent_at", "next_attempt_at"]).execute();
  await db.schema.createIndex("mail_outbox_created_idx").on("mail_outbox").columns(["created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "mail_outbox",
    "audit_event",
    "rate_limit",
    "recovery_code",
    "token",
    "session",
    "invitation",
    "membership_role",
    "membership",
    "user",
    "organisation_status_event",
    "organisation",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
