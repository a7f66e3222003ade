import crypto from "node:crypto";
import zlib from "node:zlib";

/**
 * API key format (docs/api.md): `pphl_` + 32 random base62 characters (190 bits from the CSPRNG) +
 * 6 base62 characters of the CRC32 of everything before them, zero-padded. The prefix lets secret
 * scanners find a leaked key; the checksum lets them (and us) reject a mistyped or made-up one
 * offline, without a database look-up. Only the SHA-256 of the whole key is stored.
 */
export const KEY_PREFIX = "pphl_";
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
/** For secret scanners: the whole key, on word boundaries. */
export const KEY_PATTERN = /\bpphl_[0-9A-Za-z]{38}\b/;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    // Rejection sampling: bytes ≥ 248 (= 4 × 62) would bias the distribution.
    for (const byte of crypto.randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function base62(n: number, width: number): string {
  let out = "";
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(width, "0");
}

export function checksumOf(body: string): string {
  return base62(zlib.crc32(body), CHECKSUM_LENGTH);
}

/** A new key, its SHA-256 (what is stored) and its display part (what the key list shows). */
export function generateApiKey(): { secret: string; sha256: string; display: string } {
  const body = KEY_PREFIX + randomBase62(RANDOM_LENGTH);
  const secret = body + checksumOf(body);
  return { secret, sha256: hashApiKey(secret), display: displayOf(secret) };
}

/** Well-formed: the prefix, the length, the alphabet and a matching checksum. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== KEY_LENGTH || !candidate.startsWith(KEY_PREFIX)) return false;
  if (!/^[0-9A-Za-z]+$/.test(candidate.slice(KEY_PREFIX.length))) return false;
  const body = candidate.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(body) === candidate.slice(-CHECKSUM_LENGTH);
}

export function hashApiKey(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** The prefix and the first four random characters: enough to tell keys apart, useless to an attacker. */
export function displayOf(secret: string): string {
  return `${secret.slice(0, KEY_PREFIX.length + 4)}…`;
}
