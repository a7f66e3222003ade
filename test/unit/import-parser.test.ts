import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  detectFormat,
  HashImportError,
  IMPORT_ERROR_CODES,
  parseHashFile,
  splitCsvLine,
  type ParsedLine,
  type ParseOptions,
} from "~/modules/hashlist/import-parser.server";
import { MAX_LINE_BYTES } from "~/modules/hashlist/values";

const MD5 = "d41d8cd98f00b204e9800998ecf8427e";
const SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const PHOTODNA = Buffer.from(Array.from({ length: 144 }, (_, i) => (i * 37 + 11) & 255)).toString("base64");

const CSV: ParseOptions = { format: "csv" };
const JSONL: ParseOptions = { format: "jsonl" };

async function* oneChunk(data: Buffer | string) {
  yield data;
}

async function collect(input: AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream, options: ParseOptions = CSV): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const line of parseHashFile(input, options)) out.push(line);
  return out;
}

/** Lines as comparable data: an entry by its algorithm, text and the rest; an error by its code. */
function summary(lines: ParsedLine[]) {
  return lines.map((l) =>
    "entry" in l
      ? { line: l.line, ok: `${l.entry.algorithm}:${l.entry.text}`, quality: l.entry.quality, category: l.entry.category, source: l.entry.source }
      : { line: l.line, error: l.error },
  );
}

const parse = async (data: Buffer | string, options: ParseOptions = CSV) => summary(await collect(oneChunk(data), options));

/** mulberry32 */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The data in chunks of the sizes `size()` gives. Each chunk is a copy that is overwritten once the
 * parser asks for the next one, so a parser that keeps a chunk past its use reads garbage.
 */
async function* chunked(data: Buffer, size: () => number) {
  for (let i = 0; i < data.length; ) {
    const n = Math.max(1, size());
    const chunk = Buffer.from(data.subarray(i, i + n));
    yield chunk;
    chunk.fill(0x21);
    i += n;
  }
}

const TOO_LONG = "a".repeat(5000);

/** Every line kind of a CSV file, and what the parser must make of it. */
const MIXED_LINES: (string | Buffer)[] = [
  "# A test list",
  "Algorithm,Value,Quality,Category,Source,Note",
  `md5,${MD5.toUpperCase()},,A,IWF,`,
  "",
  `sha1,${SHA1},,b,,`,
  `SHA-256,${SHA256},,,,ignored`,
  `pdq,${PDQ},87,C,Meta,`,
  `photodna,${PHOTODNA},,A,NCMEC`,
  `md5,"${MD5}",,"A","Quoted, with a comma and ""quotes"""`,
  `sha512,${SHA256},,,,`,
  `md5,${MD5.slice(1)}g,,,,`,
  `md5,${MD5.slice(1)},,,,`,
  `photodna,${PHOTODNA.slice(1)}!,,,,`,
  `pdq,${PDQ},,,,`,
  `pdq,${PDQ},101,,,`,
  `pdq,${PDQ},49,,,`,
  `sha1,${SHA1},80,,,`,
  `sha1,${SHA1},,D,,`,
  `sha1,${SHA1},,,${"x".repeat(101)},`,
  "md5,,,,,",
  `md5,"${MD5},,,,`,
  TOO_LONG,
  Buffer.concat([Buffer.from(`md5,${MD5},,,Bad byte `), Buffer.from([0xff]), Buffer.from(",")]),
  "   # an indented comment",
  ",,,,,",
  `sha1,${SHA1},,,,,`,
  `md5,${MD5},,,last line without a newline,`,
];

const MIXED_EXPECTED = [
  { line: 3, ok: `md5:${MD5}`, quality: null, category: "A", source: "IWF" },
  { line: 5, ok: `sha1:${SHA1}`, quality: null, category: "B", source: null },
  { line: 6, ok: `sha256:${SHA256}`, quality: null, category: "unknown", source: null },
  { line: 7, ok: `pdq:${PDQ}`, quality: 87, category: "C", source: "Meta" },
  { line: 8, ok: `photodna:${Buffer.from(PHOTODNA, "base64").toString("hex")}`, quality: null, category: "A", source: "NCMEC" },
  { line: 9, ok: `md5:${MD5}`, quality: null, category: "A", source: 'Quoted, with a comma and "quotes"' },
  { line: 10, error: "algorithm_unknown" },
  { line: 11, error: "value_not_hex" },
  { line: 12, error: "value_wrong_length" },
  { line: 13, error: "value_not_base64" },
  { line: 14, error: "quality_missing" },
  { line: 15, error: "quality_invalid" },
  { line: 16, error: "quality_too_low" },
  { line: 17, error: "quality_not_allowed" },
  { line: 18, error: "category_unknown" },
  { line: 19, error: "source_too_long" },
  { line: 20, error: "fields_missing" },
  { line: 21, error: "csv_malformed" },
  { line: 22, error: "line_too_long" },
  { line: 23, error: "not_utf8" },
  { line: 26, error: "csv_malformed" },
  { line: 27, ok: `md5:${MD5}`, quality: null, category: "unknown", source: "last line without a newline" },
];

