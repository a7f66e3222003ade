import { describe, expect, it } from "vitest";
import {
  ALGORITHM_CODE,
  ALGORITHMS,
  algorithmOfCode,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  checkEntry,
  hexToBytes,
  parseAlgorithm,
  parseCategory,
  parseValue,
  PDQ_MIN_QUALITY,
  SOURCE_MAX_LENGTH,
  VALUE_BYTES,
  valueToText,
  type Algorithm,
} from "~/modules/hashlist/values";

// The hashes of the empty file, and made-up PDQ and PhotoDNA hashes.
const MD5 = "d41d8cd98f00b204e9800998ecf8427e";
const SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const PHOTODNA_BYTES = Buffer.from(Array.from({ length: 144 }, (_, i) => (i * 37 + 11) & 255));
const PHOTODNA = PHOTODNA_BYTES.toString("base64");

const VALID: Record<Algorithm, string> = { md5: MD5, sha1: SHA1, sha256: SHA256, pdq: PDQ, photodna: PHOTODNA };

/** Deterministic pseudo-random bytes (mulberry32). */
function randomBytes(length: number, seed: number): Uint8Array {
  let a = seed;
  return Uint8Array.from({ length }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) & 255;
  });
}

describe("algorithms", () => {
  it("have fixed storage codes, and the codes lead back to them", () => {
    expect(ALGORITHM_CODE).toEqual({ md5: 1, sha1: 2, sha256: 3, pdq: 4, photodna: 5 });
    for (const algorithm of ALGORITHMS) expect(algorithmOfCode(ALGORITHM_CODE[algorithm])).toBe(algorithm);
  });

  it.each([0, 6, -1, 1.5, NaN])("refuse the unknown code %s", (code) => {
    expect(() => algorithmOfCode(code)).toThrow(RangeError);
  });

  it("are read in any case, with or without a hyphen", () => {
    expect(parseAlgorithm("sha256")).toBe("sha256");
    expect(parseAlgorithm(" SHA-256 ")).toBe("sha256");
    expect(parseAlgorithm("Sha-1")).toBe("sha1");
    expect(parseAlgorithm("MD5")).toBe("md5");
    expect(parseAlgorithm("PhotoDNA")).toBe("photodna");
    expect(parseAlgorithm("PDQ")).toBe("pdq");
    for (const unknown of ["sha512", "sha3-256", "", "md 5", "pdq8"]) expect(parseAlgorithm(unknown)).toBeNull();
  });
});

describe("categories", () => {
  it("are A, B, C and unknown, in any case", () => {
    expect(parseCategory("A")).toBe("A");
    expect(parseCategory(" b ")).toBe("B");
    expect(parseCategory("c")).toBe("C");
    expect(parseCategory("Unknown")).toBe("unknown");
    for (const other of ["D", "AB", "1", "", "category A"]) expect(parseCategory(other)).toBeNull();
  });
});

