/**
 * An in-memory index of PDQ hashes (Meta's 256-bit perceptual image hash) that finds every stored hash
 * within a Hamming distance of a query: pure TypeScript, typed arrays only, no dependencies.
 *
 * - A hash is 64 hex characters, held as 8 unsigned 32-bit words in the order of the hex (word 0 is
 *   the first 8 characters). Two hashes match when their Hamming distance is at most
 *   PDQ_MAX_DISTANCE (31); a query may ask for less.
 * - Multi-index hashing: the 256 bits are cut into 16 chunks of 16 bits (chunk 2w is the high half
 *   of word w, chunk 2w + 1 its low half). Two hashes at distance ≤ 31 < 2 · 16 differ by at most one
 *   bit in at least one chunk (pigeonhole). So for each chunk the index probes the bucket of the
 *   query's chunk value and the 16 values one bit away from it (16 × 17 = 272 probes) and verifies
 *   every candidate by its full distance: recall is 100 % for any distance ≤ 31.
 * - Below distance 16 a match agrees exactly with the query on some chunk, so a query at distance
 *   ≤ 15 probes only the 16 buckets of the query's own chunk values.
 * - A match is reported once, from the first chunk in which it is within the probed number of bits
 *   (0 or 1) of the query: it is probed there, and a later chunk skips it. The check costs only for
 *   matches, so no "seen" array per query is needed.
 * - Layout: the hashes (8 words per entry) and the ids, both sorted by id; for each chunk a CSR table
 *   (65,537 bucket offsets, and the entry positions grouped by bucket). At 1,000,000 entries with ids
 *   below 2^32 that is 32 + 16 · 4 + 4 + 1/8 bytes per entry plus 4 MiB of offsets: ≈ 104 bytes.
 * - Removal without rebuilding: `remove(id)` finds the entry by binary search over the sorted ids
 *   and sets its bit in a tombstone bitmap; removed entries are never returned. Additions are the
 *   caller's job: keep new hashes in a small list and scan it with `bruteForce`, and rebuild now and
 *   then. An index is immutable otherwise.
 */

/** Two PDQ hashes match at this Hamming distance or less. */
export const PDQ_MAX_DISTANCE = 31;

/** 32-bit words per hash (256 bits). */
export const PDQ_WORDS = 8;

export interface PdqMatch {
  id: number;
  distance: number;
}

const CHUNKS = 16;
const BUCKETS = 1 << 16;
/** Entries the flat position table can address (16 · n must fit in 32 bits). */
const MAX_ENTRIES = Math.floor(0xffff_ffff / CHUNKS);

const HEX = /^[0-9a-fA-F]{64}$/;

/**
 * The 8 words of a hash written as 64 hex characters (either case). Throws on anything else.
 * With `into`, writes the words there at `offset` (e.g. into the array that `PdqIndex.build` takes).
 */
export function pdqFromHex(hex: string, into: Uint32Array = new Uint32Array(PDQ_WORDS), offset = 0): Uint32Array {
  if (typeof hex !== "string" || !HEX.test(hex)) throw new TypeError("A PDQ hash is 64 hex characters");
  checkOffset(into, offset);
  for (let w = 0; w < PDQ_WORDS; w++) into[offset + w] = parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
  return into;
}

/** The hash at `offset` as 64 lowercase hex characters. */
export function pdqToHex(words: Uint32Array, offset = 0): string {
  checkOffset(words, offset);
  let hex = "";
  for (let w = 0; w < PDQ_WORDS; w++) hex += words[offset + w]!.toString(16).padStart(8, "0");
  return hex;
}

/** Bits set in a 32-bit word (SWAR popcount). */
export function popcount32(x: number): number {
  x = (x - ((x >>> 1) & 0x5555_5555)) | 0;
  x = ((x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333)) | 0;
  x = (x + (x >>> 4)) & 0x0f0f_0f0f;
  return Math.imul(x, 0x0101_0101) >>> 24;
}

/** The Hamming distance between the hash at `aOffset` in `a` and the one at `bOffset` in `b`. */
export function hammingDistance(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): number {
  return (
    popcount32(a[aOffset]! ^ b[bOffset]!) +
    popcount32(a[aOffset + 1]! ^ b[bOffset + 1]!) +
    popcount32(a[aOffset + 2]! ^ b[bOffset + 2]!) +
    popcount32(a[aOffset + 3]! ^ b[bOffset + 3]!) +
    popcount32(a[aOffset + 4]! ^ b[bOffset + 4]!) +
    popcount32(a[aOffset + 5]! ^ b[bOffset + 5]!) +
    popcount32(a[aOffset + 6]! ^ b[bOffset + 6]!) +
    popcount32(a[aOffset + 7]! ^ b[bOffset + 7]!)
  );
}

/**
 * Every hash in `hashes` (8 words per entry, entry i has id `ids[i]`) within `maxDistance` of the query,
 * by scanning them all: for a handful of hashes added since the index was built, and as the reference
 * for the index. Sorted by distance, then id. `maxDistance` may be any integer from 0 to 256.
 */
