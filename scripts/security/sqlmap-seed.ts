/**
 * The database scripts/security/sqlmap.sh attacks: migrated, the demo data (whose accounts the
 * login form knows), and a company with hash-list access and an API key. Prints the key's secret.
 *
 *   tsx scripts/security/sqlmap-seed.ts sqlite:/tmp/x/portal.sqlite
 */
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { seedDemo } from "#db/seed/demo";
import { companyWithAccess, keyFor, setUpHashLists } from "../../test/support/hashlist";

const url = process.argv[2];
if (!url) {
  console.error("Usage: tsx scripts/security/sqlmap-seed.ts <DATABASE_URL>");
  process.exit(2);
}
process.env.DEMO = "1";
const db = createDb(url);
await migrateToLatest(db);
await seedDemo(db);
const { test, industry } = await setUpHashLists(db);
const company = await companyWithAccess(db, [industry.id], { name: "Sqlmap Target AB" });
const { secret } = await keyFor(db, company, { listIds: [test.id, industry.id] });
await db.destroy();
console.log(secret);
