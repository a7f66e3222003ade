import { describe, expect, it } from "vitest";
import { PDQ_MAX_DISTANCE, PDQ_WORDS, PdqIndex, bruteForce, hammingDistance, pdqFromHex, pdqToHex } from "~/modules/hashlist/pdq-index";
import { mulberry32 } from "../support/prng";


const next = mulberry32(31);
const below = (n: number) => Math.floor((next() / 4_294_967_296) * n);

function randomHash(): Uint32Array {
  const h = new Uint32Array(PDQ_WORDS);
  for (let w = 0; w < PDQ_WORDS; w++) h[w] = next();
  return h;
}

/** A copy of `hash` with the given bits (0 = the most significant bit of the hex) flipped. */
function withBits(hash: Uint32Array, bits: Iterable<number>): Uint32Array {
  const h = hash.slice();
  for (const b of bits) h[b >>> 5]! ^= 1 << (31 - (b & 31));
  return h;
}

/** `d` distinct random bit numbers. */
function randomBits(d: number): number[] {
  const bits = new Set<number>();
  while (bits.size < d) bits.add(below(256));
  return [...bits];
}

/** `k` distinct random bits of chunk `c` (bits 16c … 16c + 15). */
function bitsInChunk(c: number, k: number): number[] {
  const bits = new Set<number>();
  while (bits.size < k) bits.add(c * 16 + below(16));
  return [...bits];
}

function naiveDistance(a: Uint32Array, b: Uint32Array): number {
  let d = 0;
  for (let bit = 0; bit < 256; bit++) if (((a[bit >>> 5]! >>> (bit & 31)) & 1) !== ((b[bit >>> 5]! >>> (bit & 31)) & 1)) d++;
  return d;
}

describe("PDQ hex and distance", () => {
  it("round-trips hex, in the order of the hex", () => {
    const hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    const words = pdqFromHex(hex);
    expect(words[0]).toBe(0xf8f8f0ce);
    expect(words[7]).toBe(0x4e9c9b22);
    expect(pdqToHex(words)).toBe(hex);
    expect(pdqToHex(pdqFromHex(hex.toUpperCase()))).toBe(hex);
    expect(pdqToHex(new Uint32Array(8))).toBe("0".repeat(64));
    for (let i = 0; i < 100; i++) {
      const h = randomHash();
      expect(pdqFromHex(pdqToHex(h))).toEqual(h);
    }
    // Into a larger array, at an offset.
    const many = new Uint32Array(3 * PDQ_WORDS);
    pdqFromHex(hex, many, PDQ_WORDS);
    expect(pdqToHex(many, PDQ_WORDS)).toBe(hex);
    expect(pdqToHex(many, 0)).toBe("0".repeat(64));
  });

  it("refuses anything but 64 hex characters", () => {
    for (const bad of ["", "0".repeat(63), "0".repeat(65), `${"0".repeat(63)}g`, ` ${"0".repeat(63)}`, `0x${"0".repeat(62)}`, `${"0".repeat(63)}\n`]) {
      expect(() => pdqFromHex(bad), JSON.stringify(bad)).toThrow();
    }
    expect(() => pdqFromHex(null as unknown as string)).toThrow();
    expect(() => pdqToHex(new Uint32Array(7))).toThrow(RangeError);
    expect(() => pdqToHex(new Uint32Array(16), 9)).toThrow(RangeError);
  });

  it("computes the Hamming distance as a bit-by-bit count does", () => {
    const pair = new Uint32Array(2 * PDQ_WORDS);
    for (let i = 0; i < 2000; i++) {
      const a = randomHash();
      // Random pairs, and pairs at small random distances.
      const b = i % 2 ? randomHash() : withBits(a, randomBits(below(40)));
      pair.set(a, 0);
      pair.set(b, PDQ_WORDS);
      expect(hammingDistance(a, 0, b, 0)).toBe(naiveDistance(a, b));
      expect(hammingDistance(pair, 0, pair, PDQ_WORDS)).toBe(naiveDistance(a, b));
    }
    const zero = new Uint32Array(8);
    const ones = new Uint32Array(8).fill(0xffff_ffff);
    expect(hammingDistance(zero, 0, ones, 0)).toBe(256);
    expect(hammingDistance(ones, 0, ones, 0)).toBe(0);
  });
});

