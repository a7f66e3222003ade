import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { checksumOf, displayOf, generateApiKey, hashApiKey, isWellFormedApiKey, KEY_LENGTH, KEY_PATTERN, KEY_PREFIX } from "~/modules/api-keys/key-format.server";

describe("API key format", () => {
  it("has the prefix, the length, a valid checksum and matches the scanners' pattern", () => {
    for (let i = 0; i < 200; i++) {
      const { secret, sha256, display } = generateApiKey();
      expect(secret).toHaveLength(KEY_LENGTH);
      expect(secret.startsWith(KEY_PREFIX)).toBe(true);
      expect(isWellFormedApiKey(secret)).toBe(true);
      expect(`token: ${secret}\n`).toMatch(KEY_PATTERN);
      expect(sha256).toBe(hashApiKey(secret));
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(display).toBe(`${secret.slice(0, 9)}…`);
      expect(displayOf(secret)).toBe(display);
    }
  });

  it("uses the CRC32 of the prefix and the random part, in base62", () => {
    const { secret } = generateApiKey();
    const body = secret.slice(0, -6);
    const crc = zlib.crc32(body);
    const decoded = [...secret.slice(-6)].reduce((n, c) => n * 62 + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".indexOf(c), 0);
    expect(decoded).toBe(crc);
    expect(checksumOf(body)).toBe(secret.slice(-6));
  });

  it("has at least 160 bits of randomness: no repeats, every base62 character used", () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const random = generateApiKey().secret.slice(KEY_PREFIX.length, -6);
      expect(seen.has(random)).toBe(false);
      seen.add(random);
      for (const c of random) chars.add(c);
    }
    expect(chars.size).toBe(62);
    expect(32 * Math.log2(62)).toBeGreaterThanOrEqual(160);
  });

  it("refuses a mistyped, truncated, re-prefixed or made-up key offline", () => {
    const { secret } = generateApiKey();
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
    for (const i of [5, 10, 20, 36, 40, KEY_LENGTH - 1]) expect(isWellFormedApiKey(flip(secret, i))).toBe(false);
    expect(isWellFormedApiKey(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${secret}a`)).toBe(false);
    expect(isWellFormedApiKey(`ghp_${secret.slice(5)}`)).toBe(false);
    expect(isWellFormedApiKey(`pphl_${"-".repeat(38)}`)).toBe(false);
    expect(isWellFormedApiKey("")).toBe(false);
  });
});
