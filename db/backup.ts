/**
 * Backup and restore in one engine-neutral, streamed format (docs/decisions/0017-scheduler-and-backups.md):
 * gzip'd JSON lines. The first line is a header (format, version, source engine, the applied
 * migrations); then, table by table in foreign-key order, a line naming the table and its columns,
 * one line per row (values in column order, binary columns base64), and a line closing the table with
 * its row count; the last line closes the backup. Tables are found in the database itself (every table
 * but the migrator's), so a table added by a migration is backed up without a change here.
 *
 * Memory stays bounded: tables are read in keyset pages by primary key (smaller pages for rows with
 * large binary values) and written with back-pressure; a restore inserts in batches as it reads.
 * Introspection (primary and foreign keys, triggers) is engine-specific, and so is emptying a database
 * for --force: this file is, with the migrations and db/upsert.ts, where the two engines differ.
 */
import { once } from "node:events";
import fs from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import { PassThrough } from "node:stream";
import zlib from "node:zlib";
import { sql, type Kysely } from "kysely";
import { engineOf, type Engine } from "./dialect";

export const BACKUP_FORMAT = "partnerportalen-backup";
export const BACKUP_VERSION = 1;

export interface TableInfo {
  name: string;
  columns: string[];
  binary: string[];
  primaryKey: string[];
  /** The tables its foreign keys refer to. */
  references: string[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  engine: Engine;
  createdAt: string;
  migrations: string[];
}

export interface BackupSummary {
  tables: Record<string, number>;
}

type AnyDb = Kysely<any>;

/** The migrations applied to a database, in the order they ran. */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const rows = await db.selectFrom("kysely_migration").select(["name"]).orderBy("name").execute();
  return rows.map((r) => String(r.name));
}

