/**
 * `npm run restore -- --in <file> [--force]`
 *
 * Restores a backup (npm run backup, from either engine) into the database in DATABASE_URL, which is
 * migrated first and must then be at the backup's migration level and empty; --force deletes
 * everything in it first. Prints the row count of every table.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { restoreBackup } from "#db/backup";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { getEnv } from "~/utils/env.server";
import { z } from "~/utils/zod";

const USAGE = "Usage: npm run restore -- --in <file> [--force]";
let parsed;
try {
  parsed = z
    .object({ in: z.string().min(1), force: z.boolean() })
    .safeParse(parseArgs({ options: { in: { type: "string" }, force: { type: "boolean", default: false } } }).values);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!parsed.success) {
  console.error(USAGE);
  process.exit(2);
}
const { in: file, force } = parsed.data;
if (!fs.existsSync(file)) {
  console.error(`${file} does not exist.`);
  process.exit(2);
}

const db = createDb(getEnv().DATABASE_URL, { poolSize: 2 });
try {
  await migrateToLatest(db);
  const started = Date.now();
  const { tables } = await restoreBackup(db, file, { force });
  for (const [table, rows] of Object.entries(tables)) console.log(`${table.padEnd(28)} ${String(rows).padStart(10)}`);
  console.log(`Restored ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