describe("PdqIndex", () => {
  const RANDOM = 50_000;
  const QUERIES = 20;
  const FAR = [32, 33, 40, 64];

  // The stored entries: random hashes, then per query a near-duplicate at every distance 0–31 and at
  // 32, 33, 40, 64, then per query the pigeonhole worst cases: 31 bits with 2 in each of 15 chunks and
  // 1 in the remaining one (for each of the 16 chunks), and 32 bits with 2 in every chunk; for queries
  // at distance ≤ 15 (exact chunk probes only), 15 bits with 1 in each of 15 chunks and 16 bits with 1
  // in every chunk.
  const queries = Array.from({ length: QUERIES }, randomHash);
  const entries: Uint32Array[] = [];
  const plantedAt = new Map<number, { query: number; distance: number }>();
  for (let i = 0; i < RANDOM; i++) entries.push(randomHash());
  const plant = (hash: Uint32Array, query: number, distance: number) => {
    plantedAt.set(entries.length, { query, distance });
    entries.push(hash);
  };
  queries.forEach((q, k) => {
    for (let d = 0; d <= PDQ_MAX_DISTANCE; d++) plant(withBits(q, randomBits(d)), k, d);
    for (const d of FAR) plant(withBits(q, randomBits(d)), k, d);
    for (let single = 0; single < 16; single++) {
      const bits = Array.from({ length: 16 }, (_, c) => bitsInChunk(c, c === single ? 1 : 2)).flat();
      plant(withBits(q, bits), k, 31);
    }
    plant(withBits(q, Array.from({ length: 16 }, (_, c) => bitsInChunk(c, 2)).flat()), k, 32);
    const exact = below(16);
    plant(withBits(q, Array.from({ length: 16 }, (_, c) => bitsInChunk(c, c === exact ? 0 : 1)).flat()), k, 15);
    plant(withBits(q, Array.from({ length: 16 }, (_, c) => bitsInChunk(c, 1)).flat()), k, 16);
  });
  // Shuffle, so the planted entries are spread over the positions.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    const pi = plantedAt.get(i);
    const pj = plantedAt.get(j);
    plantedAt.delete(i);
    plantedAt.delete(j);
    if (pj) plantedAt.set(i, pj);
    if (pi) plantedAt.set(j, pi);
  }
  const hashes = new Uint32Array(entries.length * PDQ_WORDS);
  entries.forEach((h, i) => hashes.set(h, i * PDQ_WORDS));
  const queryWords = new Uint32Array(QUERIES * PDQ_WORDS);
  queries.forEach((q, k) => queryWords.set(q, k * PDQ_WORDS));

  // Two id schemes: ascending and small (a Uint32Array, no sort), shuffled and above 2^32 (a Float64Array, sorted).
  const ascending = Array.from({ length: entries.length }, (_, i) => 3 * i + 1);
  const large = Array.from({ length: entries.length }, (_, i) => 2 ** 40 + 7 * ((i * 7919) % entries.length));

  for (const [name, ids] of [["ascending ids < 2^32", ascending], ["shuffled ids > 2^32", large]] as const) {
    describe(name, () => {
      const index = PdqIndex.build(ids, hashes);

      it("returns exactly what the brute force returns, at distance ≤ 31, 16, 15, 10 and 0", () => {
        expect(index.size).toBe(entries.length);
        for (let k = 0; k < QUERIES; k++) {
          for (const max of [PDQ_MAX_DISTANCE, 16, 15, 10, 0]) {
            const expected = bruteForce(hashes, ids, queryWords, k * PDQ_WORDS, max);
            expect(index.query(queryWords, k * PDQ_WORDS, max), `query ${k}, distance ≤ ${max}`).toEqual(expected);
          }
        }
        expect(index.query(queryWords, 0)).toEqual(index.query(queryWords, 0, PDQ_MAX_DISTANCE));
      });

      it("finds every planted near-duplicate within 31 with its distance, and none further away", () => {
        for (let k = 0; k < QUERIES; k++) {
          const result = index.query(queryWords, k * PDQ_WORDS);
          const got = new Map(result.map((m) => [m.id, m.distance]));
          expect(got.size, "each match once").toBe(result.length);
          const within = new Map([10, 15, 16].map((max) => [max, new Set(index.query(queryWords, k * PDQ_WORDS, max).map((m) => m.id))]));
          let near = 0;
          for (const [position, p] of plantedAt) {
            if (p.query !== k) continue;
            const id = ids[position]!;
            if (p.distance <= PDQ_MAX_DISTANCE) {
              expect(got.get(id), `query ${k}, planted at ${p.distance}`).toBe(p.distance);
              for (const [max, found] of within) expect(found.has(id), `query ${k}, planted at ${p.distance}, ≤ ${max}`).toBe(p.distance <= max);
              near++;
            } else {
              expect(got.has(id), `query ${k}, planted at ${p.distance}`).toBe(false);
            }
          }
          // 32 distances plus the 18 worst cases.
          expect(near).toBe(PDQ_MAX_DISTANCE + 1 + 18);
          expect(result.every((m, i) => i === 0 || m.distance > result[i - 1]!.distance || (m.distance === result[i - 1]!.distance && m.id > result[i - 1]!.id))).toBe(true);
        }
      });

      it("finds a stored hash from its hex", () => {
        const position = 123;
        const result = index.queryHex(pdqToHex(hashes, position * PDQ_WORDS), 0);
        expect(result).toContainEqual({ id: ids[position], distance: 0 });
      });
    });
  }

  it("stops returning removed entries", () => {
    const ids = Array.from({ length: entries.length }, (_, i) => i + 1);
    const index = PdqIndex.build(ids, hashes);
    const before = index.query(queryWords, 0);
    expect(before.length).toBeGreaterThan(40);
    const gone = [before[0]!.id, before[5]!.id, before[before.length - 1]!.id];
    for (const id of gone) {
      expect(index.has(id)).toBe(true);
      expect(index.remove(id)).toBe(true);
      expect(index.has(id)).toBe(false);
      expect(index.remove(id)).toBe(false);
    }
    expect(index.remove(0)).toBe(false);
    expect(index.remove(entries.length + 1)).toBe(false);
    expect(index.size).toBe(entries.length - gone.length);
    expect(index.capacity).toBe(entries.length);
    expect(index.query(queryWords, 0)).toEqual(before.filter((m) => !gone.includes(m.id)));
    // The other queries are untouched.
    expect(index.query(queryWords, PDQ_WORDS)).toEqual(bruteForce(hashes, ids, queryWords, PDQ_WORDS, PDQ_MAX_DISTANCE));
  });

  it("refuses bad arguments", () => {
    const index = PdqIndex.build([1, 2], hashes.subarray(0, 2 * PDQ_WORDS));
    for (const bad of [-1, 32, 1.5, Number.NaN, 256]) expect(() => index.query(queryWords, 0, bad), String(bad)).toThrow(RangeError);
    expect(() => index.query(queryWords, QUERIES * PDQ_WORDS)).toThrow(RangeError);
    expect(() => index.query(queryWords, 3.5)).toThrow(RangeError);
    expect(() => PdqIndex.build([1, 2, 3], hashes.subarray(0, 2 * PDQ_WORDS))).toThrow(RangeError);
    expect(() => PdqIndex.build([1, 1], hashes.subarray(0, 2 * PDQ_WORDS))).toThrow(/Duplicate id 1/);
    expect(() => PdqIndex.build([2, 1, 2], hashes.subarray(0, 3 * PDQ_WORDS))).toThrow(/Duplicate id 2/);
    for (const bad of [0, -3, 1.5, 2 ** 53, Number.NaN]) expect(() => PdqIndex.build([1, bad], hashes.subarray(0, 2 * PDQ_WORDS)), String(bad)).toThrow(RangeError);
    expect(() => bruteForce(hashes, ascending, queryWords, 0, -1)).toThrow(RangeError);
  });

  it("works empty, and reports its memory from its arrays", () => {
    const empty = PdqIndex.build([], new Uint32Array(0));
    expect(empty.size).toBe(0);
    expect(empty.query(queryWords, 0)).toEqual([]);
    expect(empty.remove(1)).toBe(false);

    const index = PdqIndex.build(ascending, hashes);
    const n = entries.length;
    // Hashes 32, ids 4, positions 16 · 4, tombstones 1/8 per entry; 16 · 65,537 offsets of 4 bytes.
    const expected = 32 * n + 4 * n + 64 * n + Math.ceil(n / 8) + 16 * 65_537 * 4;
    expect(index.byteLength()).toBe(expected);
    expect(index.bytesPerEntry()).toBeCloseTo(expected / n, 6);
    // Ids above 2^32 take 8 bytes.
    expect(PdqIndex.build(large, hashes).byteLength()).toBe(expected + 4 * n);
  });
});
