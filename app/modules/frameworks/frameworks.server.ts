import type { Db } from "#db/dialect";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { sha256Hex } from "~/utils/crypto.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { readFrameworkFiles, type FrameworkFileResult } from "./files.server";
import { frameworkFileSchema, type FrameworkFile } from "./framework-schema";

export interface PublishedFramework {
  id: string;
  frameworkId: string;
  version: string;
  sha256: string;
  publishedAt: number;
  framework: FrameworkFile;
}

/** Published versions never change, so each is parsed once per process. */
const parsed = new Map<string, FrameworkFile>();
function parseContent(versionId: string, content: string): FrameworkFile {
  let f = parsed.get(versionId);
  if (!f) {
    f = frameworkFileSchema.parse(JSON.parse(content));
    parsed.set(versionId, f);
  }
  return f;
}

/** A file's canonical JSON: what is hashed and stored, so formatting does not make a new version. */
export function canonicalJson(framework: FrameworkFile): string {
  return JSON.stringify(framework);
}

type VersionRow = { id: string; framework_id: string; version: string; content: string; sha256: string; published_at: number };

function toPublished(r: VersionRow): PublishedFramework {
  return { id: r.id, frameworkId: r.framework_id, version: r.version, sha256: r.sha256, publishedAt: Number(r.published_at), framework: parseContent(r.id, r.content) };
}

export async function getFrameworkVersions(db: Db, ids: string[]): Promise<PublishedFramework[]> {
  if (ids.length === 0) return [];
  // The content (tens of kilobytes each) is read only for versions this process has not parsed yet.
  const rows = await db.selectFrom("framework_version").select(["id", "framework_id", "version", "sha256", "published_at"]).where("id", "in", ids).execute();
  const missing = rows.filter((r) => !parsed.has(r.id)).map((r) => r.id);
  const contents = missing.length ? await db.selectFrom("framework_version").select(["id", "content"]).where("id", "in", missing).execute() : [];
  const content = new Map(contents.map((c) => [c.id, c.content]));
  return rows.map((r) => toPublished({ ...r, content: content.get(r.id) ?? "" }));
}

/** The newest published version of each framework. */
export async function getCurrentFrameworks(db: Db): Promise<Map<string, PublishedFramework>> {
  const rows = await db.selectFrom("framework_version").select(["id", "framework_id", "version", "content", "sha256", "published_at"]).orderBy("published_at").orderBy("id").execute();
  const current = new Map<string, PublishedFramework>();
  for (const r of rows) current.set(r.framework_id, toPublished(r));
  return current;
}

export async function listFrameworkVersions(db: Db) {
  const rows = await db
    .selectFrom("framework_version as v")
    .leftJoin("user as u", "u.id", "v.published_by")
    .select(["v.id", "v.framework_id", "v.version", "v.sha256", "v.published_at", "u.name as published_by_name"])
    .orderBy("v.framework_id")
    .orderBy("v.published_at", "desc")
    .execute();
  const usage = await db
    .selectFrom("assessment_module")
    .select(["framework_version_id", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("framework_version_id")
    .execute();
  const used = new Map(usage.map((u) => [u.framework_version_id, Number(u.n)]));
  return rows.map((r) => ({
    id: r.id,
    frameworkId: r.framework_id,
    version: r.version,
    sha256: r.sha256,
    publishedAt: Number(r.published_at),
    publishedBy: r.published_by_name,
    assessments: used.get(r.id) ?? 0,
  }));
}

export type FileState = "published" | "new_version" | "unchanged_version_changed_content" | "invalid" | "older";

/** Each framework file in the repository, compared with what is published. */
export async function compareFrameworkFiles(db: Db, files: FrameworkFileResult[] = readFrameworkFiles()) {
  const current = await getCurrentFrameworks(db);
  const published = await db.selectFrom("framework_version").select(["framework_id", "version", "sha256"]).execute();
  return files.map((f) => {
    if (!f.framework || f.problems.length) return { ...f, state: "invalid" as FileState, sha256: null };
    const same = published.find((p) => p.framework_id === f.framework!.id && p.version === f.framework!.version);
    const hash = sha256Hex(canonicalJson(f.framework));
    let state: FileState;
    if (same) state = same.sha256 === hash ? "published" : "unchanged_version_changed_content";
    else {
      const latest = current.get(f.framework.id);
      state = latest && compareVersions(f.framework.version, latest.version) < 0 ? "older" : "new_version";
    }
    return { ...f, state, sha256: hash };
  });
}

function compareVersions(a: string, b: string): number {
  const [ay, an] = a.split(".").map(Number);
  const [by, bn] = b.split(".").map(Number);
  return ay! - by! || an! - bn!;
}

/**
 * Publishes a framework file as a new, immutable version. Refused when the file is invalid, when that
 * version is already published (a change needs a new version number), or when it is older than the
 * current one. An industry module is validated against the core that will be current with it.
 */
export async function publishFramework(db: Db, actor: Actor, frameworkId: string, files: FrameworkFileResult[] = readFrameworkFiles()) {
  const file = (await compareFrameworkFiles(db, files)).find((f) => f.framework?.id === frameworkId || f.file === `${frameworkId}.json`);
  if (!file) throw new AppError("not_found", 404);
  if (file.state === "invalid") throw new AppError("framework_invalid", 400);
  if (file.state === "published") throw new AppError("framework_already_published", 409);
  if (file.state === "unchanged_version_changed_content") throw new AppError("framework_version_not_bumped", 409);
  if (file.state === "older") throw new AppError("framework_older", 409);
  const framework = file.framework!;
  return db.transaction().execute(async (trx) => {
    const id = newId();
    await trx
      .insertInto("framework_version")
      .values({ id, framework_id: framework.id, version: framework.version, content: canonicalJson(framework), sha256: file.sha256!, published_at: Date.now(), published_by: actor.userId })
      .execute();
    await recordAudit(trx, actor, { action: "framework.published", targetType: "framework_version", targetId: id, details: { framework: framework.id, version: framework.version, sha256: file.sha256 } });
    return id;
  });
}

/**
 * At start-up: a framework that has never been published gets its file published, so that a new
 * portal can be used at once. Later versions are published by a staff admin.
 */
export async function publishMissingFrameworks(db: Db, actor: Actor, dir?: string): Promise<string[]> {
  const files = readFrameworkFiles(dir);
  const current = await getCurrentFrameworks(db);
  const published: string[] = [];
  for (const f of files) {
    if (!f.framework || f.problems.length || current.has(f.framework.id)) continue;
    await publishFramework(db, actor, f.framework.id, files);
    published.push(`${f.framework.id} ${f.framework.version}`);
  }
  return published;
}
