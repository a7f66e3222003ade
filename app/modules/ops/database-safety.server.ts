import { sql } from "kysely";
import { engineOf, type Db } from "#db/dialect";

/**
 * Database settings that production refuses, with what to do about each. On MySQL/MariaDB a commit
 * must be on disk when it is acknowledged: with innodb_flush_log_at_trx_commit other than 1, a crash
 * of the database server (or its machine) loses the last second of acknowledged writes — audit
 * events, accepted agreements, imported hash lists.
 */
export async function unsafeDatabaseSettings(db: Db): Promise<string[]> {
  if (engineOf(db) !== "mysql") return [];
  const problems: string[] = [];
  const { rows } = await sql<{ value: number | string | null }>`SELECT @@GLOBAL.innodb_flush_log_at_trx_commit AS value`.execute(db);
  const value = rows[0]?.value;
  if (Number(value) !== 1)
    problems.push(`innodb_flush_log_at_trx_commit is ${String(value)} on the database server: it must be 1 in production, or acknowledged writes can be lost in a crash (SET GLOBAL innodb_flush_log_at_trx_commit = 1, and in the server's configuration).`);
  return problems;
}

/** Throws, naming every unsafe setting, when the database is not fit for production. */
export async function refuseUnsafeDatabase(db: Db): Promise<void> {
  const problems = await unsafeDatabaseSettings(db);
  if (problems.length) throw new Error(`Unsafe production configuration:\n  ${problems.join("\n  ")}`);
}
