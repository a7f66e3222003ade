import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { migrations } from "#db/migrations/index";

export type NotReadyReason = "shutting_down" | "database_unreachable" | "migrations_behind" | "migrations_unknown";

export type Readiness = { ready: true } | { ready: false; reason: NotReadyReason; detail?: string[] };

/** How long the database may take to answer `SELECT 1` before the portal counts as not ready. */
export const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The names of the migrations applied to the database, in order. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Known migrations the database lacks (`behind`) and applied ones this code does not know (`unknown`). */
export async function migrationState(db: Db): Promise<{ current: boolean; level: string | null; behind: string[]; unknown: string[] }> {
  const applied = await appliedMigrations(db);
  const known = Object.keys(migrations);
  const behind = known.filter((n) => !applied.includes(n));
  const unknown = applied.filter((n) => !known.includes(n));
  return { current: behind.length === 0 && unknown.length === 0, level: applied.at(-1) ?? null, behind, unknown };
}

/** Once a database has had every migration, it keeps them: ask again only until then. */
const current = new WeakSet<Db>();
/** One check at a time per database: while the database hangs, requests share the pending check. */
const pending = new WeakMap<Db, Promise<Readiness>>();

/**
 * Ready: the database answers a trivial query within READINESS_TIMEOUT_MS and has exactly the
 * migrations of db/migrations/index.ts; not ready as soon as shutdown has begun.
 */
export function checkReadiness(db: Db, options: { shuttingDown?: boolean; timeoutMs?: number } = {}): Promise<Readiness> {
  if (options.shuttingDown) return Promise.resolve({ ready: false, reason: "shutting_down" });
  let check = pending.get(db);
  if (!check) {
    check = runCheck(db, options.timeoutMs ?? READINESS_TIMEOUT_MS).finally(() => pending.delete(db));
    pending.set(db, check);
  }
  return check;
}

async function runCheck(db: Db, timeoutMs: number): Promise<Readiness> {
  try {
    await withTimeout(sql`SELECT 1`.execute(db), timeoutMs);
  } catch {
    return { ready: false, reason: "database_unreachable" };
  }
  if (current.has(db)) return { ready: true };
  let state;
  try {
    state = await withTimeout(migrationState(db), timeoutMs);
  } catch {
    return { ready: false, reason: "database_unreachable" };
  }
  if (state.behind.length) return { ready: false, reason: "migrations_behind", detail: state.behind };
  if (state.unknown.length) return { ready: false, reason: "migrations_unknown", detail: state.unknown };
  current.add(db);
  return { ready: true };
}
