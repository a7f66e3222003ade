import type { ExpressionBuilder, Insertable, UpdateObject } from "kysely";
import type { Db } from "./dialect";
import { engineOf } from "./dialect";
import type { Database } from "./schema";

/**
 * Insert a row, or update it when its unique key already exists: `ON CONFLICT` on SQLite,
 * `ON DUPLICATE KEY UPDATE` on MySQL. The update may refer to the existing row's columns; on both
 * engines an unqualified column name in `set` means the existing value.
 */
export async function upsert<T extends keyof Database & string>(
  db: Db,
  table: T,
  values: Insertable<Database[T]>,
  conflictColumns: (keyof Database[T] & string)[],
  set: (eb: ExpressionBuilder<any, any>) => UpdateObject<Database, T>,
): Promise<void> {
  const insert = db.insertInto(table).values(values as any);
  if (engineOf(db) === "mysql") {
    await insert.onDuplicateKeyUpdate((eb: any) => set(eb) as any).execute();
  } else {
    await insert
      .onConflict((oc) => oc.columns(conflictColumns as any).doUpdateSet((eb: any) => set(eb) as any))
      .execute();
  }
}

/**
 * Inserts a row unless its unique key already exists (`ON CONFLICT DO NOTHING` on SQLite, `INSERT
 * IGNORE` on MySQL). True when this call inserted it: inside a transaction, only one of several racing
 * transactions gets true (the others wait for its lock and then see the row).
 */
export async function insertIfAbsent<T extends keyof Database & string>(db: Db, table: T, values: Insertable<Database[T]>): Promise<boolean> {
  const insert = db.insertInto(table).values(values as any);
  const result = engineOf(db) === "mysql" ? await insert.ignore().executeTakeFirst() : await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
