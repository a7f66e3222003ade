/**
 * Real databases for tests, never mocks. SQLite by default: the schema is migrated once per worker
 * into memory, serialised, and every test opens its own copy. MariaDB/MySQL when TEST_DATABASE_URL
 * is set: one database per worker, migrated once, every table emptied before each test.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeEach } from "vitest";
import { createDb, createSqliteDb, type Db } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";

const mysqlUrl = process.env.TEST_DATABASE_URL;
export const engine = mysqlUrl ? "mysql" : "sqlite";

let template: Buffer | undefined;
async function sqliteTemplate(): Promise<Buffer> {
  if (!template) {
    const raw = new SQLite(":memory:");
    const db = createSqliteDb(raw);
    await migrateToLatest(db);
    template = raw.serialize();
    await db.destroy();
  }
  return template;
}

let mysqlDb: Promise<{ db: Db; name: string; admin: Db }> | undefined;
function workerMysql() {
  mysqlDb ??= (async () => {
    const admin = createDb(mysqlUrl, { poolSize: 1 });
    const name = `pp_test_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
    await sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).execute(admin);
    const url = new URL(mysqlUrl!);
    url.pathname = `/${name}`;
    const db = createDb(url.toString(), { poolSize: 5 });
    await migrateToLatest(db);
    return { db, name, admin };
  })();
  return mysqlDb;
}


let tables: Promise<string[]> | undefined;

async function emptyMysql(db: Db) {
  // Every table the migrations made, except their own bookkeeping (TRUNCATE also bypasses the audit
  // log's append-only triggers, which guard against DELETE).
  tables ??= db.introspection.getTables().then((all) => all.map((t) => t.name).filter((n) => !n.startsWith("kysely_")));
  const names = await tables;
  await db.connection().execute(async (conn) => {
    await sql`SET FOREIGN_KEY_CHECKS = 0`.execute(conn);
    for (const table of names) await sql.raw(`TRUNCATE TABLE \`${table}\``).execute(conn);
    await sql`SET FOREIGN_KEY_CHECKS = 1`.execute(conn);
  });
}

/** A fresh, migrated database for the test that is about to run. */
export async function freshDb(): Promise<Db> {
  if (mysqlUrl) {
    const { db } = await workerMysql();
    await emptyMysql(db);
    return db;
  }
  return createSqliteDb(new SQLite(await sqliteTemplate()));
}

/** Registers hooks so that `ctx.db` is a clean database in every test of the file. */
export function useTestDb(): { db: Db } {
  const holder = {} as { db: Db };
  let previous: Db | undefined;
  beforeEach(async () => {
    if (previous && !mysqlUrl) await previous.destroy();
    holder.db = await freshDb();
    previous = holder.db;
  });
  afterAll(async () => {
    if (previous && !mysqlUrl) await previous.destroy();
    if (mysqlDb) {
      const { db, admin, name } = await mysqlDb;
      await db.destroy();
      await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(admin);
      await admin.destroy();
      mysqlDb = undefined;
      tables = undefined;
    }
  });
  return holder;
}

/**
 * The test's database as a URL that more connections (a second app instance, a server process) can
 * open: with TEST_DATABASE_URL the worker's MariaDB database, emptied; otherwise a migrated SQLite
 * file of its own. `open()` makes another Kysely instance on it; `cleanup()` removes the SQLite file.
 * Files using it also call `useTestDb()`, which drops the MariaDB database at the end.
 */
export async function sharedTestDatabase(): Promise<{ url: string; db: Db; open(): Db; cleanup(): Promise<void> }> {
  if (mysqlUrl) {
    const { db, name } = await workerMysql();
    await emptyMysql(db);
    const url = new URL(mysqlUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), db, open: () => createDb(url.toString(), { poolSize: 5 }), cleanup: async () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-shared-"));
  const url = `sqlite:${path.join(dir, "shared.sqlite")}`;
  const db = createDb(url);
  await migrateToLatest(db);
  return {
    url,
    db,
    open: () => createDb(url),
    cleanup: async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
