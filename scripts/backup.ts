/**
 * `npm run backup -- --out <file>`
 *
 * Writes a backup of the database in DATABASE_URL (default: the SQLite file) to <file>: gzip'd JSON
 * lines, engine-neutral, streamed (db/backup.ts, docs/operations.md). Safe while the portal runs: the
 * tables are read as of one moment. Prints the row count of every table.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeBackup } from "#db/backup";
import { createDb } from "#db/dialect";
import { migrationsAreCurrent } from "#db/migrate";
import { getEnv } from "~/utils/env.server";
import { z } from "~/utils/zod";

const USAGE = "Usage: npm run backup -- --out <file> (for example backup-2026-11-29.jsonl.gz)";
let parsed;
try {
  parsed = z.object({ out: z.string().min(1) }).safeParse(parseArgs({ options: { out: { type: "string" } } }).values);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!parsed.success) {
  console.error(USAGE);
  process.exit(2);
}
const out = path.resolve(parsed.data.out);
if (fs.existsSync(out)) {
  console.error(`${out} exists already: choose another name.`);
  process.exit(2);
}

const db = createDb(getEnv().DATABASE_URL, { poolSize: 2 });
try {
  if (!(await migrationsAreCurrent(db))) throw new Error("The database is not up to date: run npm run migrate first.");
  const started = Date.now();
  const { tables } = await writeBackup(db, out);
  for (const [table, rows] of Object.entries(tables)) console.log(`${table.padEnd(28)} ${String(rows).padStart(10)}`);
  console.log(`Wrote ${out} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
