/**
 * Importing hash-list files into the database (both engines): every bad line reported with its number
 * and reason, no good line lost, removals as tombstones, a file without a header refused with nothing
 * written, large generated files, and the two command-line scripts end to end.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "#db/dialect";
import { systemActor } from "~/modules/audit/audit.server";
import { importHashFile, KEPT_REJECTIONS, getImport, listImports } from "~/modules/hashlist/import.server";
import { createHashList, getHashList, removeEntriesByStaff } from "~/modules/hashlist/lists.server";
import { syntheticHashFile } from "~/modules/hashlist/synthetic.server";
import { ALGORITHM_CODE, bytesToHex, MAX_LINE_BYTES, type Algorithm } from "~/modules/hashlist/values";
import { AppError } from "~/utils/errors";
import { auditActions } from "../support/factories";
import { useTestDb } from "../support/db";

const ctx = useTestDb();
const actor = systemActor("test import");

const hex = (algorithm: string, n: number, bytes: number) => crypto.createHash("sha512").update(`${algorithm}-${n}`).digest("hex").slice(0, bytes * 2);
const md5 = (n: number) => hex("md5", n, 16);
const sha1 = (n: number) => hex("sha1", n, 20);
const sha256 = (n: number) => hex("sha256", n, 32);
const pdq = (n: number) => hex("pdq", n, 32);

async function newList(slug = "industry") {
  return createHashList(ctx.db, actor, { slug, name: { sv: "Branschlistan", en: "Industry list" } });
}

/** The data in chunks of `size` bytes, each a fresh copy: lines and characters break across chunks. */
function chunked(data: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield Buffer.from(data.subarray(i, i + size));
    })(),
  );
}

const join = (lines: (string | Buffer)[]) => Buffer.concat(lines.map((l) => Buffer.concat([Buffer.from(l), Buffer.from("\n")])));

/** The list's live entries as `algorithm:hex`. */
async function liveEntries(listId: number): Promise<string[]> {
  const rows = await ctx.db.selectFrom("hash_entry").select(["algorithm", "value"]).where("list_id", "=", listId).where("live", "=", 1).execute();
  const names = Object.fromEntries(Object.entries(ALGORITHM_CODE).map(([a, c]) => [c, a]));
  return rows.map((r) => `${names[Number(r.algorithm)]}:${bytesToHex(r.value)}`).sort();
}

