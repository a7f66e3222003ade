import type { Kysely } from "kysely";

// Frozen in time: this migration must never change once released.

/**
 * Optimistic concurrency for the records several people edit through a form that shows the old values
 * (docs/decisions/0018-optimistic-concurrency.md). Each counter starts at 1, is bumped by every write
 * of what the form edits, and an UPDATE carries `WHERE <counter> = <the one the form was loaded with>`:
 * a save based on a stale page changes nothing and is refused as a conflict.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The company profile (name, industry, website, size): edited by the organisation's admins. Status
  // decisions have their own guard (the status they started from) and do not bump it.
  await db.schema.alterTable("organisation").addColumn("profile_version", "integer", (c) => c.notNull().defaultTo(1)).execute();
  // Which hash lists the organisation may use (hashlist_grant rows), edited by staff.
  await db.schema.alterTable("organisation").addColumn("grants_version", "integer", (c) => c.notNull().defaultTo(1)).execute();
  // A member's roles (membership_role rows), edited by the organisation's admins.
  await db.schema.alterTable("membership").addColumn("version", "integer", (c) => c.notNull().defaultTo(1)).execute();
  // A staff account's role and disabled state, edited by staff admins. Not bumped by the person's own
  // changes (name, language, password, second factor), which are a different form.
  await db.schema.alterTable("user").addColumn("staff_version", "integer", (c) => c.notNull().defaultTo(1)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("user").dropColumn("staff_version").execute();
  await db.schema.alterTable("membership").dropColumn("version").execute();
  await db.schema.alterTable("organisation").dropColumn("grants_version").execute();
  await db.schema.alterTable("organisation").dropColumn("profile_version").execute();
}