const joinLines = (lines: (string | Buffer)[], eol = "\n") =>
  Buffer.concat(lines.flatMap((l, i) => [Buffer.from(l), ...(i < lines.length - 1 ? [Buffer.from(eol)] : [])]));

const MIXED = joinLines(MIXED_LINES);

const JSONL_LINES = [
  `{"algorithm":"sha256","value":"${SHA256.toUpperCase()}","category":"A","source":"IWF"}`,
  `{"algorithm":"pdq","value":"${PDQ}","quality":87,"category":null,"source":null,"extra":[1,2]}`,
  `  {"algorithm": "pdq", "value": "${PDQ}", "quality": "90"}  `,
  "# comment",
  `{"algorithm":"md5","value":"${MD5}"`,
  `["md5","${MD5}"]`,
  "null",
  `{"algorithm":"md5","value":123}`,
  `{"algorithm":5,"value":"${MD5}"}`,
  `{"algorithm":"pdq","value":"${PDQ}","quality":true}`,
  `{"algorithm":"md5","value":"${MD5}","category":1}`,
  `{"algorithm":"md5","value":"${MD5}","source":{}}`,
  `{"algorithm":"pdq","value":"${PDQ}","quality":87.5}`,
  `{"algorithm":"md5","value":"${MD5}","quality":null,"category":"b"}`,
  `{"value":"${MD5}"}`,
  "",
];

