/**
 * `npm run hashlist:import -- --list <slug> --file <path> [--mode add|remove] [--source X] [--create "Name sv|Name en"]`
 *
 * Imports a CSV or JSON-lines file into a hash list of the database in DATABASE_URL (default: the
 * SQLite file), streaming: a file of millions of lines is read as it is written, never held whole.
 * The format is recognised by the file's name or first line. With --create, a list that does not
 * exist yet is created with the two names. Prints the report (the first 20 rejected lines with their
 * reasons); the exit code is 1 when the file could not be imported (a missing header, say) and 2 for
 * wrong arguments. The import is recorded in the audit log as the system's ("cli:hashlist-import").
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { systemActor } from "~/modules/audit/audit.server";
import { detectFormat } from "~/modules/hashlist/import-parser.server";
import { importHashFile } from "~/modules/hashlist/import.server";
import { createHashList, getHashList } from "~/modules/hashlist/lists.server";
import { LIST_SLUG } from "~/modules/hashlist/staff-schema";
import { SOURCE_MAX_LENGTH } from "~/modules/hashlist/values";
import { en } from "~/modules/i18n/locales/en";
import { AppError } from "~/utils/errors";

const USAGE = 'Usage: npm run hashlist:import -- --list <slug> --file <path> [--mode add|remove] [--source <text>] [--create "Name sv|Name en"]';

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      list: { type: "string" },
      file: { type: "string" },
      mode: { type: "string", default: "add" },
      source: { type: "string" },
      create: { type: "string" },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}

const slug = values.list?.trim() ?? "";
if (!LIST_SLUG.test(slug)) usage("--list: the list's short name (2–40 characters a–z, 0–9 and -).");
if (!values.file) usage("--file: the file to import.");
const mode = values.mode;
if (mode !== "add" && mode !== "remove") usage("--mode: add or remove.");
const source = values.source?.trim() || null;
if (source && [...source].length > SOURCE_MAX_LENGTH) usage(`--source: at most ${SOURCE_MAX_LENGTH} characters.`);
let names: { sv: string; en: string } | null = null;
if (values.create !== undefined) {
  const [sv = "", enName = "", ...rest] = values.create.split("|").map((s) => s.trim());
  if (!sv || !enName || rest.length || sv.length > 200 || enName.length > 200) usage('--create: "Name in Swedish|Name in English".');
  names = { sv, en: enName };
}

const file = values.file;
let firstBytes: Buffer;
try {
  const handle = await fs.promises.open(file, "r");
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    firstBytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
} catch (error) {
  console.error(`Cannot read ${file}: ${(error as Error).message}`);
  process.exit(1);
}
const fileName = path.basename(file);
const format = detectFormat(fileName, firstBytes);
if (format === null) {
  console.error(`${fileName}: ${en.errors.file_format_unknown} (Name it .csv or .jsonl, or start a CSV file with a header naming the algorithm and value columns.)`);
  process.exit(1);
}

const reason = (code: string) => (en.errors as Record<string, string>)[code] ?? code;
const actor = systemActor("cli:hashlist-import");
const db = createDb(process.env.DATABASE_URL);
let progress: NodeJS.Timeout | undefined;
try {
  await migrateToLatest(db);
  let list = await getHashList(db, slug);
  if (!list && names) {
    list = await createHashList(db, actor, { slug, name: names });
    console.log(`Created the list ${slug} (${names.sv} / ${names.en}).`);
  }
  if (!list) throw new Error(`There is no list "${slug}". Add --create "Name sv|Name en" to create it.`);
  if (list.isTest) throw new Error(`The test list "${slug}" holds the documented canaries and cannot be changed.`);

  console.log(`Importing ${fileName} (${format === "csv" ? "CSV" : "JSON lines"}, ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB) into ${slug}, mode ${mode}…`);
  const started = Date.now();
  if (process.stderr.isTTY) {
    // The import saves its counts after every batch: show them while it runs.
    const listId = list.id;
    progress = setInterval(() => {
      void db
        .selectFrom("hash_import")
        .select(["lines", "added", "removed"])
        .where("list_id", "=", listId)
        .where("status", "=", "running")
        .orderBy("started_at", "desc")
        .executeTakeFirst()
        .then((row) => row && process.stderr.write(`\r${Number(row.lines).toLocaleString("en")} lines, ${Number(mode === "add" ? row.added : row.removed).toLocaleString("en")} ${mode === "add" ? "added" : "removed"}…`))
        .catch(() => undefined);
    }, 2000);
    progress.unref();
  }
  const report = await importHashFile(db, actor, list.id, fs.createReadStream(file), { fileName, format, mode, source });
  if (progress) {
    clearInterval(progress);
    process.stderr.write("\n");
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`Import ${report.id}: ${report.status} in ${seconds.toFixed(1)} s`);
  console.log(`  lines:      ${report.lines}`);
  if (mode === "add") console.log(`  added:      ${report.added}`);
  else console.log(`  removed:    ${report.removed}`);
  console.log(`  ${mode === "add" ? "duplicates" : "not listed"}: ${report.duplicates}`);
  console.log(`  rejected:   ${report.rejected}`);
  for (const r of report.rejections.slice(0, 20)) console.log(`    line ${r.line}: ${reason(r.code)}${r.detail ? ` (${r.detail})` : ""}`);
  if (report.rejected > 20) console.log(`    … and ${report.rejected - 20} more (see the report in the portal: /staff/hashlists/imports/${report.id})`);
  if (report.status === "failed") {
    console.error(`The file could not be imported: ${reason(report.error ?? "import_failed")}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof AppError ? `Refused: ${reason(error.code)}` : error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  if (progress) clearInterval(progress);
  await db.destroy();
}