/** Every table of the database (not the migrator's), parents before the tables that refer to them. */
export async function describeTables(db: AnyDb): Promise<TableInfo[]> {
  const engine = engineOf(db);
  const tables = (await db.introspection.getTables()).filter((t) => !t.isView && !t.name.startsWith("kysely_"));
  const infos: TableInfo[] = [];
  for (const t of tables) {
    let primaryKey: string[];
    let references: string[];
    if (engine === "mysql") {
      const keys = await sql<{ column_name: string; referenced: string | null; constraint_name: string }>`
        SELECT COLUMN_NAME AS column_name, REFERENCED_TABLE_NAME AS referenced, CONSTRAINT_NAME AS constraint_name
        FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${t.name}
        ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`.execute(db);
      primaryKey = keys.rows.filter((k) => k.constraint_name === "PRIMARY").map((k) => k.column_name);
      references = keys.rows.filter((k) => k.referenced).map((k) => k.referenced!);
    } else {
      const columns = await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${t.name})`.execute(db);
      primaryKey = columns.rows
        .filter((c) => Number(c.pk) > 0)
        .sort((a, b) => Number(a.pk) - Number(b.pk))
        .map((c) => c.name);
      const keys = await sql<{ table: string }>`SELECT "table" FROM pragma_foreign_key_list(${t.name})`.execute(db);
      references = keys.rows.map((k) => k.table);
    }
    if (!primaryKey.length) throw new Error(`Table ${t.name} has no primary key: it cannot be backed up in pages.`);
    infos.push({
      name: t.name,
      columns: t.columns.map((c) => c.name),
      binary: t.columns.filter((c) => /blob|binary/i.test(c.dataType)).map((c) => c.name),
      primaryKey,
      references: [...new Set(references)].filter((r) => r !== t.name),
    });
  }
  // Parents first; among tables that are ready, by name (the same order on both engines).
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  const pending = [...infos].sort((a, b) => a.name.localeCompare(b.name));
  while (pending.length) {
    const index = pending.findIndex((t) => t.references.every((r) => done.has(r) || !infos.some((i) => i.name === r)));
    if (index < 0) throw new Error(`Foreign keys form a cycle among: ${pending.map((t) => t.name).join(", ")}`);
    const [next] = pending.splice(index, 1);
    ordered.push(next!);
    done.add(next!.name);
  }
  return ordered;
}

const PAGE_BYTES = 8 * 1024 * 1024;
const MAX_PAGE_ROWS = 2000;

function encodeValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.getTime();
  return value;
}

/** Reads a table in keyset pages by primary key; each page at most about PAGE_BYTES. */
async function* pagesOf(db: AnyDb, table: TableInfo): AsyncGenerator<Record<string, unknown>[]> {
  let limit = table.binary.length ? 16 : 1000;
  let last: Record<string, unknown> | null = null;
  for (;;) {
    let query = db.selectFrom(table.name).select(table.columns);
    if (last) {
      const after = last;
      const pk = table.primaryKey;
      query = query.where((eb) => eb.or(pk.map((column, i) => eb.and([...pk.slice(0, i).map((c) => eb(c, "=", after[c])), eb(column, ">", after[column])]))));
    }
    for (const column of table.primaryKey) query = query.orderBy(column);
    const rows = (await query.limit(limit).execute()) as Record<string, unknown>[];
    if (!rows.length) return;
    yield rows;
    if (rows.length < limit) return;
    last = rows[rows.length - 1]!;
    if (table.binary.length) {
      const bytes = rows.reduce((sum, r) => sum + table.binary.reduce((s, c) => s + ((r[c] as Uint8Array | null)?.byteLength ?? 0), 0), 0);
      limit = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor((PAGE_BYTES * rows.length) / Math.max(1, bytes))));
    }
  }
}

/**
 * Writes a backup of every table to `file` (gzip'd JSON lines). The tables are read in one
 * transaction, so the backup is one consistent moment even while the portal runs (MySQL: a
 * repeatable-read snapshot; SQLite: the read transaction's WAL snapshot).
 */
export async function writeBackup(db: AnyDb, file: string): Promise<BackupSummary> {
  const tables = await describeTables(db);
  const header: BackupHeader = { format: BACKUP_FORMAT, version: BACKUP_VERSION, engine: engineOf(db), createdAt: new Date().toISOString(), migrations: await appliedMigrations(db) };
  const lines = new PassThrough();
  const written = pipeline(lines, zlib.createGzip(), fs.createWriteStream(file));
  const write = async (value: unknown) => {
    if (!lines.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(lines, "drain"), written]);
  };
  const summary: BackupSummary = { tables: {} };
  try {
    await write(header);
    await db.transaction().execute(async (trx) => {
      for (const table of tables) {
        await write({ table: table.name, columns: table.columns, binary: table.binary, primaryKey: table.primaryKey });
        let count = 0;
        for await (const page of pagesOf(trx, table)) {
          for (const row of page) await write({ r: table.columns.map((c) => encodeValue(row[c])) });
          count += page.length;
        }
        await write({ end: table.name, rows: count });
        summary.tables[table.name] = count;
      }
    });
    await write({ end: true, tables: summary.tables });
    lines.end();
    await written;
  } catch (error) {
    lines.destroy();
    await written.catch(() => undefined);
    fs.rmSync(file, { force: true });
    throw error;
  }
  return summary;
}

/** Reads a backup's lines one at a time (JSON-parsed), without reading the file whole. */
async function* backupLines(file: string): AsyncGenerator<any> {
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      if (!line) continue;
      try {
        yield JSON.parse(line);
      } catch {
        throw new Error(`Line ${n} of the backup is not JSON: the file is damaged.`);
      }
    }
  } finally {
    rl.close();
    input.destroy();
  }
}

/** The header of a backup file (format, engine, migrations), checked. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const header of backupLines(file)) return checkHeader(header);
  throw new Error("The backup is empty.");
}

function checkHeader(header: any): BackupHeader {
  if (header?.format !== BACKUP_FORMAT) throw new Error("This file is not a Partnerportalen backup.");
  if (header.version !== BACKUP_VERSION) throw new Error(`This backup has format version ${header.version}; this portal reads version ${BACKUP_VERSION}.`);
  return header as BackupHeader;
}

/** Row counts of every table (for the "empty target" check). */
async function nonEmptyTables(db: AnyDb, tables: TableInfo[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) if (await db.selectFrom(t.name).select(sql`1`.as("x")).limit(1).executeTakeFirst()) out.push(t.name);
  return out;
}

/**
 * Deletes every row of every table. MySQL: TRUNCATE with foreign-key checks off (TRUNCATE also
 * passes the audit log's append-only triggers, which guard DELETE). SQLite: the triggers are dropped
 * and re-created from their own text around the deletes, in one transaction.
 */
async function emptyDatabase(db: AnyDb, tables: TableInfo[]) {
  if (engineOf(db) === "mysql") {
    await db.connection().execute(async (conn) => {
      await sql`SET FOREIGN_KEY_CHECKS = 0`.execute(conn);
      try {
        for (const t of tables) await sql`TRUNCATE TABLE ${sql.table(t.name)}`.execute(conn);
      } finally {
        await sql`SET FOREIGN_KEY_CHECKS = 1`.execute(conn);
      }
    });
    return;
  }
  await db.transaction().execute(async (trx) => {
    const triggers = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`.execute(trx);
    for (const t of triggers.rows) await sql`DROP TRIGGER ${sql.id(t.name)}`.execute(trx);
    for (const t of [...tables].reverse()) await trx.deleteFrom(t.name).execute();
    for (const t of triggers.rows) await sql.raw(t.sql).execute(trx);
  });
}