describe("parseHashFile, CSV", () => {
  it("reads good lines and reports every bad one at its line, losing none", async () => {
    expect(await parse(MIXED)).toEqual(MIXED_EXPECTED);
  });

  it("gives entries their bytes", async () => {
    const [first] = await collect(oneChunk(`algorithm,value\nmd5,${MD5}\n`));
    expect(first).toEqual({
      line: 2,
      entry: { algorithm: "md5", value: new Uint8Array(Buffer.from(MD5, "hex")), text: MD5, quality: null, category: "unknown", source: null },
    });
  });

  it("reads CRLF line endings and a byte order mark like plain lines", async () => {
    expect(await parse(joinLines(MIXED_LINES, "\r\n"))).toEqual(MIXED_EXPECTED);
    expect(await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), MIXED]))).toEqual(MIXED_EXPECTED);
    expect(await parse(Buffer.concat([Buffer.from("\ufeffalgorithm,value\r\n"), Buffer.from(`md5,${MD5}\r\n`)]))).toEqual([
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
    ]);
  });

  it("gives the same result however the file is cut into chunks", async () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), joinLines([...MIXED_LINES, `md5,${MD5},,,Ärende – ÅÄÖ 🙂,`], "\r\n")]);
    const expected = await parse(file);
    expect(expected.at(-1)).toMatchObject({ source: "Ärende – ÅÄÖ 🙂" });
    expect(summary(await collect(chunked(file, () => 1)))).toEqual(expected);
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const next = random(seed);
      const max = [2, 7, 64, 700, 5003, 10000][seed % 6]!;
      expect(summary(await collect(chunked(file, () => Math.floor(next() * max))))).toEqual(expected);
    }
  });

  it("accepts lines of exactly MAX_LINE_BYTES, also with CRLF, and refuses one byte more", async () => {
    const line = (length: number) => {
      const start = `md5,${MD5},,,,`;
      return start + "n".repeat(length - start.length);
    };
    expect(Buffer.byteLength(line(MAX_LINE_BYTES))).toBe(MAX_LINE_BYTES);
    for (const eol of ["\n", "\r\n"]) {
      const file = ["algorithm,value,quality,category,source,note", line(MAX_LINE_BYTES), line(MAX_LINE_BYTES + 1), line(MAX_LINE_BYTES + 3)].join(eol) + eol;
      const expected = [
        { line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
        { line: 3, error: "line_too_long" },
        { line: 4, error: "line_too_long" },
      ];
      expect(await parse(file)).toEqual(expected);
      expect(summary(await collect(chunked(Buffer.from(file), () => 1000)))).toEqual(expected);
    }
  });

  it("reports a 1 MB line once and reads the next line", async () => {
    const lines = ["algorithm,value", `md5,${MD5}`, "x".repeat(1 << 20), `sha1,${SHA1}`];
    const expected = [
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
      { line: 3, error: "line_too_long" },
      { line: 4, ok: `sha1:${SHA1}`, quality: null, category: "unknown", source: null },
    ];
    const file = Buffer.from(lines.join("\n"));
    expect(await parse(file)).toEqual(expected);
    expect(summary(await collect(chunked(file, () => 65536)))).toEqual(expected);
    expect(summary(await collect(chunked(file, () => 4097)))).toEqual(expected);
    // As the last line, without a newline.
    expect(await parse(lines.slice(0, 3).join("\n"))).toEqual(expected.slice(0, 2));
  });

  it("skips an overlong line without holding on to it", async () => {
    const blocks = 384;
    let peak = 0;
    const before = process.memoryUsage().arrayBuffers;
    async function* file() {
      yield Buffer.from(`algorithm,value\nmd5,${MD5}\n`);
      // 384 MB in one line, in fresh 1 MB chunks: kept, they would show as array buffer memory.
      for (let i = 0; i < blocks; i++) {
        yield Buffer.alloc(1 << 20, 0x78);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      }
      yield Buffer.from(`\nsha1,${SHA1}\n`);
    }
    expect(summary(await collect(file()))).toEqual([
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
      { line: 3, error: "line_too_long" },
      { line: 4, ok: `sha1:${SHA1}`, quality: null, category: "unknown", source: null },
    ]);
    expect(peak).toBeLessThan((blocks / 2) * (1 << 20));
  });

  it("refuses lines that are not UTF-8, and reads the rest", async () => {
    const bad = [
      [0xff],
      [0xc0, 0x80], // overlong "\0"
      [0xe2, 0x82], // truncated "€"
      [0xed, 0xa0, 0x80], // a surrogate
    ];
    const file = Buffer.concat([
      Buffer.from("algorithm,value,source\n"),
      ...bad.map((bytes) => Buffer.concat([Buffer.from(`md5,${MD5},`), Buffer.from(bytes), Buffer.from("\n")])),
      Buffer.from(`md5,${MD5},€ ok\n`),
    ]);
    expect(await parse(file)).toEqual([
      { line: 2, error: "not_utf8" },
      { line: 3, error: "not_utf8" },
      { line: 4, error: "not_utf8" },
      { line: 5, error: "not_utf8" },
      { line: 6, ok: `md5:${MD5}`, quality: null, category: "unknown", source: "€ ok" },
    ]);
  });

  it("finds columns by name in any order, ignores others, and reads ; and tab files", async () => {
    const rows = (d: string) => [`Source${d}Extra${d}HASH${d}category${d}ALGORITHM`, `IWF${d}x${d}${MD5}${d}a${d}md5`, `${d}${d}${SHA1}${d}${d}sha1`].join("\n");
    const expected = [
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "A", source: "IWF" },
      { line: 3, ok: `sha1:${SHA1}`, quality: null, category: "unknown", source: null },
    ];
    for (const d of [",", ";", "\t"]) expect(await parse(rows(d))).toEqual(expected);
  });

  it("reads quoted fields and refuses broken quoting", async () => {
    const header = "algorithm,value,quality,category,source";
    const file = [
      header,
      `"md5" , "${MD5}",,"",""" IWF"" list, 2026"`,
      `"pdq","${PDQ}","87","A",""`,
      `md5,${MD5},,,"unclosed`,
      `md5,${MD5},,,"closed"then text`,
      `md5,${MD5},,,a "quote" inside`,
      `md5,${MD5},,,one,too many`,
      `md5,${MD5}`,
    ].join("\n");
    expect(await parse(file)).toEqual([
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: '" IWF" list, 2026' },
      { line: 3, ok: `pdq:${PDQ}`, quality: 87, category: "A", source: null },
      { line: 4, error: "csv_malformed" },
      { line: 5, error: "csv_malformed" },
      { line: 6, error: "csv_malformed" },
      { line: 7, error: "csv_malformed" },
      { line: 8, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
    ]);
    expect(splitCsvLine('a,"b,c",""', ",")).toEqual(["a", "b,c", ""]);
    expect(splitCsvLine('"a""",b,', ",")).toEqual(['a"', "b", ""]);
    expect(splitCsvLine('"a"\t"b"', "\t")).toEqual(["a", "b"]);
    expect(splitCsvLine('"a', ",")).toBe("unclosed quote");
  });

  it("uses the defaults for lines without a source or category", async () => {
    const file = `algorithm,value,category,source\nmd5,${MD5},,\nsha1,${SHA1},C,Own\n`;
    expect(await parse(file, { format: "csv", defaults: { source: "Hotline 2026", category: "B" } })).toEqual([
      { line: 2, ok: `md5:${MD5}`, quality: null, category: "B", source: "Hotline 2026" },
      { line: 3, ok: `sha1:${SHA1}`, quality: null, category: "C", source: "Own" },
    ]);
  });

  it("refuses a file without a usable header before reading any line", async () => {
    const refusal = async (file: string | Buffer) => {
      const lines = parseHashFile(oneChunk(file), CSV);
      const error = await lines.next().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HashImportError);
      return { code: (error as HashImportError).code, detail: (error as HashImportError).detail };
    };
    expect(await refusal(`md5,${MD5}\nsha1,${SHA1}\n`)).toMatchObject({ code: "csv_header_missing" });
    expect(await refusal(`# only a comment\n\nalgorithm,quality\nmd5,50\n`)).toEqual({ code: "csv_header_missing", detail: "line 3: no column value" });
    expect(await refusal("")).toEqual({ code: "csv_header_missing", detail: "no header line" });
    expect(await refusal("# nothing but comments\n\n")).toMatchObject({ code: "csv_header_missing" });
    expect(await refusal(`algorithm,value,hash\nmd5,${MD5},${MD5}\n`)).toEqual({ code: "csv_header_invalid", detail: "line 1: two columns for value" });
    expect(await refusal(`"algorithm,value\n`)).toMatchObject({ code: "csv_header_invalid" });
    expect(await refusal(Buffer.from([0x61, 0xff, 0x0a]))).toEqual({ code: "csv_header_invalid", detail: "line 1: not UTF-8" });
    expect(await refusal(`${"x".repeat(5000)}\nalgorithm,value\n`)).toMatchObject({ code: "csv_header_invalid" });
    const error = new HashImportError("csv_header_missing", "line 1: no column value");
    expect(error).toMatchObject({ status: 400, details: { params: { detail: "line 1: no column value" } } });
  });

  it("reads a Node stream and string chunks", async () => {
    const expected = await parse(MIXED);
    expect(summary(await collect(Readable.from([MIXED.subarray(0, 1000), MIXED.subarray(1000)])))).toEqual(expected);
    const text = `algorithm,value,source\nmd5,${MD5},Ärende\n`;
    async function* strings() {
      yield text.slice(0, 30);
      yield text.slice(30);
    }
    expect(summary(await collect(strings()))).toEqual([{ line: 2, ok: `md5:${MD5}`, quality: null, category: "unknown", source: "Ärende" }]);
    // An upload: a web stream of Uint8Array chunks (async iterable in Node; the DOM types do not say so).
    const upload = new Blob([MIXED]).stream() as unknown as AsyncIterable<Uint8Array>;
    expect(summary(await collect(upload))).toEqual(expected);
  });

  it("stops reading, and closes the stream, when the caller stops", async () => {
    const stream = Readable.from([Buffer.from(`algorithm,value\nmd5,${MD5}\nmd5,${MD5}\n`), Buffer.from(`md5,${MD5}\n`)]);
    for await (const _line of parseHashFile(stream, CSV)) break;
    expect(stream.destroyed).toBe(true);
  });

  it("refuses a default source that is too long", async () => {
    const lines = parseHashFile(oneChunk(`algorithm,value\nmd5,${MD5}\n`), { format: "csv", defaults: { source: "s".repeat(101) } });
    await expect(lines.next()).rejects.toThrow(RangeError);
  });

  it("reads 200,000 lines", async () => {
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    async function* file() {
      yield "algorithm,value,quality,category,source\n";
      for (let block = 0; block < 200; block++) {
        let chunk = "";
        for (let i = block * 1000; i < (block + 1) * 1000; i++) {
          chunk += i % 10 === 0 ? `pdq,${hex(i).repeat(8)},${50 + (i % 51)},A,Test\n` : `sha256,${hex(i).repeat(8)},,B,Test\n`;
        }
        yield chunk;
      }
    }
    let entries = 0;
    let errors = 0;
    let lastLine = 0;
    for await (const line of parseHashFile(file(), CSV)) {
      if ("entry" in line) entries++;
      else errors++;
      lastLine = line.line;
    }
    expect({ entries, errors, lastLine }).toEqual({ entries: 200_000, errors: 0, lastLine: 200_001 });
  });
});

