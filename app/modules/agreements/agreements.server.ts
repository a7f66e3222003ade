import fs from "node:fs";
import path from "node:path";
import type { Db } from "#db/dialect";
import type { AgreementKind } from "#db/schema";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import type { Language } from "~/modules/i18n/i18n";
import { sha256Hex } from "~/utils/crypto.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { z } from "~/utils/zod";

/**
 * Agreements are versioned texts in both languages, kept as data in `db/agreements/<kind>.json` and
 * published into the database (like the frameworks): a published version never changes, and the newest
 * is the one in force. Whoever accepts a version, and when, is recorded.
 */
export const AGREEMENTS_DIR = path.resolve(process.env.AGREEMENTS_DIR ?? "db/agreements");

const local = z.object({ sv: z.string().trim().min(1), en: z.string().trim().min(1) }).strict();
const fileSchema = z
  .object({
    kind: z.enum(["data_use", "commitment"]),
    versions: z.array(z.object({ version: z.string().regex(/^[0-9A-Za-z.-]{1,20}$/), title: local, text: local }).strict()).min(1),
  })
  .strict();

export interface AgreementVersion {
  id: string;
  kind: AgreementKind;
  version: string;
  title: { sv: string; en: string };
  text: { sv: string; en: string };
  sha256: string;
  publishedAt: number;
}

type Row = { id: string; kind: AgreementKind; version: string; title_sv: string; title_en: string; text_sv: string; text_en: string; sha256: string; published_at: number };
const columns = ["id", "kind", "version", "title_sv", "title_en", "text_sv", "text_en", "sha256", "published_at"] as const;
const toVersion = (r: Row): AgreementVersion => ({
  id: r.id,
  kind: r.kind,
  version: r.version,
  title: { sv: r.title_sv, en: r.title_en },
  text: { sv: r.text_sv, en: r.text_en },
  sha256: r.sha256,
  publishedAt: Number(r.published_at),
});

/** The version in force: the newest published. */
export async function getCurrentAgreement(db: Db, kind: AgreementKind): Promise<AgreementVersion | null> {
  const row = await db.selectFrom("agreement_version").select(columns).where("kind", "=", kind).orderBy("published_at", "desc").orderBy("id", "desc").executeTakeFirst();
  return row ? toVersion(row) : null;
}

export async function listAgreementVersions(db: Db, kind: AgreementKind): Promise<AgreementVersion[]> {
  const rows = await db.selectFrom("agreement_version").select(columns).where("kind", "=", kind).orderBy("published_at", "desc").orderBy("id", "desc").execute();
  return rows.map(toVersion);
}

/**
 * Publishes, in file order, every version of every agreement file that is not in the database yet.
 * A published version whose text in the file has changed is refused: change the version instead.
 * `onPublished` runs in the same transaction (e.g. to tell those who must accept it again).
 */
export async function publishMissingAgreements(
  db: Db,
  actor: Actor,
  options: { dir?: string; onPublished?: (trx: Db, version: AgreementVersion, previous: AgreementVersion | null) => Promise<void> } = {},
): Promise<string[]> {
  const dir = options.dir ?? AGREEMENTS_DIR;
  if (!fs.existsSync(dir)) return [];
  const published: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
    if (!parsed.success) throw new Error(`${file}: not a valid agreement file (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
    const { kind, versions } = parsed.data;
    for (const v of versions) {
      const sha256 = sha256Hex(JSON.stringify({ title: v.title, text: v.text }));
      await db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom("agreement_version").select(["sha256"]).where("kind", "=", kind).where("version", "=", v.version).executeTakeFirst();
        if (existing) {
          if (existing.sha256 !== sha256) throw new Error(`${file}: version ${v.version} is published and its text may not change; add a new version.`);
          return;
        }
        const previous = await getCurrentAgreement(trx, kind);
        const row = {
          id: newId(),
          kind,
          version: v.version,
          title_sv: v.title.sv,
          title_en: v.title.en,
          text_sv: v.text.sv,
          text_en: v.text.en,
          sha256,
          published_at: Math.max(Date.now(), (previous?.publishedAt ?? 0) + 1),
          published_by: actor.userId,
        };
        await trx.insertInto("agreement_version").values(row).execute();
        await recordAudit(trx, actor, { action: "agreement.published", targetType: "agreement_version", targetId: row.id, details: { kind, version: v.version, sha256 } });
        await options.onPublished?.(trx, toVersion(row), previous);
        published.push(`${kind}@${v.version}`);
      });
    }
  }
  return published;
}

export interface Acceptance {
  versionId: string;
  version: string;
  acceptedAt: number;
  acceptedByName: string;
  language: string;
}

/** The organisation's acceptances of an agreement, newest first. */
export async function listAcceptances(db: Db, organisationId: string, kind: AgreementKind): Promise<Acceptance[]> {
  const rows = await db
    .selectFrom("agreement_acceptance as a")
    .innerJoin("agreement_version as v", "v.id", "a.agreement_version_id")
    .select(["v.id", "v.version", "a.accepted_at", "a.accepted_by_name", "a.language"])
    .where("a.organisation_id", "=", organisationId)
    .where("v.kind", "=", kind)
    .orderBy("a.accepted_at", "desc")
    .execute();
  return rows.map((r) => ({ versionId: r.id, version: r.version, acceptedAt: Number(r.accepted_at), acceptedByName: r.accepted_by_name, language: r.language }));
}

/** Accepts the version in force (only that one: an outdated page cannot accept an old text). */
export async function acceptAgreement(db: Db, actor: Actor & { userId: string }, organisationId: string, input: { kind: AgreementKind; versionId: string; name: string; language: Language }) {
  await db.transaction().execute(async (trx) => {
    const current = await getCurrentAgreement(trx, input.kind);
    if (!current || current.id !== input.versionId) throw new AppError("agreement_outdated", 409);
    const done = await trx.selectFrom("agreement_acceptance").select("id").where("organisation_id", "=", organisationId).where("agreement_version_id", "=", current.id).executeTakeFirst();
    if (done) return;
    await trx
      .insertInto("agreement_acceptance")
      .values({ id: newId(), organisation_id: organisationId, agreement_version_id: current.id, accepted_by: actor.userId, accepted_by_name: input.name.slice(0, 200), language: input.language, accepted_at: Date.now(), ip: actor.ip?.slice(0, 64) ?? null })
      .execute();
    await recordAudit(trx, actor, { action: "agreement.accepted", organisationId, targetType: "agreement_version", targetId: current.id, details: { kind: input.kind, version: current.version, sha256: current.sha256 } });
  });
}
