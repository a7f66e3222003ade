import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, MysqlAdapter, MysqlDialect, SqliteDialect } from "kysely";
import { createPool, type Pool, type PoolConnection } from "mysql2";
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
export function createDb(url: string | undefined, options: { poolSize?: number; connectTimeoutMs?: number } = {}): Db {
  if (!url || url.startsWith("sqlite:") || url.startsWith("file:")) {
    const file = url ? url.replace(/^(sqlite|file):(\/\/)?/, "") : DEFAULT_SQLITE_FILE;
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return createSqliteDb(new SQLite(file));
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    const pool = createPool({
      uri: url.replace(/^mariadb:/, "mysql:"),
      connectionLimit: options.poolSize ?? 10,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      timezone: "Z",
      charset: "utf8mb4_unicode_ci",
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      enableKeepAlive: true,
    });
    return new Kysely<Database>({ dialect: new MysqlDialect({ pool: retryingReads(pool) }) });
  }
  throw new Error(`DATABASE_URL must start with mysql:// or sqlite: (got "${url.split(":")[0]}:")`);
}

export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof MysqlAdapter ? "mysql" : "sqlite";
}

/** Errors that mean the connection itself is gone (the database restarted, a network cut, a KILL). */
const CONNECTION_LOST = new Set(["PROTOCOL_CONNECTION_LOST", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ER_SERVER_SHUTDOWN", "ER_CONNECTION_KILLED", "ER_QUERY_INTERRUPTED", "ERR_STREAM_DESTROYED"]);

export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: unknown; fatal?: unknown } | null;
  return !!e && (e.fatal === true || (typeof e.code === "string" && CONNECTION_LOST.has(e.code)));
}

/** A statement that only reads and may run again with the same result: a plain SELECT, outside a transaction. */
export function isIdempotentRead(statement: string): boolean {
  const s = statement.replace(/^(\s|\/\*[\s\S]*?\*\/)+/, "");
  return /^(select|with)\b/i.test(s) && !/\b(for\s+update|lock\s+in\s+share\s+mode|for\s+share|get_lock|release_lock|sleep)\b/i.test(s);
}

type QueryCallback = (error: unknown, result?: unknown, fields?: unknown) => void;

/**
 * The mysql2 pool, with one change: a plain SELECT outside a transaction that fails because its
 * connection was lost (a database restart leaves every pooled connection dead, and each is found out
 * only by the query that uses it) is run once more on another connection from the pool. Nothing else
 * is retried: a write may have been applied before the connection broke, and a statement inside a
 * transaction belongs to that transaction's connection. (The drill: scripts/drills/db-restart.ts.)
 */
export function retryingReads(pool: Pool): Pool {
  const inTransaction = new WeakSet<PoolConnection>();
  const wrapped = new WeakMap<PoolConnection, PoolConnection>();
  const wrap = (conn: PoolConnection): PoolConnection => {
    let proxy = wrapped.get(conn);
    if (!proxy) {
      proxy = proxied(conn);
      wrapped.set(conn, proxy);
    }
    return proxy;
  };
  const proxied = (conn: PoolConnection): PoolConnection =>
    new Proxy(conn, {
      get(target, prop) {
        if (prop !== "query") {
          const value = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (options: { sql?: string } | string, values: unknown, callback?: QueryCallback) => {
          // Without a callback the query is streamed (Kysely's streamQuery): passed through as it is.
          if (typeof callback !== "function") return (target.query as (...args: unknown[]) => unknown).call(target, options, values);
          const statement = typeof options === "string" ? options : (options.sql ?? "");
          if (/^\s*(start\s+transaction|begin)\b/i.test(statement)) inTransaction.add(target);
          else if (/^\s*(commit|rollback)\b/i.test(statement)) inTransaction.delete(target);
          const retry = !inTransaction.has(target) && isIdempotentRead(statement);
          const query = target.query as (...args: unknown[]) => unknown;
          return query.call(target, options, values, (error: unknown, result?: unknown, fields?: unknown) => {
            if (!error || !retry || !isConnectionLost(error)) return callback(error, result, fields);
            pool.getConnection((acquireError, fresh) => {
              if (acquireError) return callback(error);
              (fresh.query as (...args: unknown[]) => unknown).call(fresh, options, values, (again: unknown, r?: unknown, f?: unknown) => {
                fresh.release();
                callback(again, r, f);
              });
            });
          });
        };
      },
    });
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === "getConnection") {
        return (callback: (error: NodeJS.ErrnoException | null, conn: PoolConnection) => void) =>
          target.getConnection((error, conn) => callback(error, error ? conn : wrap(conn)));
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
