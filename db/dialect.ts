import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, MysqlAdapter, MysqlDialect, SqliteDialect } from "kysely";
import { createPool } from "mysql2";
import type { Database } from "./schema";

export type Db = Kysely<Database>;
export type Engine = "sqlite" | "mysql";

export const DEFAULT_SQLITE_FILE = "./data/partnerportalen.sqlite";

/** Applies the pragmas every SQLite connection of ours needs. */
export function configureSqlite(sqlite: SQLite.Database): SQLite.Database {
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/** Kysely prepares every query anew; better-sqlite3 statements can be reused, so keep the recent ones. */
function withStatementCache(sqlite: SQLite.Database, max = 200): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
    } else {
      stmt = sqlite.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === "prepare") return prepare;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export function createSqliteDb(sqlite: SQLite.Database): Db {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(configureSqlite(sqlite)) }) });
}

/**
 * DATABASE_URL → Kysely. Unset (or `sqlite:<file>`) opens an SQLite file, `mysql://…` a mysql2 pool.
 */
export function createDb(url: string | undefined, options: { poolSize?: number } = {}): Db {
  if (!url || url.startsWith("sqlite:") || url.startsWith("file:")) {
    const file = url ? url.replace(/^(sqlite|file):(\/\/)?/, "") : DEFAULT_SQLITE_FILE;
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return createSqliteDb(new SQLite(file));
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    const pool = createPool({
      uri: url.replace(/^mariadb:/, "mysql:"),
      connectionLimit: options.poolSize ?? 10,
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      enableKeepAlive: true,
    });
    return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  }
  throw new Error(`DATABASE_URL must start with mysql:// or sqlite: (got "${url.split(":")[0]}:")`);
}

export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof MysqlAdapter ? "mysql" : "sqlite";
}
