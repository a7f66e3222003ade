/**
 * Synthetic hash-list files for tests, benchmarks and demonstrations: random values of the right
 * sizes (they are hashes of nothing), a mix of md5, sha1, sha256 and PDQ (quality 50–100, so every
 * line is importable), with categories and a source. Deterministic for a seed; produced in chunks of
 * lines, so a file of millions of lines is written in constant memory.
 */
import crypto from "node:crypto";
import { PDQ_MIN_QUALITY, VALUE_BYTES, type Category } from "./values";

export interface SyntheticOptions {
  /** Lines of data (the header not counted). */
  count: number;
  /** Any text; the same seed gives the same file. */
  seed?: string;
  /** The share of PDQ lines, 0–1 (default 0.2); the rest is md5, sha1 and sha256 in equal parts. */
  pdqShare?: number;
  /** Lines per chunk yielded (default 1000). */
  chunkLines?: number;
  /** Written as the source of every line (default "synthetic"). */
  source?: string;
}

export const SYNTHETIC_HEADER = "algorithm,value,quality,category,source\n";

/** Categories by weight: A 20 %, B 30 %, C 30 %, unknown 20 %. */
const CATEGORY_STEPS: [number, Category][] = [
  [0.2, "A"],
  [0.5, "B"],
  [0.8, "C"],
  [1, "unknown"],
];

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** sfc32, seeded from the SHA-256 of the seed text: fast, small, and the same everywhere. */
export function seededRandom(seed: string): () => number {
  const state = crypto.createHash("sha256").update(seed).digest();
  let a = state.readUInt32LE(0);
  let b = state.readUInt32LE(4);
  let c = state.readUInt32LE(8);
  let d = state.readUInt32LE(12);
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

function randomHex(next: () => number, bytes: number): string {
  let out = "";
  for (let i = 0; i < bytes; i += 4) {
    const n = next();
    out += HEX[n & 255]! + HEX[(n >>> 8) & 255]! + HEX[(n >>> 16) & 255]! + HEX[n >>> 24]!;
  }
  return out;
}

/** The file as text chunks: the header, then `count` lines in chunks of `chunkLines`. */
export function* syntheticHashFile(options: SyntheticOptions): Generator<string> {
  const { count } = options;
  const pdqShare = options.pdqShare ?? 0.2;
  if (!Number.isInteger(count) || count < 0) throw new RangeError("count must be a whole number, 0 or more");
  if (!(pdqShare >= 0 && pdqShare <= 1)) throw new RangeError("pdqShare must be between 0 and 1");
  const source = options.source ?? "synthetic";
  if (/[",;\t\r\n]/.test(source) || source.length > 100) throw new RangeError("source: at most 100 characters, no delimiters or quotes");
  const chunkLines = Math.max(1, options.chunkLines ?? 1000);
  const next = seededRandom(options.seed ?? "partnerportalen");
  const uniform = () => next() / 4294967296;
  yield SYNTHETIC_HEADER;
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = uniform();
    const c = uniform();
    const category = CATEGORY_STEPS.find(([step]) => c < step)![1];
    if (r < pdqShare) {
      const quality = PDQ_MIN_QUALITY + (next() % (101 - PDQ_MIN_QUALITY));
      lines.push(`pdq,${randomHex(next, VALUE_BYTES.pdq)},${quality},${category},${source}`);
    } else {
      const exact = (["md5", "sha1", "sha256"] as const)[Math.min(2, Math.floor(((r - pdqShare) / (1 - pdqShare)) * 3))]!;
      lines.push(`${exact},${randomHex(next, VALUE_BYTES[exact])},,${category},${source}`);
    }
    if (lines.length === chunkLines) {
      yield lines.join("\n") + "\n";
      lines = [];
    }
  }
  if (lines.length) yield lines.join("\n") + "\n";
}
