/**
 * Reference client for the hash-list API: keeps a local copy of a list in sync and proves it is
 * exactly the server's list. Usage:
 *
 *   PARTNERPORTALEN_API_KEY=pphl_… npm run hashlist:sync -- --url https://portal.example --list test --dir ./hashlists
 *
 * First run: downloads the snapshot, checks its SHA-256 against Hashlist-Checksum while writing it,
 * and keeps its checkpoint. Later runs: fetch the changes after the checkpoint page by page, apply them,
 * then compare the local copy's checksum with the server's for that checkpoint. A copy that is too
 * far behind (410 snapshot_required) or that does not verify is replaced by a fresh snapshot.
 * Files: <dir>/<list>.csv (the snapshot's format, sorted) and <dir>/<list>.json (checkpoint, ETag).
 * Plain Node 20, no dependencies: copy it into your own tooling.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { url: { type: "string" }, list: { type: "string" }, dir: { type: "string", default: "./hashlists" }, key: { type: "string" }, quiet: { type: "boolean", default: false } },
});
const base = (args.url ?? process.env.PARTNERPORTALEN_URL ?? "").replace(/\/$/, "");
const key = args.key ?? process.env.PARTNERPORTALEN_API_KEY ?? "";
const list = args.list ?? "";
if (!base || !key || !/^[a-z0-9-]+$/.test(list)) {
  process.stderr.write("Usage: PARTNERPORTALEN_API_KEY=<key> hashlist-sync --url <portal> --list <list> [--dir <dir>]\n");
  process.exit(2);
}
const dir = path.resolve(args.dir!);
const dataFile = path.join(dir, `${list}.csv`);
const stateFile = path.join(dir, `${list}.json`);
const HEADER = "algorithm,value,quality,category";
const say = (line: string) => !args.quiet && process.stdout.write(`${line}\n`);

interface State {
  checkpoint: number;
  etag: string | null;
}

async function api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}/api/v1/lists/${list}${pathAndQuery}`, { ...init, headers: { Authorization: `Bearer ${key}`, ...init.headers } });
  if (res.status >= 400 && res.status !== 410) {
    const problem = (await res.json().catch(() => ({}))) as { code?: string; title?: string };
    throw new Error(`${res.status} ${problem.code ?? ""}: ${problem.title ?? res.statusText}`);
  }
  return res;
}

/** SHA-256 over `algorithm,value\n` of the lines, which must be in sorted order. */
function checksumOf(lines: Iterable<string>): string {
  const hash = crypto.createHash("sha256");
  for (const l of lines) hash.update(`${l.split(",", 2).join(",")}\n`);
  return hash.digest("hex");
}

async function takeSnapshot(): Promise<State> {
  const res = await api("/snapshot");
  const expected = /^sha256=([0-9a-f]{64})$/.exec(res.headers.get("Hashlist-Checksum") ?? "")?.[1];
  const checkpoint = Number(res.headers.get("Hashlist-Checkpoint"));
  if (!expected || !Number.isSafeInteger(checkpoint) || !res.body) throw new Error("The snapshot has no checksum or checkpoint.");
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${dataFile}.part`;
  const out = fs.createWriteStream(tmp);
  const hash = crypto.createHash("sha256");
  let first = true;
  let entries = 0;
  // Streamed: the file is checked as it is written, never held in memory.
  for await (const line of readline.createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity })) {
    if (first) {
      first = false;
      if (line !== HEADER) throw new Error(`Unexpected header: ${line}`);
    } else {
      hash.update(`${line.split(",", 2).join(",")}\n`);
      entries++;
    }
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise((r, j) => out.end((e?: Error | null) => (e ? j(e) : r(null))));
  const actual = hash.digest("hex");
  if (actual !== expected) throw new Error(`The snapshot's checksum does not match: got ${actual}, expected ${expected}.`);
  fs.renameSync(tmp, dataFile);
  const state = { checkpoint, etag: res.headers.get("ETag") };
  fs.writeFileSync(stateFile, JSON.stringify(state));
  say(`Snapshot of "${list}": ${entries} entries at checkpoint ${checkpoint}, checksum verified.`);
  return state;
}

async function applyChanges(state: State): Promise<State | null> {
  const rows = new Map<string, string>();
  for await (const line of readline.createInterface({ input: fs.createReadStream(dataFile), crlfDelay: Infinity })) {
    if (line && line !== HEADER) rows.set(line.split(",", 2).join(","), line);
  }
  let since = state.checkpoint;
  let applied = 0;
  for (;;) {
    const res = await api(`/changes?since=${since}`);
    if (res.status === 410) return null;
    const page = (await res.json()) as { next: number; more: boolean; changes: { op: "add" | "remove"; algorithm: string; value: string; quality: number | null; category: string }[] };
    for (const c of page.changes) {
      const k = `${c.algorithm},${c.value}`;
      if (c.op === "add") rows.set(k, `${k},${c.quality ?? ""},${c.category}`);
      else rows.delete(k);
    }
    applied += page.changes.length;
    since = page.next;
    if (!page.more) break;
  }
  // Verify against the server's checksum as of the same checkpoint (a HEAD of the snapshot).
  const head = await api("/snapshot", { method: "HEAD" });
  const serverCheckpoint = Number(head.headers.get("Hashlist-Checkpoint"));
  const expected = /^sha256=([0-9a-f]{64})$/.exec(head.headers.get("Hashlist-Checksum") ?? "")?.[1];
  const sorted = [...rows.keys()].sort();
  if (serverCheckpoint === since && checksumOf(sorted) !== expected) throw new Error("After applying the changes the local copy does not match the server's checksum.");
  const tmp = `${dataFile}.part`;
  fs.writeFileSync(tmp, `${HEADER}\n${sorted.map((k) => `${rows.get(k)}\n`).join("")}`);
  fs.renameSync(tmp, dataFile);
  const next = { checkpoint: since, etag: null };
  fs.writeFileSync(stateFile, JSON.stringify(next));
  say(
    `"${list}": ${applied} changes applied, now ${rows.size} entries at checkpoint ${since}` +
      (serverCheckpoint === since ? ", checksum verified." : ` (the list moved on to ${serverCheckpoint} meanwhile; run again to catch up).`),
  );
  return next;
}

async function main() {
  const state = fs.existsSync(stateFile) && fs.existsSync(dataFile) ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as State) : null;
  if (!state) {
    await takeSnapshot();
    return;
  }
  try {
    if (await applyChanges(state)) return;
    say("The local copy is too far behind: taking the snapshot again.");
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("checksum")) throw error;
    say(`${error.message} Taking the snapshot again.`);
  }
  await takeSnapshot();
}

main().catch((error) => {
  process.stderr.write(`hashlist-sync: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
