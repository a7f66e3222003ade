/**
 * Backup and restore (db/backup.ts): a database with a row in every table (the demo seed, then what it
 * leaves empty), backed up, restored into a fresh database and compared table by table, row by row –
 * on this engine, and across engines when TEST_DATABASE_URL is set. The tables are enumerated from the
 * migrated database itself: a table a migration adds fails the test until it is filled here.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { appliedMigrations, describeTables, restoreBackup, writeBackup } from "#db/backup";
import { createDb, createSqliteDb, engineOf, type Db } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { seedDemo } from "#db/seed/demo";
import { ApiUsage } from "~/modules/api-keys/usage.server";
import { createSession } from "~/modules/auth/session.server";
import { createToken } from "~/modules/auth/tokens.server";
import { claimNotice } from "~/modules/jobs/notices.server";
import { Scheduler } from "~/modules/jobs/scheduler.server";
import { newId } from "~/utils/ids";
import { useTestDb } from "../support/db";
import { companyWithAccess, keyFor, setUpHashLists } from "../support/hashlist";

const ctx = useTestDb();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-backup-"));
const mysqlUrl = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  fs.rmSync(dir, { recursive: true, force: true });
});
const file = (name: string) => path.join(dir, `${name}-${crypto.randomBytes(3).toString("hex")}.jsonl.gz`);

/** The demo seed, then a row in each table it leaves empty, through the services where they exist. */
async function fillEveryTable(db: Db) {
  await seedDemo(db);
  const { industry } = await setUpHashLists(db);
  const company = await companyWithAccess(db, [industry.id], { name: "Backup «Ö» AB 🚀" });
  const key = await keyFor(db, company, { listIds: [industry.id] });
  const usage = new ApiUsage();
  usage.take(key.id);
  usage.record({ at: Date.now(), keyId: key.id, organisationId: company.organisation.id, ip: "192.0.2.1", method: "GET", path: "/api/v1/lists", status: 200, code: null, items: 3, durationMs: 4 }, { keyId: key.id, ok: true, matches: 1 });
  await usage.flush(db);
  const user = company.members.compliance_officer;
  await createSession(db, user.id, { ip: "192.0.2.1", userAgent: "test\n\"quoted\"", twoFactorAt: null, activeOrganisationId: company.organisation.id });
  await createToken(db, user.id, "reset_password");
  const now = Date.now();
  await db
    .insertInto("invitation")
    .values({ id: newId(), organisation_id: company.organisation.id, email: "new@example.test", roles: '["engineer"]', token_hash: "f".repeat(64), invited_by: company.members.org_admin.id, created_at: now, expires_at: now + 1000, accepted_at: null, revoked_at: null })
    .execute();
  const item = await db.selectFrom("improvement_item").select(["id"]).executeTakeFirstOrThrow();
  await db.insertInto("improvement_note").values({ id: newId(), item_id: item.id, author_user_id: user.id, body: "Första anteckningen – \"citat\"\nny rad", created_at: now }).execute();
  const assessment = await db.selectFrom("assessment").select("id").executeTakeFirstOrThrow();
  const evidence = await db.selectFrom("evidence_file").select("sha256").executeTakeFirstOrThrow();
  await db
    .insertInto("assessment_evidence")
    .values({ id: newId(), assessment_id: assessment.id, question_id: "q1", kind: "file", url: null, file_name: "policy.pdf", mime: "application/pdf", size: 3, sha256: evidence.sha256, created_at: now, created_by: null })
    .execute();
  // Bytes that are not text, in both binary columns.
  const bytes = Buffer.from([0, 255, 10, 13, 0x22, 0x5c, 128, 1]);
  await db.insertInto("evidence_file").values({ sha256: crypto.createHash("sha256").update(bytes).digest("hex"), content: bytes, size: bytes.length, created_at: now }).execute();
  const action = await db.selectFrom("collab_action").select("id").executeTakeFirstOrThrow();
  await db.insertInto("collab_target").values({ action_id: action.id, kind: "plan_item", target_id: item.id, created_at: now }).execute();
  await new Scheduler(db, { log: { info: () => undefined, error: () => undefined }, leaseMs: 60_000, intervals: {} }).runDue();
  await claimNotice(db, { kind: "test", subjectId: company.organisation.id, period: "2026", organisationId: company.organisation.id, recipients: 1, now });
}

/** Every table's rows, values normalised across engines (bytes as base64), in primary-key order. */
async function contents(db: Db): Promise<Record<string, unknown[][]>> {
  const out: Record<string, unknown[][]> = {};
  for (const table of await describeTables(db)) {
    const rows = (await db
      .selectFrom(table.name as never)
      .select(table.columns as never)
      .execute()) as Record<string, unknown>[];
    const normalised = rows.map((r) => table.columns.map((c) => (r[c] instanceof Uint8Array ? Buffer.from(r[c] as Uint8Array).toString("base64") : r[c])));
    const pk = table.primaryKey.map((c) => table.columns.indexOf(c));
    const keyOf = (row: unknown[]) => JSON.stringify(pk.map((i) => row[i]));
    out[table.name] = normalised.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  }
  return out;
}

