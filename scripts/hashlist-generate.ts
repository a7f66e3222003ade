/**
 * `npm run hashlist:generate -- --count 3000000 [--out file.csv] [--seed S] [--pdq-share 0.2]`
 *
 * Writes a synthetic hash-list CSV (random md5, sha1, sha256 and PDQ values with quality 50–100 and
 * categories) to the file, or to standard output. Streaming, in constant memory; the same seed gives
 * the same file. Without --seed a random one is chosen and printed (on standard error).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { syntheticHashFile } from "~/modules/hashlist/synthetic.server";

const USAGE = "Usage: npm run hashlist:generate -- --count <N> [--out <file.csv>] [--seed <text>] [--pdq-share <0–1>]";

let values;
try {
  ({ values } = parseArgs({
    options: {
      count: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "pdq-share": { type: "string", default: "0.2" },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const count = Number(values.count);
const pdqShare = Number(values["pdq-share"]);
if (!values.count || !Number.isInteger(count) || count < 0 || !(pdqShare >= 0 && pdqShare <= 1)) {
  console.error(USAGE);
  process.exit(2);
}
const seed = values.seed ?? crypto.randomBytes(6).toString("hex");
if (values.seed === undefined) console.error(`seed: ${seed}`);

const out: NodeJS.WritableStream = values.out ? fs.createWriteStream(values.out) : process.stdout;
// A reader that stops early (`| head`) is not an error.
out.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  console.error(error.message);
  process.exit(1);
});

for (const chunk of syntheticHashFile({ count, seed, pdqShare })) {
  if (!out.write(chunk)) await once(out, "drain");
}
if (values.out) {
  out.end();
  await once(out, "finish");
  console.error(`Wrote ${count} lines to ${values.out}.`);
}