async function entryCount(listId: number) {
  const row = await ctx.db.selectFrom("hash_entry").select((eb) => eb.fn.countAll<number>().as("n")).where("list_id", "=", listId).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("importing a file", () => {
  it("reports every bad line with its number and reason, and loses no good line", async () => {
    const list = await newList();
    const lines: (string | Buffer)[] = [
      "# synthetic test file", // 1
      "algorithm,value,quality,category,source", // 2
      `md5,${md5(1)},,A,`, // 3
      `sha1,${sha1(1)},,B,IWF`, // 4
      `sha256,${sha256(1)},,,`, // 5
      `pdq,${pdq(1)},90,C,`, // 6
      `md5,${md5(1)},,A,`, // 7 duplicate of 3
      `md5,${md5(2).slice(0, 31)}x,,,`, // 8 bad hex
      `sha256,${sha256(2).slice(0, 62)},,,`, // 9 wrong length
      `sha512,${sha256(3)},,,`, // 10 unknown algorithm
      `md5,${md5(3)},,,${"x".repeat(MAX_LINE_BYTES + 10)}`, // 11 a huge line
      Buffer.concat([Buffer.from(`md5,${md5(4)},,,caf`), Buffer.from([0xe9]), Buffer.from(" latin-1")]), // 12 not UTF-8
      "", // 13 blank
      `sha1,${sha1(2)},,unknown,`, // 14
      `SHA-256,${sha256(4).toUpperCase()},,a,source with spaces`, // 15
      `pdq,${pdq(2)},49,,`, // 16 quality too low
      `sha256,${sha256(1)},,,`, // 17 duplicate of 5
      `md5,${md5(5)},,,`, // 18
    ];
    const good = [`md5:${md5(1)}`, `sha1:${sha1(1)}`, `sha256:${sha256(1)}`, `pdq:${pdq(1)}`, `sha1:${sha1(2)}`, `sha256:${sha256(4)}`, `md5:${md5(5)}`].sort();

    const report = await importHashFile(ctx.db, actor, list.id, chunked(join(lines), 97), { fileName: "mixed.csv", format: "csv" });
    expect(report).toMatchObject({ status: "done", mode: "add", lines: 18, added: 7, duplicates: 2, rejected: 6, error: null });
    expect(report.rejections.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 8, code: "value_not_hex" },
      { line: 9, code: "value_wrong_length" },
      { line: 10, code: "algorithm_unknown" },
      { line: 11, code: "line_too_long" },
      { line: 12, code: "not_utf8" },
      { line: 16, code: "quality_too_low" },
    ]);
    expect(report.rejections[2]!.detail).toBe("sha512");
    expect(await liveEntries(list.id)).toEqual(good);
    expect((await getHashList(ctx.db, list.id))!.liveCount).toBe(7);

    // The report is kept, as returned, and the import is audited.
    const stored = await getImport(ctx.db, report.id);
    expect(stored).toEqual(report);
    expect(await listImports(ctx.db, list.id)).toEqual([report]);
    expect(await auditActions(ctx.db)).toContain("hashlist.imported");

    // The same file again: every good line is now a duplicate; the bad ones are reported again.
    const again = await importHashFile(ctx.db, actor, list.id, chunked(join(lines), 4096), { fileName: "mixed.csv", format: "csv" });
    expect(again).toMatchObject({ status: "done", added: 0, duplicates: 9, rejected: 6 });
    expect(await liveEntries(list.id)).toEqual(good);
  });

  it("reads JSON lines the same way, with a default source for lines without one", async () => {
    const list = await newList();
    const lines = [
      `{"algorithm":"md5","value":"${md5(1)}","category":"A"}`,
      `{"algorithm":"pdq","value":"${pdq(1)}","quality":77,"source":"Meta"}`,
      `{"algorithm":"md5","value":"${md5(1)}"}`,
      `{"algorithm":"md5","value":"${md5(2)}"`,
      `{"algorithm":"whirlpool","value":"${md5(3)}"}`,
    ];
    const report = await importHashFile(ctx.db, actor, list.id, chunked(join(lines), 50), { fileName: "x.jsonl", format: "jsonl", source: "NGO 2025-01" });
    expect(report).toMatchObject({ status: "done", lines: 5, added: 2, duplicates: 1, rejected: 2 });
    expect(report.rejections.map((r) => [r.line, r.code])).toEqual([
      [4, "json_malformed"],
      [5, "algorithm_unknown"],
    ]);
    const rows = await ctx.db.selectFrom("hash_entry").select(["algorithm", "source", "category", "quality"]).where("list_id", "=", list.id).orderBy("added_seq").execute();
    expect(rows.map((r) => [Number(r.algorithm), r.source, r.category, r.quality === null ? null : Number(r.quality)])).toEqual([
      [ALGORITHM_CODE.md5, "NGO 2025-01", "A", null],
      [ALGORITHM_CODE.pdq, "Meta", "unknown", 77],
    ]);
  });

  it("in remove mode strikes the values as tombstones, counting those not on the list", async () => {
    const list = await newList();
    const add = ["algorithm,value", ...[1, 2, 3, 4].map((n) => `sha256,${sha256(n)}`), `md5,${md5(1)}`];
    await importHashFile(ctx.db, actor, list.id, chunked(join(add), 1000), { fileName: "add.csv", format: "csv" });
    const before = (await getHashList(ctx.db, list.id))!;
    expect(before).toMatchObject({ liveCount: 5, lastSeq: 5 });

    const remove = ["algorithm,value", `sha256,${sha256(2)}`, `sha256,${sha256(4)}`, `sha256,${sha256(99)}`, `sha256,${sha256(2)}`, "md5,nothex"];
    const report = await importHashFile(ctx.db, actor, list.id, chunked(join(remove), 1000), { fileName: "remove.csv", format: "csv", mode: "remove" });
    expect(report).toMatchObject({ status: "done", mode: "remove", lines: 6, added: 0, removed: 2, duplicates: 2, rejected: 1 });
    expect(report.rejections).toEqual([{ line: 6, code: "value_not_hex" }]);

    const after = (await getHashList(ctx.db, list.id))!;
    expect(after).toMatchObject({ liveCount: 3, lastSeq: 7 });
    // The rows stay, with the checkpoint of their removal.
    const rows = await ctx.db.selectFrom("hash_entry").select(["value", "removed_seq", "live"]).where("list_id", "=", list.id).where("algorithm", "=", ALGORITHM_CODE.sha256).orderBy("added_seq").execute();
    expect(rows.map((r) => [bytesToHex(r.value), r.removed_seq === null ? null : Number(r.removed_seq), r.live === null ? null : Number(r.live)])).toEqual([
      [sha256(1), null, 1],
      [sha256(2), 6, null],
      [sha256(3), null, 1],
      [sha256(4), 7, null],
    ]);
    expect(await auditActions(ctx.db)).toContain("hashlist.removed");
  });

  it("refuses a CSV file without a header cleanly: failed, nothing written to the list", async () => {
    const list = await newList();
    for (const [file, data] of [
      ["no-header.csv", join([`md5,${md5(1)}`, `sha1,${sha1(1)}`])],
      ["only-comments.csv", join(["# nothing here", ""])],
      ["empty.csv", Buffer.alloc(0)],
      ["header-without-value.csv", join(["algorithm,hash_value", `md5,${md5(1)}`])],
    ] as const) {
      const report = await importHashFile(ctx.db, actor, list.id, chunked(data, 10), { fileName: file, format: "csv" });
      expect(report, file).toMatchObject({ status: "failed", error: "csv_header_missing", added: 0, rejected: 0 });
      expect((await getImport(ctx.db, report.id))!.status).toBe("failed");
    }
    expect(await entryCount(list.id)).toBe(0);
    expect(await getHashList(ctx.db, list.id)).toMatchObject({ lastSeq: 0, liveCount: 0 });
  });

  it("keeps the first rejected lines, as many as the column holds, and counts them all", async () => {
    const list = await newList();
    // 1,500 lines a JSON parser refuses with a long message: more than the column would hold whole.
    const bad = Array.from({ length: 1500 }, (_, i) => `{"algorithm":"md5","value":"${md5(i)}", "note": "${"é".repeat(20)}" oops ${i}}`);
    const report = await importHashFile(ctx.db, actor, list.id, chunked(join([`{"algorithm":"md5","value":"${md5(1_000_000)}"}`, ...bad]), 8192), {
      fileName: "bad.jsonl",
      format: "jsonl",
    });
    expect(report).toMatchObject({ status: "done", lines: 1501, added: 1, rejected: 1500 });
    expect(report.rejections.length).toBeGreaterThan(100);
    expect(report.rejections.length).toBeLessThanOrEqual(KEPT_REJECTIONS);
    expect(report.rejections[0]).toMatchObject({ line: 2, code: "json_malformed" });
    expect(report.rejections.map((r) => r.line)).toEqual(report.rejections.map((_, i) => i + 2));
    expect((await getImport(ctx.db, report.id))!.rejections).toEqual(report.rejections);

    // Short reasons: the first thousand.
    const many = Array.from({ length: 1200 }, (_, i) => `md5,${i}`);
    const short = await importHashFile(ctx.db, actor, list.id, chunked(join(["algorithm,value", ...many]), 8192), { fileName: "short.csv", format: "csv" });
    expect(short).toMatchObject({ status: "done", rejected: 1200 });
    expect(short.rejections).toHaveLength(KEPT_REJECTIONS);
    expect((await getImport(ctx.db, short.id))!.rejections).toHaveLength(KEPT_REJECTIONS);
  });

  it("imports 100,000 generated lines", { timeout: 180_000 }, async () => {
    const list = await newList();
    const file = Readable.from(syntheticHashFile({ count: 100_000, seed: "import test" }));
    const report = await importHashFile(ctx.db, actor, list.id, file, { fileName: "generated.csv", format: "csv" });
    expect(report).toMatchObject({ status: "done", lines: 100_001, added: 100_000, duplicates: 0, rejected: 0 });
    expect(await getHashList(ctx.db, list.id)).toMatchObject({ liveCount: 100_000, lastSeq: 100_000 });
    const byAlgorithm = await ctx.db
      .selectFrom("hash_entry")
      .select(["algorithm", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.min("quality").as("minQuality")])
      .where("list_id", "=", list.id)
      .groupBy("algorithm")
      .execute();
    const counts = Object.fromEntries(byAlgorithm.map((r) => [Number(r.algorithm), Number(r.n)]));
    // About a fifth PDQ, the rest md5, sha1 and sha256 in equal parts.
    expect(counts[ALGORITHM_CODE.pdq]! / 100_000).toBeCloseTo(0.2, 1);
    for (const a of ["md5", "sha1", "sha256"] as Algorithm[]) expect(counts[ALGORITHM_CODE[a]]! / 100_000).toBeCloseTo(0.8 / 3, 1);
    expect(Number(byAlgorithm.find((r) => Number(r.algorithm) === ALGORITHM_CODE.pdq)!.minQuality)).toBeGreaterThanOrEqual(50);
  });
});

