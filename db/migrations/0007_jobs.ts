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
  // One row per scheduled job (app/modules/jobs). An instance runs a job only after claiming it with a
  // conditional UPDATE (due, and no lease or an expired one); the lease is extended while it runs and
  // given back with the next due time when it ends. A crashed run's lease expires and the job is due.
  await createTable(db, "job")
    .addColumn("name", "varchar(40)", (c) => c.primaryKey())
    .addColumn("next_due_at", "bigint", (c) => c.notNull())
    .addColumn("locked_by", "varchar(100)")
    .addColumn("locked_until", "bigint")
    .addColumn("run_id", id)
    .addColumn("last_started_at", "bigint")
    .addColumn("last_finished_at", "bigint")
    /** ok | failed */
    .addColumn("last_outcome", "varchar(20)")
    .addColumn("last_error", "varchar(1000)")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  // Every run: who ran it, when, how it ended and what it did (JSON counts). Pruned by age.
  await createTable(db, "job_run")
    .addColumn("id", id, (c) => c.primaryKey())
    .addColumn("job_name", "varchar(40)", (c) => c.notNull())
    .addColumn("instance", "varchar(100)", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    /** running | ok | failed | abandoned (its lease expired before it finished) */
    .addColumn("outcome", "varchar(20)", (c) => c.notNull())
    .addColumn("error", "varchar(1000)")
    /** JSON object of counts. */
    .addColumn("counts", "text")
    .execute();
  await db.schema.createIndex("job_run_job_idx").on("job_run").columns(["job_name", "started_at"]).execute();
  await db.schema.createIndex("job_run_started_idx").on("job_run").columns(["started_at"]).execute();

  // What has been notified, once: a reminder or warning is sent only by the transaction that inserts
  // its row, so two instances racing never send it twice. Kept (a few rows per organisation a year).
  await createTable(db, "notice")
    .addColumn("kind", "varchar(40)", (c) => c.notNull())
    .addColumn("subject_id", "varchar(64)", (c) => c.notNull())
    .addColumn("period", "varchar(40)", (c) => c.notNull())
    .addColumn("organisation_id", id)
    .addColumn("recipients", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("notice_pk", ["kind", "subject_id", "period"])
    .execute();
  await db.schema.createIndex("notice_org_idx").on("notice").columns(["organisation_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["notice", "job_run", "job"]) await db.schema.dropTable(table).ifExists().execute();
}
