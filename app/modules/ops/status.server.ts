import { sql } from "kysely";
import { engineOf, type Db } from "#db/dialect";
import { outboxSummary } from "~/modules/mail/mail.server";
import pkg from "../../../package.json";
import { migrationState } from "./readiness.server";

export interface HashListStatus {
  id: number;
  slug: string;
  entries: number;
  lastImport: { status: "running" | "done" | "failed"; startedAt: number; finishedAt: number | null } | null;
}

export interface SystemStatus {
  appVersion: string;
  nodeVersion: string;
  database: { engine: "sqlite" | "mysql"; version: string };
  /** The hash-list API's read replica: null when none is set; `behind` sums the lists' checkpoints it lacks. */
  replica: null | { reachable: false } | { reachable: true; version: string; behind: number };
  migrations: { level: string | null; current: boolean; behind: string[]; unknown: string[] };
  hashLists: HashListStatus[];
  mail: { pending: number; failed: number; oldestPendingAt: number | null };
}

async function databaseVersion(db: Db): Promise<string> {
  if (engineOf(db) === "sqlite") {
    const { rows } = await sql<{ v: string }>`SELECT sqlite_version() AS v`.execute(db);
    return `SQLite ${rows[0]?.v ?? "?"}`;
  }
  const { rows } = await sql<{ v: string }>`SELECT VERSION() AS v`.execute(db);
  const v = rows[0]?.v ?? "?";
  return /mariadb/i.test(v) ? `MariaDB ${v.replace(/-MariaDB.*$/i, "")}` : `MySQL ${v}`;
}

async function replicaStatus(db: Db, replica: Db): Promise<SystemStatus["replica"]> {
  if (replica === db) return null;
  try {
    const [version, heads, primary] = await Promise.all([
      databaseVersion(replica),
      replica.selectFrom("hash_list").select(["id", "last_seq"]).execute(),
      db.selectFrom("hash_list").select(["id", "last_seq"]).execute(),
    ]);
    const at = new Map(heads.map((h) => [Number(h.id), Number(h.last_seq)]));
    const behind = primary.reduce((sum, l) => sum + Math.max(0, Number(l.last_seq) - (at.get(Number(l.id)) ?? 0)), 0);
    return { reachable: true, version, behind };
  } catch {
    return { reachable: false };
  }
}

/** What the staff status page shows: versions, migration level, the replica, hash lists and the mail outbox. */
export async function getSystemStatus(db: Db, replica: Db = db): Promise<SystemStatus> {
  const [version, replicaState, migrations, lists, imports, mail] = await Promise.all([
    databaseVersion(db),
    replicaStatus(db, replica),
    migrationState(db),
    db.selectFrom("hash_list").select(["id", "slug", "live_count"]).orderBy("slug").execute(),
    // The latest import of each list: the row whose start no other import of the list passes.
    db
      .selectFrom("hash_import as i")
      .select(["i.list_id", "i.status", "i.started_at", "i.finished_at"])
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("hash_import as later")
              .select("later.id")
              .whereRef("later.list_id", "=", "i.list_id")
              .where((eb) => eb.or([eb("later.started_at", ">", eb.ref("i.started_at")), eb.and([eb("later.started_at", "=", eb.ref("i.started_at")), eb("later.id", ">", eb.ref("i.id"))])])),
          ),
        ),
      )
      .execute(),
    outboxSummary(db),
  ]);
  const lastImport = new Map(imports.map((i) => [Number(i.list_id), { status: i.status, startedAt: Number(i.started_at), finishedAt: i.finished_at === null ? null : Number(i.finished_at) }]));
  return {
    appVersion: pkg.version,
    nodeVersion: process.version,
    database: { engine: engineOf(db), version },
    replica: replicaState,
    migrations,
    hashLists: lists.map((l) => ({ id: Number(l.id), slug: l.slug, entries: Number(l.live_count), lastImport: lastImport.get(Number(l.id)) ?? null })),
    mail,
  };
}