describe("hash values", () => {
  it("PhotoDNA hashes are 192 base64 characters without padding, as Buffer writes them", () => {
    for (const bytes of [PHOTODNA_BYTES, Buffer.alloc(144), Buffer.alloc(144, 255)]) {
      const text = bytes.toString("base64");
      expect(text).toHaveLength(192);
      expect(text).not.toContain("=");
      expect(bytesToBase64(bytes)).toBe(text);
    }
  });

  it.each(ALGORITHMS)("accepts a valid %s value and gives its bytes", (algorithm) => {
    const result = parseValue(algorithm, VALID[algorithm]);
    const expected = algorithm === "photodna" ? PHOTODNA_BYTES : Buffer.from(VALID[algorithm], "hex");
    expect(result).toEqual({ ok: true, bytes: new Uint8Array(expected), text: Buffer.from(expected).toString("hex") });
    if (result.ok) expect(result.bytes).toHaveLength(VALUE_BYTES[algorithm]);
  });

  it.each(["md5", "sha1", "sha256", "pdq"] as const)("writes %s hex in lower case and ignores surrounding white space", (algorithm) => {
    const result = parseValue(algorithm, `  ${VALID[algorithm].toUpperCase()}\t`);
    expect(result.ok && result.text).toBe(VALID[algorithm]);
    const mixed = VALID[algorithm].replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c));
    expect(parseValue(algorithm, mixed)).toEqual(parseValue(algorithm, VALID[algorithm]));
  });

  it.each(["md5", "sha1", "sha256", "pdq"] as const)("refuses a %s value of the wrong length", (algorithm) => {
    const value = VALID[algorithm];
    for (const wrong of [value.slice(1), `${value}0`, `${value}00`, value.slice(0, 30), ""]) {
      expect(parseValue(algorithm, wrong)).toEqual({ ok: false, error: "value_wrong_length" });
    }
  });

  it.each(["md5", "sha1", "sha256", "pdq"] as const)("refuses a %s value with anything but hex digits", (algorithm) => {
    const value = VALID[algorithm];
    const wrong = [`${value.slice(1)}g`, `0x${value.slice(2)}`, `${value.slice(0, 10)} ${value.slice(11)}`, value.replace(/^./, "é"), `${value.slice(0, -1)}-`];
    for (const text of wrong) expect(parseValue(algorithm, text)).toEqual({ ok: false, error: "value_not_hex" });
  });

  it("accepts PhotoDNA as hex, base64 or URL-safe base64, and writes it as hex (text order = byte order)", () => {
    const hex = Buffer.from(PHOTODNA_BYTES).toString("hex");
    const urlSafe = PHOTODNA.replaceAll("+", "-").replaceAll("/", "_");
    expect(urlSafe).not.toBe(PHOTODNA);
    for (const text of [PHOTODNA, ` ${urlSafe} `, hex, hex.toUpperCase()]) {
      expect(parseValue("photodna", text)).toEqual({ ok: true, bytes: new Uint8Array(PHOTODNA_BYTES), text: hex });
    }
  });

  it("refuses PhotoDNA values that are not base64 or not 144 bytes", () => {
    const notBase64 = [`${PHOTODNA.slice(1)}!`, `${PHOTODNA.slice(0, 100)}=${PHOTODNA.slice(101)}`, `${PHOTODNA}==`, `${PHOTODNA.slice(0, 100)} ${PHOTODNA.slice(101)}`, `${PHOTODNA.slice(4)}A===`];
    for (const text of notBase64) expect(parseValue("photodna", text)).toEqual({ ok: false, error: "value_not_base64" });
    const wrongLength = [PHOTODNA.slice(4), `${PHOTODNA}AAAA`, PHOTODNA.slice(1), `${PHOTODNA.slice(2)}==`, "", Buffer.from(PHOTODNA_BYTES).toString("hex").slice(2)];
    for (const text of wrongLength) expect(parseValue("photodna", text)).toEqual({ ok: false, error: "value_wrong_length" });
  });

  it.each(ALGORITHMS)("round-trips %s values between bytes and text", (algorithm) => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = randomBytes(VALUE_BYTES[algorithm], seed);
      const text = valueToText(algorithm, bytes);
      expect(text).toBe(Buffer.from(bytes).toString("hex"));
      expect(parseValue(algorithm, text)).toEqual({ ok: true, bytes, text });
    }
  });

  it("refuses to write bytes of the wrong size", () => {
    expect(() => valueToText("md5", new Uint8Array(20))).toThrow(RangeError);
    expect(() => valueToText("photodna", new Uint8Array(143))).toThrow(RangeError);
  });
});

describe("codecs", () => {
  it("agree with Buffer for every length up to 50", () => {
    for (let length = 0; length <= 50; length++) {
      const bytes = randomBytes(length, length + 100);
      const buffer = Buffer.from(bytes);
      expect(bytesToHex(bytes)).toBe(buffer.toString("hex"));
      expect(hexToBytes(buffer.toString("hex"))).toEqual(bytes);
      expect(hexToBytes(buffer.toString("hex").toUpperCase())).toEqual(bytes);
      expect(bytesToBase64(bytes)).toBe(buffer.toString("base64"));
      expect(base64ToBytes(buffer.toString("base64"))).toEqual(bytes);
      expect(base64ToBytes(buffer.toString("base64url"))).toEqual(bytes);
    }
  });

  it("are strict where Buffer is lenient", () => {
    expect(hexToBytes("abc")).toBeNull();
    expect(hexToBytes("zz")).toBeNull();
    expect(base64ToBytes("A")).toBeNull();
    expect(base64ToBytes("AB=")).toBeNull();
    expect(base64ToBytes("A===")).toBeNull();
    expect(base64ToBytes("AA=A")).toBeNull();
    // Bits past the last byte must be zero: "AB==" and "AA==" would both be the byte 0.
    expect(base64ToBytes("AB==")).toBeNull();
    expect(base64ToBytes("AA==")).toEqual(new Uint8Array([0]));
  });
});