describe("the synthetic file", () => {
  const text = (options: Parameters<typeof syntheticHashFile>[0]) => [...syntheticHashFile(options)].join("");

  it("is the same for the same seed, different for another, and every line is importable", () => {
    const a = text({ count: 2000, seed: "s" });
    expect(text({ count: 2000, seed: "s", chunkLines: 7 })).toBe(a);
    expect(text({ count: 2000, seed: "t" })).not.toBe(a);
    const lines = a.trimEnd().split("\n");
    expect(lines).toHaveLength(2001);
    expect(lines[0]).toBe("algorithm,value,quality,category,source");
    expect(new Set(lines).size).toBe(2001);
    for (const line of lines.slice(1)) expect(line).toMatch(/^(md5,[0-9a-f]{32},|sha1,[0-9a-f]{40},|sha256,[0-9a-f]{64},|pdq,[0-9a-f]{64},(5\d|[6-9]\d|100)),(A|B|C|unknown),synthetic$/);
    expect(text({ count: 500, pdqShare: 0 })).not.toContain("pdq,");
    expect(text({ count: 500, pdqShare: 1 }).split("\n").slice(1, -1).every((l) => l.startsWith("pdq,"))).toBe(true);
  });
});

describe("removing single entries", () => {
  it("tombstones and audits them; the test list cannot be changed", async () => {
    const list = await newList();
    await importHashFile(ctx.db, actor, list.id, chunked(join(["algorithm,value", `md5,${md5(1)}`, `md5,${md5(2)}`]), 100), { fileName: "a.csv", format: "csv" });
    const value = Buffer.from(md5(1), "hex");
    expect(await removeEntriesByStaff(ctx.db, actor, list.id, [{ algorithm: "md5", value }])).toEqual({ removed: 1, missing: 0, lastSeq: 3 });
    expect(await removeEntriesByStaff(ctx.db, actor, list.id, [{ algorithm: "md5", value }])).toEqual({ removed: 0, missing: 1, lastSeq: 3 });
    expect(await liveEntries(list.id)).toEqual([`md5:${md5(2)}`]);
    expect((await auditActions(ctx.db)).filter((a) => a === "hashlist.entries_removed")).toHaveLength(1);

    const test = await createHashList(ctx.db, actor, { slug: "test", name: { sv: "Test", en: "Test" }, isTest: true });
    const refused = await removeEntriesByStaff(ctx.db, actor, test.id, [{ algorithm: "md5", value }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("test_list_fixed");
  });
});

describe("the command-line scripts", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-hashlist-cli-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = promisify(execFile);
  const env = (file: string) => ({ ...process.env, DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: "silent" });
  const tsx = (args: string[], file: string) =>
    run("npx", ["--no-install", "tsx", ...args], { env: env(file), maxBuffer: 16 * 1024 * 1024 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
    );

  it("generate a file and import it into a migrated SQLite database", { timeout: 180_000 }, async () => {
    const database = path.join(dir, "cli.sqlite");
    const csv = path.join(dir, "generated.csv");
    expect((await tsx(["scripts/migrate.ts"], database)).code).toBe(0);

    const generated = await tsx(["scripts/hashlist-generate.ts", "--count", "5000", "--out", csv, "--seed", "cli"], database);
    expect(generated.code, generated.stderr).toBe(0);
    expect(fs.readFileSync(csv, "utf8")).toBe([...syntheticHashFile({ count: 5000, seed: "cli" })].join(""));

    // Without --create the list must exist.
    const missing = await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", csv], database);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no list "cli-list"/);

    const imported = await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", csv, "--source", "CLI test", "--create", "CLI-listan|CLI list"], database);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Created the list cli-list/);
    expect(imported.stdout).toMatch(/added:\s+5000/);
    expect(imported.stdout).toMatch(/rejected:\s+0/);

    // A file with bad lines: reported with their reasons, exit 0; the same values again are duplicates.
    const mixed = path.join(dir, "mixed.csv");
    const firstLines = fs.readFileSync(csv, "utf8").split("\n").slice(0, 11);
    fs.writeFileSync(mixed, [...firstLines, "md5,xyz", "sha512,abc", ""].join("\n"));
    const again = await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", mixed], database);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/duplicates: 10/);
    expect(again.stdout).toMatch(/line 12: The hash value is not hexadecimal\./);
    expect(again.stdout).toMatch(/line 13: Unknown algorithm .*\(sha512\)/);

    // Remove mode.
    const removeFile = path.join(dir, "remove.csv");
    fs.writeFileSync(removeFile, [firstLines[0], firstLines[1], firstLines[2], ""].join("\n"));
    const removed = await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", removeFile, "--mode", "remove"], database);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/removed:\s+2/);

    // A file without a header fails: exit code 1, nothing written.
    const headerless = path.join(dir, "headerless.csv");
    fs.writeFileSync(headerless, firstLines.slice(1).join("\n"));
    const failed = await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", headerless], database);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/could not be imported: The file has no header line/);

    // Wrong arguments: exit code 2.
    expect((await tsx(["scripts/hashlist-import.ts", "--list", "Bad Slug", "--file", csv], database)).code).toBe(2);
    expect((await tsx(["scripts/hashlist-import.ts", "--list", "cli-list", "--file", csv, "--mode", "replace"], database)).code).toBe(2);

    const db = createDb(`sqlite:${database}`);
    try {
      const list = await db.selectFrom("hash_list").select(["id", "live_count", "last_seq"]).where("slug", "=", "cli-list").executeTakeFirstOrThrow();
      expect(Number(list.live_count)).toBe(4998);
      expect(Number(list.last_seq)).toBe(5002);
      const sources = await db.selectFrom("hash_entry").select("source").distinct().where("list_id", "=", list.id).execute();
      // The generated lines carry their own source; --source is for lines without one.
      expect(sources.map((s) => s.source)).toEqual(["synthetic"]);
      const imports = await db.selectFrom("hash_import").select(["status", "started_by"]).orderBy("started_at").execute();
      expect(imports.map((i) => i.status)).toEqual(["done", "done", "done", "failed"]);
      expect(imports.every((i) => i.started_by === null)).toBe(true);
      const audit = await db.selectFrom("audit_event").select(["action", "actor_label"]).where("action", "like", "hashlist.%").orderBy("at").execute();
      expect(audit.map((a) => a.action)).toEqual(["hashlist.created", "hashlist.imported", "hashlist.imported", "hashlist.removed", "hashlist.imported"]);
      expect(new Set(audit.map((a) => a.actor_label))).toEqual(new Set(["cli:hashlist-import"]));
    } finally {
      await db.destroy();
    }
  });
});