async function freshSqlite(): Promise<Db> {
  const db = createSqliteDb(new SQLite(":memory:"));
  await migrateToLatest(db);
  cleanups.push(() => db.destroy());
  return db;
}

async function freshMysql(): Promise<Db> {
  const admin = createDb(mysqlUrl, { poolSize: 1 });
  const name = `pp_test_restore_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  await sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).execute(admin);
  const url = new URL(mysqlUrl!);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolSize: 2 });
  await migrateToLatest(db);
  cleanups.push(async () => {
    await db.destroy();
    await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(admin);
    await admin.destroy();
  });
  return db;
}

const fresh = (engine: "sqlite" | "mysql") => (engine === "mysql" ? freshMysql() : freshSqlite());
const messageOf = (p: Promise<unknown>) => p.then(() => "restored", (e: Error) => e.message);

describe("backup and restore", () => {
  it("round trip on this engine: every table, row by row", { timeout: 120_000 }, async () => {
    await fillEveryTable(ctx.db);
    const source = await contents(ctx.db);
    const empty = Object.entries(source).filter(([, rows]) => rows.length === 0).map(([table]) => table);
    expect(empty, "tables the test leaves empty: fill them in fillEveryTable").toEqual([]);
    expect(Object.keys(source)).toEqual(expect.arrayContaining(["organisation", "hash_entry", "evidence_file", "audit_event", "job", "job_run", "notice"]));

    const backup = file("round-trip");
    const written = await writeBackup(ctx.db, backup);
    expect(Object.keys(written.tables).sort()).toEqual(Object.keys(source).sort());
    const target = await fresh(engineOf(ctx.db));
    const restored = await restoreBackup(target, backup);
    expect(restored.tables).toEqual(written.tables);
    expect(await contents(target)).toEqual(source);

    // Not into a database that has data, unless forced (which replaces it)…
    expect(await messageOf(restoreBackup(target, backup))).toMatch(/^The database is not empty \(/);
    await target.insertInto("rate_limit").values({ key: "extra", count: 1, reset_at: 1 }).execute();
    await restoreBackup(target, backup, { force: true });
    expect(await contents(target)).toEqual(source);
    // …and the audit log is append-only again afterwards.
    expect(await messageOf(target.deleteFrom("audit_event").execute())).toMatch(/append-only/);
  });

  it("refuses a backup from another migration level, a damaged or incomplete file, and tells why", { timeout: 120_000 }, async () => {
    const { industry } = await setUpHashLists(ctx.db);
    await companyWithAccess(ctx.db, [industry.id]);
    const backup = file("levels");
    await writeBackup(ctx.db, backup);
    const lines = zlib.gunzipSync(fs.readFileSync(backup)).toString("utf8").trimEnd().split("\n");
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ format: "partnerportalen-backup", version: 1, engine: engineOf(ctx.db), migrations: await appliedMigrations(ctx.db) });
    const variant = (name: string, out: string[]) => {
      const f = file(name);
      fs.writeFileSync(f, zlib.gzipSync(`${out.join("\n")}\n`));
      return f;
    };
    // A refused file leaves the target as it was; a damaged one may leave what came before the damage.
    const target = () => fresh(engineOf(ctx.db));
    const older = variant("older", [JSON.stringify({ ...header, migrations: header.migrations.slice(0, -1) }), ...lines.slice(1)]);
    expect(await messageOf(restoreBackup(await target(), older))).toMatch(/^The backup is from another migration level than this database\.\n {2}backup: {3}\d+ migrations, the last /);
    expect(await messageOf(restoreBackup(await target(), variant("cut", lines.slice(0, -1))))).toMatch(/ends before its last line/);
    expect(await messageOf(restoreBackup(await target(), variant("other", ['{"hello":1}'])))).toBe("This file is not a Partnerportalen backup.");
    expect(await messageOf(restoreBackup(await target(), variant("garbled", [lines[0]!, "{not json"])))).toMatch(/Line 2 of the backup is not JSON/);
  });

  it.skipIf(!mysqlUrl)("carries a database from MariaDB to SQLite and back, unchanged", { timeout: 180_000 }, async () => {
    await fillEveryTable(ctx.db);
    const source = await contents(ctx.db);
    const fromMysql = file("from-mysql");
    await writeBackup(ctx.db, fromMysql);
    const sqlite = await freshSqlite();
    await restoreBackup(sqlite, fromMysql);
    expect(await contents(sqlite)).toEqual(source);
    const fromSqlite = file("from-sqlite");
    await writeBackup(sqlite, fromSqlite);
    const mysql = await freshMysql();
    await restoreBackup(mysql, fromSqlite);
    expect(await contents(mysql)).toEqual(source);
  });
});
