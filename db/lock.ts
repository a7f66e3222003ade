import { sql } from "kysely";
import type { Db } from "./dialect";
import { engineOf } from "./dialect";

/**
 * Locks rows for the rest of the transaction, so that a rule that counts rows ("at least one admin")
 * cannot be broken by two transactions each checking a snapshot that misses the other's change.
 * MySQL: SELECT … FOR UPDATE, in id order (no deadlock between two lockers). SQLite runs one writing
 * transaction at a time, so there is nothing to do.
 */
export async function lockRows(trx: Db, query: { table: "organisation" | "user" | "hash_list" | "assessment"; where: ReturnType<typeof sql> }): Promise<void> {
  if (engineOf(trx) !== "mysql") return;
  await sql`SELECT id FROM ${sql.table(query.table)} WHERE ${query.where} ORDER BY id FOR UPDATE`.execute(trx);
}