describe("entries", () => {
  it("are checked field by field, with defaults for category and source", () => {
    expect(checkEntry({ algorithm: "MD5", value: MD5.toUpperCase(), category: "a", source: " IWF " })).toEqual({
      ok: true,
      entry: { algorithm: "md5", value: new Uint8Array(Buffer.from(MD5, "hex")), text: MD5, quality: null, category: "A", source: "IWF" },
    });
    const bare = checkEntry({ algorithm: "sha1", value: SHA1, quality: "", category: "", source: "" });
    expect(bare.ok && bare.entry).toMatchObject({ category: "unknown", source: null });
    const defaulted = checkEntry({ algorithm: "sha1", value: SHA1 }, { source: "Hotline 2026", category: "B" });
    expect(defaulted.ok && defaulted.entry).toMatchObject({ category: "B", source: "Hotline 2026" });
    const own = checkEntry({ algorithm: "sha1", value: SHA1, category: "C", source: "Own" }, { source: "Hotline 2026", category: "B" });
    expect(own.ok && own.entry).toMatchObject({ category: "C", source: "Own" });
  });

  it("need an algorithm and a value", () => {
    expect(checkEntry({ value: MD5 })).toEqual({ ok: false, error: "fields_missing", detail: "algorithm" });
    expect(checkEntry({ algorithm: "md5", value: "  " })).toEqual({ ok: false, error: "fields_missing", detail: "value" });
    expect(checkEntry({ algorithm: "sha512", value: MD5 })).toMatchObject({ ok: false, error: "algorithm_unknown" });
    expect(checkEntry({ algorithm: "md5", value: SHA1 })).toEqual({ ok: false, error: "value_wrong_length" });
  });

  it("need a PDQ quality of at least PDQ_MIN_QUALITY, and no quality on other algorithms", () => {
    expect(PDQ_MIN_QUALITY).toBe(50);
    const quality = (q: string | number | null | undefined, algorithm = "pdq") => {
      const r = checkEntry({ algorithm, value: algorithm === "pdq" ? PDQ : SHA256, quality: q });
      return r.ok ? r.entry.quality : r.error;
    };
    expect(quality("87")).toBe(87);
    expect(quality(" 100 ")).toBe(100);
    expect(quality("050")).toBe(50);
    expect(quality(50)).toBe(50);
    expect(quality(undefined)).toBe("quality_missing");
    expect(quality(null)).toBe("quality_missing");
    expect(quality(" ")).toBe("quality_missing");
    for (const invalid of ["101", "-1", "87.5", "8e1", "high", "1000", 87.5, -3, 101, NaN]) expect(quality(invalid)).toBe("quality_invalid");
    expect(quality("49")).toBe("quality_too_low");
    expect(quality(0)).toBe("quality_too_low");
    expect(quality("90", "sha256")).toBe("quality_not_allowed");
    expect(quality(90, "sha256")).toBe("quality_not_allowed");
    expect(quality("", "sha256")).toBeNull();
  });

  it("refuse unknown categories and long sources (counted in characters)", () => {
    expect(checkEntry({ algorithm: "md5", value: MD5, category: "D" })).toMatchObject({ ok: false, error: "category_unknown" });
    const exactly = "ö".repeat(SOURCE_MAX_LENGTH - 1) + "🙂";
    expect(checkEntry({ algorithm: "md5", value: MD5, source: exactly }).ok).toBe(true);
    expect(checkEntry({ algorithm: "md5", value: MD5, source: `${exactly}x` })).toEqual({ ok: false, error: "source_too_long" });
  });
});
