/**
 * `npm run demo`: a fresh SQLite database with demo data, then the portal on PORT (default 3000).
 * Run after `npm run build` (the npm script does both).
 */
import fs from "node:fs";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from "#db/seed/demo";
import { startServer } from "~/http/server";
import { getEnv } from "~/utils/env.server";

process.env.DEMO = "1";
const env = getEnv();
if (env.isProduction) {
  console.error("The demo cannot run with NODE_ENV=production.");
  process.exit(1);
}
const file = path.resolve("data/demo.sqlite");
fs.mkdirSync(path.dirname(file), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });

const db = createDb(`sqlite:${file}`);
await migrateToLatest(db);
const logins = await seedDemo(db);

const build = (await import(path.resolve("build/index.js"))) as ServerBuild & { entry: { module: { periodicWork: (db: unknown) => Promise<void> } } };
await startServer({ env: { ...env, DATABASE_URL: `sqlite:${file}` }, build, db, publicDir: path.resolve("public"), tick: build.entry.module.periodicWork as never });

const line = "─".repeat(72);
console.log(`\n${line}\nPartnerportalen (demo) is running at ${env.APP_URL}\n${line}`);
console.log(`Every demo account has the password: ${DEMO_PASSWORD}\n`);
console.log("NGO staff (two-factor required; authenticator key below):");
for (const s of logins.staff) console.log(`  ${s.email.padEnd(34)} ${s.role}`);
console.log(`  Authenticator key: ${DEMO_TOTP_SECRET}   (or: npm run totp -- ${DEMO_TOTP_SECRET})\n`);
console.log("Companies:");
for (const c of logins.company) console.log(`  ${c.email.padEnd(34)} ${c.organisation} – ${c.roles.join(", ")}`);
console.log(`\nMail is not sent in the demo: read it at ${env.APP_URL}/dev/outbox\n${line}\n`);