describe("parseHashFile, JSON lines", () => {
  it("reads objects and reports every bad line", async () => {
    expect(await parse(JSONL_LINES.join("\n"), JSONL)).toEqual([
      { line: 1, ok: `sha256:${SHA256}`, quality: null, category: "A", source: "IWF" },
      { line: 2, ok: `pdq:${PDQ}`, quality: 87, category: "unknown", source: null },
      { line: 3, ok: `pdq:${PDQ}`, quality: 90, category: "unknown", source: null },
      { line: 5, error: "json_malformed" },
      { line: 6, error: "json_malformed" },
      { line: 7, error: "json_malformed" },
      { line: 8, error: "json_malformed" },
      { line: 9, error: "algorithm_unknown" },
      { line: 10, error: "quality_invalid" },
      { line: 11, error: "category_unknown" },
      { line: 12, error: "json_malformed" },
      { line: 13, error: "quality_invalid" },
      { line: 14, ok: `md5:${MD5}`, quality: null, category: "B", source: null },
      { line: 15, error: "fields_missing" },
    ]);
  });

  it("reads CRLF, a byte order mark, overlong and non-UTF-8 lines like CSV", async () => {
    const file = Buffer.concat([
      Buffer.from("\ufeff"),
      Buffer.from(`{"algorithm":"md5","value":"${MD5}"}\r\n`),
      Buffer.from(`{"algorithm":"md5","value":"${MD5}","source":"${"s".repeat(5000)}"}\r\n`),
      Buffer.from(`{"algorithm":"md5","value":"${MD5}","source":"`),
      Buffer.from([0xff]),
      Buffer.from(`"}\r\n{"algorithm":"sha1","value":"${SHA1}"}`),
    ]);
    const expected = [
      { line: 1, ok: `md5:${MD5}`, quality: null, category: "unknown", source: null },
      { line: 2, error: "line_too_long" },
      { line: 3, error: "not_utf8" },
      { line: 4, ok: `sha1:${SHA1}`, quality: null, category: "unknown", source: null },
    ];
    expect(await parse(file, JSONL)).toEqual(expected);
    expect(summary(await collect(chunked(file, () => 1), JSONL))).toEqual(expected);
    expect(summary(await collect(chunked(file, random(9)), JSONL))).toEqual(expected);
  });
});

