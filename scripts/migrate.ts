/** `npm run migrate`: brings the database in DATABASE_URL (default: the SQLite file) up to date. */
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";

const db = createDb(process.env.DATABASE_URL);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
