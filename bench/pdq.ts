/**
 * `npx tsx bench/pdq.ts`: the in-memory PDQ index (app/modules/hashlist/pdq-index.ts) over PDQ_N
 * random hashes (default 1,000,000; seeded, so every run sees the same data).
 *
 * 1. Generates the hashes, with clusters of planted near-duplicates (copies of a stored hash with
 *    0–31 bits flipped), under ids in shuffled order (so the build pays for sorting them).
 * 2. Builds the index: time, and memory per entry from bytesPerEntry() and from the growth of
 *    process.memoryUsage().arrayBuffers.
 * 3. Runs PDQ_QUERIES queries (default 2,000) at distance ≤ 31: half random hashes (matching nothing,
 *    almost surely), half a stored hash with 0–31 bits flipped. Prints p50/p95/p99 latency.
 * 4. Baseline in the same run: the brute-force scan for 20 queries, and the speed-up of the index.
 * 5. Recall: 200 queries (half of each kind) against the brute force; any difference exits 1.
 *
 * Goal: p50 ≤ 1 ms at 1,000,000 hashes, ≤ 128 bytes per hash, 100 % recall.
 */
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { PDQ_MAX_DISTANCE, PDQ_WORDS, PdqIndex, bruteForce, type PdqMatch } from "~/modules/hashlist/pdq-index";
import { fmt, log, printTable } from "./lib";
import { mulberry32 } from "../test/support/prng";

const N = Number(process.env.PDQ_N ?? 1_000_000);
const QUERIES = Number(process.env.PDQ_QUERIES ?? 2_000);
const BASELINE_QUERIES = 20;
const RECALL_QUERIES = 200;
const GOAL_P50_MS = 1;
const GOAL_BYTES = 128;

const next = mulberry32(2024);
const below = (n: number) => Math.floor((next() / 4_294_967_296) * n);

/** Flips `d` distinct random bits of the hash at `offset`. */
function flipBits(words: Uint32Array, offset: number, d: number) {
  const bits = new Set<number>();
  while (bits.size < d) bits.add(below(256));
  for (const b of bits) words[offset + (b >>> 5)]! ^= 1 << (b & 31);
}

/** A full collection when the process can be asked for one (for the arrayBuffers reading). */
function collect() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function sameMatches(a: PdqMatch[], b: PdqMatch[]) {
  return a.length === b.length && a.every((m, i) => m.id === b[i]!.id && m.distance === b[i]!.distance);
}

// 1. Data: random hashes, then every 50th entry overwritten with a near-duplicate of an earlier one.
const hashes = new Uint32Array(N * PDQ_WORDS);
for (let i = 0; i < hashes.length; i++) hashes[i] = next();
let planted = 0;
for (let i = 50; i < N; i += 50) {
  const from = below(i);
  hashes.copyWithin(i * PDQ_WORDS, from * PDQ_WORDS, from * PDQ_WORDS + PDQ_WORDS);
  flipBits(hashes, i * PDQ_WORDS, below(PDQ_MAX_DISTANCE + 1));
  planted++;
}
// Ids 1..N shuffled, as a table would not hand them over sorted in general.
const ids = new Float64Array(N);
for (let i = 0; i < N; i++) ids[i] = i + 1;
for (let i = N - 1; i > 0; i--) {
  const j = below(i + 1);
  const t = ids[i]!;
  ids[i] = ids[j]!;
  ids[j] = t;
}

// Queries: even ones random, odd ones a stored hash with 0–31 bits flipped.
const queries = new Uint32Array(QUERIES * PDQ_WORDS);
for (let q = 0; q < QUERIES; q++) {
  if (q % 2 === 0) for (let w = 0; w < PDQ_WORDS; w++) queries[q * PDQ_WORDS + w] = next();
  else {
    const from = below(N);
    queries.set(hashes.subarray(from * PDQ_WORDS, from * PDQ_WORDS + PDQ_WORDS), q * PDQ_WORDS);
    flipBits(queries, q * PDQ_WORDS, below(PDQ_MAX_DISTANCE + 1));
  }
}