describe("error codes", () => {
  it("are all produced by the test files", async () => {
    const seen = new Set([...(await parse(MIXED)), ...(await parse(JSONL_LINES.join("\n"), JSONL))].flatMap((l) => ("error" in l ? [l.error] : [])));
    expect([...seen].sort()).toEqual([...IMPORT_ERROR_CODES].sort());
  });
});

describe("detectFormat", () => {
  const bytes = (s: string) => Buffer.from(s);
  it("goes by the file name", () => {
    expect(detectFormat("list.csv", bytes("{"))).toBe("csv");
    expect(detectFormat("LIST.CSV", bytes(""))).toBe("csv");
    expect(detectFormat("list.jsonl", bytes("algorithm,value"))).toBe("jsonl");
    expect(detectFormat("list.ndjson", bytes(""))).toBe("jsonl");
    expect(detectFormat("list.json", bytes('{"algorithm":"md5"}'))).toBe("jsonl");
    expect(detectFormat("list.json", bytes('\n  [{"algorithm":"md5"}]'))).toBeNull();
  });

  it("otherwise by the first line", () => {
    expect(detectFormat("list.txt", bytes('\ufeff\n  {"algorithm":"md5"}'))).toBe("jsonl");
    expect(detectFormat("list", bytes("# exported 2026-01-01\n{}"))).toBe("jsonl");
    expect(detectFormat("list.txt", bytes("Algorithm;Value\nmd5;…"))).toBe("csv");
    expect(detectFormat("list.txt", bytes('"value","algorithm"\n'))).toBe("csv");
    expect(detectFormat("list.txt", bytes(`${MD5}\n`))).toBeNull();
    expect(detectFormat("list.txt", bytes(""))).toBeNull();
    expect(detectFormat("list.bin", Buffer.from([0xff, 0xfe, 0x00]))).toBeNull();
  });
});