export function bruteForce(hashes: Uint32Array, ids: ArrayLike<number>, query: Uint32Array, qOffset: number, maxDistance: number): PdqMatch[] {
  checkEntries(ids, hashes);
  checkOffset(query, qOffset);
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 256) throw new RangeError("maxDistance must be an integer from 0 to 256");
  const matches: PdqMatch[] = [];
  for (let i = 0; i < ids.length; i++) {
    const distance = hammingDistance(hashes, i * PDQ_WORDS, query, qOffset);
    if (distance <= maxDistance) matches.push({ id: ids[i]!, distance });
  }
  return matches.sort(byDistanceThenId);
}

export class PdqIndex {
  /** Entries, live or removed. */
  readonly capacity: number;
  /** The hashes, 8 words per entry, entries in ascending id order. */
  private readonly hashes: Uint32Array;
  /** The ids, ascending (a Uint32Array when they all fit in 32 bits). */
  private readonly ids: Uint32Array | Float64Array;
  /** For chunk c, bucket v: its entries are positions[offsets[c · 65537 + v] … offsets[c · 65537 + v + 1]). */
  private readonly offsets: Uint32Array;
  /** The entry positions of all 16 chunks, each chunk's grouped by bucket (chunk c at c · capacity). */
  private readonly positions: Uint32Array;
  /** One bit per entry: set when removed. */
  private readonly removed: Uint8Array;
  private live: number;

  private constructor(hashes: Uint32Array, ids: Uint32Array | Float64Array, offsets: Uint32Array, positions: Uint32Array) {
    this.capacity = ids.length;
    this.hashes = hashes;
    this.ids = ids;
    this.offsets = offsets;
    this.positions = positions;
    this.removed = new Uint8Array(Math.ceil(ids.length / 8));
    this.live = ids.length;
  }