const BATCH_BYTES = 4 * 1024 * 1024;
/** Stay below SQLite's 32,766 bound parameters per statement. */
const MAX_PARAMETERS = 30_000;

/**
 * Restores a backup into a migrated database at the same migration level. The database must be empty
 * unless `force` (then every row in it is deleted first). Rows are inserted in batches, each batch in
 * a transaction, tables in foreign-key order with the keys checked. A restore that fails half-way
 * leaves what it inserted: run it again with `force`.
 */
export async function restoreBackup(db: AnyDb, file: string, options: { force?: boolean } = {}): Promise<BackupSummary> {
  const target = await appliedMigrations(db);
  const tables = await describeTables(db);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const summary: BackupSummary = { tables: {} };
  let header: BackupHeader | null = null;
  let table: TableInfo | null = null;
  let columns: string[] = [];
  let binary = new Set<string>();
  let batch: Record<string, unknown>[] = [];
  let batchBytes = 0;
  let batchRows = 1;
  let finished = false;

  const flush = async () => {
    if (!batch.length || !table) return;
    const rows = batch;
    const name = table.name;
    batch = [];
    batchBytes = 0;
    await db.transaction().execute((trx) => trx.insertInto(name).values(rows).execute());
  };

  for await (const line of backupLines(file)) {
    if (finished) throw new Error("The backup has lines after its end: the file is damaged.");
    if (!header) {
      header = checkHeader(line);
      if (header.migrations.join("\n") !== target.join("\n")) {
        throw new Error(
          `The backup is from another migration level than this database.\n` +
            `  backup:   ${header.migrations.length} migrations, the last ${header.migrations.at(-1) ?? "none"}\n` +
            `  database: ${target.length} migrations, the last ${target.at(-1) ?? "none"}\n` +
            `Restore into a database migrated by the same version of the portal as the backup (npm run migrate with that version), then migrate further.`,
        );
      }
      const filled = await nonEmptyTables(db, tables);
      if (filled.length && !options.force) throw new Error(`The database is not empty (${filled.slice(0, 5).join(", ")}${filled.length > 5 ? ", …" : ""}). Restore into an empty, migrated database, or pass --force to delete everything in it first.`);
      if (filled.length) await emptyDatabase(db, tables);
      continue;
    }
    if (Array.isArray(line.r)) {
      if (!table) throw new Error("A row outside a table: the file is damaged.");
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const value = line.r[i];
        row[columns[i]!] = binary.has(columns[i]!) && typeof value === "string" ? Buffer.from(value, "base64") : value;
        if (typeof value === "string") batchBytes += value.length;
      }
      batch.push(row);
      if (batch.length >= batchRows || batchBytes >= BATCH_BYTES) await flush();
    } else if (typeof line.table === "string") {
      table = byName.get(line.table) ?? null;
      if (!table) throw new Error(`The backup has a table this database does not have: ${line.table}.`);
      columns = line.columns as string[];
      const unknown = columns.filter((c) => !table!.columns.includes(c));
      if (unknown.length || columns.length !== table.columns.length) throw new Error(`The columns of ${table.name} differ between the backup and this database.`);
      binary = new Set(line.binary as string[]);
      batchRows = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMETERS / columns.length)));
    } else if (typeof line.end === "string") {
      await flush();
      const expected = Number(line.rows);
      const count = Number((await db.selectFrom(line.end).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      if (count !== expected) throw new Error(`${line.end}: the backup has ${expected} rows, the database now ${count}.`);
      summary.tables[line.end] = count;
      table = null;
    } else if (line.end === true) {
      finished = true;
    } else {
      throw new Error("An unknown line in the backup: the file is damaged.");
    }
  }
  if (!header) throw new Error("The backup is empty.");
  if (!finished) throw new Error("The backup ends before its last line: the file is incomplete (was the backup interrupted?).");
  const missing = tables.filter((t) => !(t.name in summary.tables));
  if (missing.length) throw new Error(`The backup has no data for: ${missing.map((t) => t.name).join(", ")}.`);
  return summary;
}
