/**
 * Demo hash lists: the agreement and the test list, a national list with a few thousand synthetic
 * entries brought in by a real import (with a report that has rejected lines), a smaller list, and
 * access for some demo companies – accepted and granted, accepted but not granted, or not accepted.
 * The values are hashes of made-up texts: nothing real.
 */
import crypto from "node:crypto";
import { Readable } from "node:stream";
import type { Db } from "#db/dialect";
import { acceptAgreement, getCurrentAgreement } from "~/modules/agreements/agreements.server";
import type { Actor } from "~/modules/audit/audit.server";
import { setHashlistGrants } from "~/modules/hashlist/access.server";
import { importHashFile } from "~/modules/hashlist/import.server";
import { createHashList } from "~/modules/hashlist/lists.server";
import { publishAgreementsAndLists } from "~/modules/hashlist/startup.server";

const demoFile = (count: number, seed: string) => Readable.from(Array.from(demoLines(count, seed), (l) => `${l}\n`));

function* demoLines(count: number, seed: string): Generator<string> {
  yield "algorithm,value,quality,category,source";
  const algorithms = ["sha256", "sha256", "md5", "sha1", "pdq"] as const;
  for (let n = 0; n < count; n++) {
    const algorithm = algorithms[n % algorithms.length]!;
    const digest = crypto.createHash(algorithm === "pdq" ? "sha256" : algorithm).update(`${seed}-${n}`).digest("hex");
    const quality = algorithm === "pdq" ? String(60 + (n % 40)) : "";
    yield `${algorithm},${digest},${quality},${["A", "B", "C"][n % 3]},${n % 7 === 0 ? "Hotline" : "Polisen"}`;
  }
  // A few bad lines, so the import report has something to show.
  yield "sha256,not-a-hash,,A,";
  yield "md5,0123456789abcdef,,B,";
  yield "pdq,ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff,20,C,";
  yield "crc32,deadbeef,,A,";
}

export async function seedDemoHashlists(db: Db, staff: Actor, access: { organisationId: string; admin: { id: string; email: string; name: string }; grant: boolean }[]) {
  await publishAgreementsAndLists(db);
  const national = await createHashList(db, staff, {
    slug: "se-national",
    name: { sv: "Nationella listan", en: "National list" },
    description: { sv: "Hashar från svenska hotlines och polisens ärenden.", en: "Hashes from Swedish hotlines and police cases." },
  });
  const platforms = await createHashList(db, staff, {
    slug: "platforms",
    name: { sv: "Plattformslistan", en: "Platform list" },
    description: { sv: "Material som har spridits på sociala plattformar.", en: "Material spread on social platforms." },
  });
  await importHashFile(db, staff, national.id, demoFile(3000, "national"), { fileName: "nationella-2026-11.csv", format: "csv" });
  await importHashFile(db, staff, platforms.id, demoFile(600, "platforms"), { fileName: "plattformar.csv", format: "csv" });
  const agreement = (await getCurrentAgreement(db, "data_use"))!;
  for (const a of access) {
    await acceptAgreement(db, { ...staff, userId: a.admin.id, label: a.admin.email }, a.organisationId, { kind: "data_use", versionId: agreement.id, name: a.admin.name, language: "sv" });
    if (a.grant) await setHashlistGrants(db, staff, a.organisationId, [national.id, platforms.id]);
  }
}