  /**
   * An index over `ids` (distinct positive integers below 2^53, any order) and their `hashes`
   * (8 words per entry, in the same order). The arrays are copied: the caller may reuse them.
   * Linear time apart from sorting by id, which is skipped when the ids are already ascending.
   */
  static build(ids: ArrayLike<number>, hashes: Uint32Array): PdqIndex {
    checkEntries(ids, hashes);
    const n = ids.length;
    if (n > MAX_ENTRIES) throw new RangeError(`A PdqIndex holds at most ${MAX_ENTRIES} entries`);

    let wide = false;
    let ascending = true;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`Invalid id at ${i}: ${id} (ids are positive integers below 2^53)`);
      if (id > 0xffff_ffff) wide = true;
      if (i > 0 && id <= ids[i - 1]!) ascending = false;
    }

    // Sort the entries by id, so that remove(id) is a binary search and needs no map.
    let order: Uint32Array | null = null;
    if (!ascending) {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => ids[a]! - ids[b]!);
    }
    const sortedIds = wide ? new Float64Array(n) : new Uint32Array(n);
    const sortedHashes = new Uint32Array(n * PDQ_WORDS);
    if (order) {
      for (let i = 0; i < n; i++) {
        const from = order[i]!;
        sortedIds[i] = ids[from]!;
        sortedHashes.set(hashes.subarray(from * PDQ_WORDS, from * PDQ_WORDS + PDQ_WORDS), i * PDQ_WORDS);
      }
      for (let i = 1; i < n; i++) if (sortedIds[i] === sortedIds[i - 1]) throw new RangeError(`Duplicate id ${sortedIds[i]}`);
    } else {
      for (let i = 0; i < n; i++) sortedIds[i] = ids[i]!;
      sortedHashes.set(hashes.subarray(0, n * PDQ_WORDS));
    }

    // One counting sort per chunk: bucket sizes, prefix sums, then the positions in bucket order.
    const offsets = new Uint32Array(CHUNKS * (BUCKETS + 1));
    const positions = new Uint32Array(CHUNKS * n);
    const cursor = new Uint32Array(BUCKETS);
    for (let c = 0; c < CHUNKS; c++) {
      const word = c >> 1;
      const shift = c & 1 ? 0 : 16;
      const base = c * (BUCKETS + 1);
      for (let i = 0; i < n; i++) offsets[base + 1 + ((sortedHashes[i * PDQ_WORDS + word]! >>> shift) & 0xffff)]!++;
      offsets[base] = c * n;
      for (let v = 0; v < BUCKETS; v++) offsets[base + v + 1]! += offsets[base + v]!;
      cursor.set(offsets.subarray(base, base + BUCKETS));
      for (let i = 0; i < n; i++) positions[cursor[(sortedHashes[i * PDQ_WORDS + word]! >>> shift) & 0xffff]!++] = i;
    }
    return new PdqIndex(sortedHashes, sortedIds, offsets, positions);
  }

  /** Live entries (built minus removed). */
  get size(): number {
    return this.live;
  }

  /** Whether the index holds `id` and it has not been removed. */
  has(id: number): boolean {
    const p = this.positionOf(id);
    return p >= 0 && !this.isRemoved(p);
  }

  /** Stops returning `id`. False when the index does not hold it (or it was removed already). */
  remove(id: number): boolean {
    const p = this.positionOf(id);
    if (p < 0 || this.isRemoved(p)) return false;
    this.removed[p >>> 3]! |= 1 << (p & 7);
    this.live--;
    return true;
  }

  /** The memory the index holds in typed arrays, in bytes. */
  byteLength(): number {
    return this.hashes.byteLength + this.ids.byteLength + this.offsets.byteLength + this.positions.byteLength + this.removed.byteLength;
  }

  /** byteLength() per entry built (live or removed). */
  bytesPerEntry(): number {
    return this.byteLength() / Math.max(1, this.capacity);
  }

  /** `query` for a hash written as 64 hex characters. */
  queryHex(hex: string, maxDistance = PDQ_MAX_DISTANCE): PdqMatch[] {
    return this.query(pdqFromHex(hex), 0, maxDistance);
  }

  /**
   * Every live entry within `maxDistance` (an integer from 0 to 31) of the hash at `offset` in `words`,
   * sorted by distance, then id.
   */
  query(words: Uint32Array, offset: number, maxDistance: number = PDQ_MAX_DISTANCE): PdqMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > PDQ_MAX_DISTANCE) {
      throw new RangeError(`maxDistance must be an integer from 0 to ${PDQ_MAX_DISTANCE}`);
    }
    checkOffset(words, offset);
    const q0 = words[offset]! | 0, q1 = words[offset + 1]! | 0, q2 = words[offset + 2]! | 0, q3 = words[offset + 3]! | 0;
    const q4 = words[offset + 4]! | 0, q5 = words[offset + 5]! | 0, q6 = words[offset + 6]! | 0, q7 = words[offset + 7]! | 0;
    const { hashes, offsets, positions } = this;
    const found: number[] = [];
    const distances: number[] = [];
    // Probe the buckets one bit away too only when a match may differ from the query in every chunk.
    const lastBit = maxDistance < CHUNKS ? 16 : 0;
    const chunkSlack = lastBit === 0 ? 1 : 0;

    for (let c = 0; c < CHUNKS; c++) {
      const value = (words[offset + (c >> 1)]! >>> (c & 1 ? 0 : 16)) & 0xffff;
      const base = c * (BUCKETS + 1);
      // The bucket of the query's own chunk value (bit = 16), then those one bit away from it.
      for (let bit = 16; bit >= lastBit; bit--) {
        const v = bit === 16 ? value : value ^ (1 << bit);
        const end = offsets[base + v + 1]!;
        for (let i = offsets[base + v]!; i < end; i++) {
          const p = positions[i]!;
          const h = p * PDQ_WORDS;
          // Half the distance first: a random candidate is already far past 31 after 128 bits.
          let d = popcount32(hashes[h]! ^ q0) + popcount32(hashes[h + 1]! ^ q1) + popcount32(hashes[h + 2]! ^ q2) + popcount32(hashes[h + 3]! ^ q3);
          if (d > maxDistance) continue;
          d += popcount32(hashes[h + 4]! ^ q4) + popcount32(hashes[h + 5]! ^ q5) + popcount32(hashes[h + 6]! ^ q6) + popcount32(hashes[h + 7]! ^ q7);
          if (d > maxDistance) continue;
          if (this.nearInEarlierChunk(h, words, offset, c, chunkSlack)) continue;
          if (this.isRemoved(p)) continue;
          found.push(p);
          distances.push(d);
        }
      }
    }

    const matches: PdqMatch[] = new Array(found.length);
    for (let k = 0; k < found.length; k++) matches[k] = { id: this.ids[found[k]!]!, distance: distances[k]! };
    return matches.sort(byDistanceThenId);
  }

  /**
   * Whether the entry at hash offset `h` is within `slack` (0 or 1) bits of the query in a chunk before
   * `chunk`, so that it was reported there.
   */
  private nearInEarlierChunk(h: number, words: Uint32Array, offset: number, chunk: number, slack: number): boolean {
    for (let c = 0; c < chunk; c++) {
      const x = ((this.hashes[h + (c >> 1)]! ^ words[offset + (c >> 1)]!) >>> (c & 1 ? 0 : 16)) & 0xffff;
      if (slack === 0 ? x === 0 : (x & (x - 1)) === 0) return true;
    }
    return false;
  }

  private isRemoved(p: number): boolean {
    return ((this.removed[p >>> 3]! >>> (p & 7)) & 1) === 1;
  }

  /** The position of `id` in the sorted ids, or -1. */
  private positionOf(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function byDistanceThenId(a: PdqMatch, b: PdqMatch): number {
  return a.distance - b.distance || a.id - b.id;
}

function checkOffset(words: Uint32Array, offset: number) {
  if (!Number.isInteger(offset) || offset < 0 || offset + PDQ_WORDS > words.length) throw new RangeError(`No hash at offset ${offset}`);
}

function checkEntries(ids: ArrayLike<number>, hashes: Uint32Array) {
  if (hashes.length !== ids.length * PDQ_WORDS) throw new RangeError(`Expected ${ids.length * PDQ_WORDS} hash words for ${ids.length} ids, got ${hashes.length}`);
}
