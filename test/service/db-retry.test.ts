/**
 * Reads retried once when their connection was lost (db/dialect.ts `retryingReads`): on MariaDB, a
 * pooled connection is killed by the server, as a database restart does to every pooled connection.
 * A plain SELECT on it succeeds (run again on another connection); a write and a statement inside a
 * transaction fail, as they must (a write may already have been applied). SQLite has no connections
 * to lose: the pure rules are checked there too.
 */
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, isConnectionLost, isIdempotentRead, type Db } from "#db/dialect";
import { engine } from "../support/db";
import { scratchDatabase } from "../support/spawn";

describe("which statements are retried", () => {
  it("plain reads only", () => {
    expect(isIdempotentRead("select `id` from `user` where `email` = ?")).toBe(true);
    expect(isIdempotentRead("  /* c */ SELECT 1")).toBe(true);
    expect(isIdempotentRead("with x as (select 1) select * from x")).toBe(true);
    expect(isIdempotentRead("SELECT id FROM organisation WHERE id = ? ORDER BY id FOR UPDATE")).toBe(false);
    expect(isIdempotentRead("select * from t lock in share mode")).toBe(false);
    expect(isIdempotentRead("SELECT GET_LOCK('x', 1)")).toBe(false);
    expect(isIdempotentRead("insert into t values (1)")).toBe(false);
    expect(isIdempotentRead("update t set a = 1")).toBe(false);
    expect(isIdempotentRead("delete from t")).toBe(false);
    expect(isConnectionLost({ code: "PROTOCOL_CONNECTION_LOST", fatal: true })).toBe(true);
    expect(isConnectionLost({ code: "ER_DUP_ENTRY" })).toBe(false);
    expect(isConnectionLost(null)).toBe(false);
  });
});

describe.runIf(engine === "mysql")("a lost connection (MariaDB)", () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let admin: Db;
  afterAll(async () => {
    await admin?.destroy();
    await scratch?.drop();
  });

  async function onKilledConnection<T>(db: Db, work: (conn: Db) => Promise<T>): Promise<T> {
    return db.connection().execute(async (conn) => {
      const { rows } = await sql<{ id: number }>`SELECT CONNECTION_ID() AS id`.execute(conn);
      await sql.raw(`KILL ${Number(rows[0]!.id)}`).execute(admin);
      // The server has closed it; the client learns that only when it next uses it.
      await new Promise((r) => setTimeout(r, 50));
      return work(conn);
    });
  }

  it("runs a plain SELECT again on another connection; a write or a transaction's statement fails", async () => {
    scratch = await scratchDatabase({ migrate: false });
    admin = createDb(process.env.TEST_DATABASE_URL, { poolSize: 1 });
    const db = createDb(scratch.url, { poolSize: 3 });
    try {
      await sql`CREATE TABLE t (id INT PRIMARY KEY)`.execute(db);
      const read = await onKilledConnection(db, (conn) => sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(conn));
      expect(Number(read.rows[0]!.n)).toBe(42);
      const write = onKilledConnection(db, (conn) => sql`INSERT INTO t (id) VALUES (1)`.execute(conn));
      await expect(write).rejects.toSatisfy(isConnectionLost);
      const inTransaction = db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: number }>`SELECT CONNECTION_ID() AS id`.execute(trx);
        await sql.raw(`KILL ${Number(rows[0]!.id)}`).execute(admin);
        await new Promise((r) => setTimeout(r, 50));
        return sql`SELECT 1`.execute(trx);
      });
      await expect(inTransaction).rejects.toSatisfy(isConnectionLost);
      // The pool goes on working.
      const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM t`.execute(db);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});