// 2. Build.
collect();
const buffersBefore = process.memoryUsage().arrayBuffers;
let t0 = performance.now();
const index = PdqIndex.build(ids, hashes);
const buildMs = performance.now() - t0;
collect();
const measuredBytes = (process.memoryUsage().arrayBuffers - buffersBefore) / N;

// 3. Queries (a short warm-up first, not counted).
for (let q = 0; q < Math.min(100, QUERIES); q++) index.query(queries, q * PDQ_WORDS);
const times: number[] = [];
let matchesFound = 0;
for (let q = 0; q < QUERIES; q++) {
  t0 = performance.now();
  const m = index.query(queries, q * PDQ_WORDS);
  times.push(performance.now() - t0);
  matchesFound += m.length;
}
const sortedTimes = [...times].sort((a, b) => a - b);
const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sortedTimes, p)) as [number, number, number];
const nearTimes = times.filter((_, q) => q % 2 === 1).sort((a, b) => a - b);
const randomTimes = times.filter((_, q) => q % 2 === 0).sort((a, b) => a - b);

// 4. Baseline: brute force over the same (unsorted) arrays.
t0 = performance.now();
for (let q = 0; q < BASELINE_QUERIES; q++) bruteForce(hashes, ids, queries, q * PDQ_WORDS, PDQ_MAX_DISTANCE);
const bruteMs = (performance.now() - t0) / BASELINE_QUERIES;
t0 = performance.now();
for (let q = 0; q < BASELINE_QUERIES; q++) index.query(queries, q * PDQ_WORDS);
const indexMs = (performance.now() - t0) / BASELINE_QUERIES;

// 5. Recall against the brute force.
let misses = 0;
let expectedMatches = 0;
for (let q = 0; q < Math.min(RECALL_QUERIES, QUERIES); q++) {
  const expected = bruteForce(hashes, ids, queries, q * PDQ_WORDS, PDQ_MAX_DISTANCE);
  const got = index.query(queries, q * PDQ_WORDS);
  expectedMatches += expected.length;
  if (!sameMatches(got, expected)) {
    misses++;
    log(`query ${q}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
}

log(`PDQ index: ${fmt(N)} hashes (${fmt(planted)} planted near-duplicates), ${fmt(QUERIES)} queries at distance ≤ ${PDQ_MAX_DISTANCE}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}`);
log("");
printTable(
  ["measure", "value", "goal"],
  [
    ["build (s)", fmt(buildMs / 1000, 2), ""],
    ["bytes per entry (bytesPerEntry)", fmt(index.bytesPerEntry(), 1), `≤ ${GOAL_BYTES}`],
    ["bytes per entry (arrayBuffers growth)", fmt(measuredBytes, 1), `≤ ${GOAL_BYTES}`],
    ["query p50 (ms)", fmt(p50, 3), `≤ ${GOAL_P50_MS}`],
    ["query p95 (ms)", fmt(p95, 3), ""],
    ["query p99 (ms)", fmt(p99, 3), ""],
    ["query p50 random / near (ms)", `${fmt(percentile(randomTimes, 50), 3)} / ${fmt(percentile(nearTimes, 50), 3)}`, ""],
    ["matches per query (mean)", fmt(matchesFound / QUERIES, 2), ""],
    [`brute force, mean of ${BASELINE_QUERIES} (ms)`, fmt(bruteMs, 2), ""],
    [`index, mean of the same ${BASELINE_QUERIES} (ms)`, fmt(indexMs, 3), ""],
    ["speed-up over brute force", `${fmt(bruteMs / indexMs, 0)}×`, ""],
    [`recall: queries equal to brute force`, `${Math.min(RECALL_QUERIES, QUERIES) - misses} / ${Math.min(RECALL_QUERIES, QUERIES)} (${fmt(expectedMatches)} matches)`, "all"],
  ],
);

const ok = misses === 0 && p50 <= GOAL_P50_MS && index.bytesPerEntry() <= GOAL_BYTES;
log("");
log(misses > 0 ? `FAIL: ${misses} queries differ from the brute force` : ok ? "OK: every goal met" : "Goals not met (see the table)");
if (misses > 0) process.exit(1);
