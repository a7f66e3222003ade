/**
 * Evidence for an answer: a link, or a small file (PDF, image, office document). A file's type is
 * decided by its content, never by its name; it is stored once per SHA-256 and served only to the
 * organisation and NGO staff, always as a download.
 */
import type { Db } from "#db/dialect";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { sha256Hex } from "~/utils/crypto.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { EDITABLE, loadAssessment } from "./assessments.server";

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;
export const MAX_EVIDENCE_PER_QUESTION = 10;

const startsWith = (bytes: Uint8Array, ...signature: number[]) => signature.every((b, i) => bytes[i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");

/** The file's real type from its first bytes, with the extensions it may carry; null when not allowed. */
export function sniffEvidenceType(bytes: Uint8Array, fileName: string): { mime: string } | null {
  const ext = fileName.toLowerCase().split(".").pop() ?? "";
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46, 0x2d)) return ext === "pdf" ? { mime: "application/pdf" } : null; // %PDF-
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return ext === "png" ? { mime: "image/png" } : null;
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return ext === "jpg" || ext === "jpeg" ? { mime: "image/jpeg" } : null;
  if (startsWith(bytes, 0x52, 0x49, 0x46, 0x46) && ascii(bytes, 8, 12) === "WEBP") return ext === "webp" ? { mime: "image/webp" } : null;
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    // Office Open XML and OpenDocument files are ZIP archives; their names must say which.
    const zipTypes: Record<string, string> = {
      docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      odt: "application/vnd.oasis.opendocument.text",
      ods: "application/vnd.oasis.opendocument.spreadsheet",
      odp: "application/vnd.oasis.opendocument.presentation",
    };
    const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4096))).toString("latin1");
    const looksOffice = head.includes("[Content_Types].xml") || head.includes("word/") || head.includes("xl/") || head.includes("ppt/") || head.includes("mimetypeapplication/vnd.oasis");
    return zipTypes[ext] && looksOffice ? { mime: zipTypes[ext]! } : null;
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    const oleTypes: Record<string, string> = { doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint" };
    return oleTypes[ext] ? { mime: oleTypes[ext]! } : null;
  }
  return null;
}

async function editableQuestion(db: Db, organisationId: string, assessmentId: string, questionId: string) {
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  if (!EDITABLE.includes(loaded.assessment.status)) throw new AppError("assessment_locked", 409);
  const question = loaded.questions.get(questionId);
  if (!question || question.evidence === "none") throw new AppError("answer_unknown_question", 400);
  const count = await db
    .selectFrom("assessment_evidence")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("assessment_id", "=", assessmentId)
    .where("question_id", "=", questionId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_EVIDENCE_PER_QUESTION) throw new AppError("evidence_too_many", 409, { params: { max: MAX_EVIDENCE_PER_QUESTION } });
}

export async function addEvidenceLink(db: Db, actor: Actor, organisationId: string, assessmentId: string, questionId: string, url: string) {
  await editableQuestion(db, organisationId, assessmentId, questionId);
  return db.transaction().execute(async (trx) => {
    const id = newId();
    await trx
      .insertInto("assessment_evidence")
      .values({ id, assessment_id: assessmentId, question_id: questionId, kind: "link", url, file_name: null, mime: null, size: null, sha256: null, created_at: Date.now(), created_by: actor.userId })
      .execute();
    await recordAudit(trx, actor, { action: "assessment.evidence_added", organisationId, targetType: "assessment", targetId: assessmentId, details: { questionId, kind: "link", url } });
    return id;
  });
}

/** The file a multipart form sent under `field`, refused when missing, empty or too large. */
export async function readUpload(files: Map<string, File>, field = "file"): Promise<{ name: string; bytes: Uint8Array }> {
  const file = files.get(field);
  if (!file || file.size === 0) throw new AppError("evidence_empty", 400, { fieldErrors: { file: "evidence_empty" } });
  if (file.size > MAX_EVIDENCE_BYTES) throw new AppError("evidence_too_large", 413, { fieldErrors: { file: "evidence_too_large" } });
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/**
 * Checks an uploaded file: not empty, at most MAX_EVIDENCE_BYTES, a type allowed by its content (and
 * agreeing with its name). Returns the name to keep, the type and the SHA-256.
 */
export function checkUpload(file: { name: string; bytes: Uint8Array }) {
  if (file.bytes.length === 0) throw new AppError("evidence_empty", 400, { fieldErrors: { file: "evidence_empty" } });
  if (file.bytes.length > MAX_EVIDENCE_BYTES) throw new AppError("evidence_too_large", 413, { fieldErrors: { file: "evidence_too_large" } });
  const type = sniffEvidenceType(file.bytes, file.name);
  if (!type) throw new AppError("evidence_type", 415, { fieldErrors: { file: "evidence_type" } });
  const sha256 = sha256Hex(Buffer.from(file.bytes));
  // eslint-disable-next-line no-control-regex -- control characters and path separators leave the name
  const name = file.name.replace(/[\u0000-\u001f\u007f/\\]/g, "_").slice(-200) || "evidence";
  return { name, mime: type.mime, sha256, size: file.bytes.length };
}

/** Stores a checked file's content once per SHA-256; call it in the transaction that links it. */
export async function storeFileContent(trx: Db, sha256: string, bytes: Uint8Array) {
  const stored = await trx.selectFrom("evidence_file").select("sha256").where("sha256", "=", sha256).executeTakeFirst();
  if (!stored) await trx.insertInto("evidence_file").values({ sha256, content: Buffer.from(bytes), size: bytes.length, created_at: Date.now() }).execute();
}

export async function addEvidenceFile(db: Db, actor: Actor, organisationId: string, assessmentId: string, questionId: string, file: { name: string; bytes: Uint8Array }) {
  const { name, mime, sha256, size } = checkUpload(file);
  await editableQuestion(db, organisationId, assessmentId, questionId);
  return db.transaction().execute(async (trx) => {
    await storeFileContent(trx, sha256, file.bytes);
    const id = newId();
    await trx
      .insertInto("assessment_evidence")
      .values({ id, assessment_id: assessmentId, question_id: questionId, kind: "file", url: null, file_name: name, mime, size, sha256, created_at: Date.now(), created_by: actor.userId })
      .execute();
    await recordAudit(trx, actor, { action: "assessment.evidence_added", organisationId, targetType: "assessment", targetId: assessmentId, details: { questionId, kind: "file", name, sha256, size } });
    return { id, sha256 };
  });
}

export async function removeEvidence(db: Db, actor: Actor, organisationId: string, assessmentId: string, evidenceId: string) {
  const loaded = await loadAssessment(db, assessmentId, organisationId);
  if (!EDITABLE.includes(loaded.assessment.status)) throw new AppError("assessment_locked", 409);
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("assessment_evidence").select(["id", "question_id"]).where("id", "=", evidenceId).where("assessment_id", "=", assessmentId).executeTakeFirst();
    if (!row) throw new AppError("not_found", 404);
    // Of two removals at once only one deletes the row and is audited; the other finds nothing.
    const deleted = await trx.deleteFrom("assessment_evidence").where("id", "=", evidenceId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new AppError("not_found", 404);
    await recordAudit(trx, actor, { action: "assessment.evidence_removed", organisationId, targetType: "assessment", targetId: assessmentId, details: { questionId: row.question_id, evidenceId } });
  });
}

export async function listEvidence(db: Db, assessmentId: string) {
  const rows = await db
    .selectFrom("assessment_evidence")
    .select(["id", "question_id", "kind", "url", "file_name", "mime", "size", "sha256", "created_at"])
    .where("assessment_id", "=", assessmentId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, questionId: r.question_id, kind: r.kind, url: r.url, fileName: r.file_name, mime: r.mime, size: r.size === null ? null : Number(r.size), sha256: r.sha256, createdAt: Number(r.created_at) }));
}

/**
 * An evidence file for download. `organisationId` limits it to that organisation's assessments;
 * NGO staff pass null.
 */
export async function getEvidenceFile(db: Db, evidenceId: string, organisationId: string | null) {
  let q = db
    .selectFrom("assessment_evidence as e")
    .innerJoin("assessment as a", "a.id", "e.assessment_id")
    .innerJoin("evidence_file as f", "f.sha256", "e.sha256")
    .select(["e.file_name", "e.mime", "f.content", "f.sha256"])
    .where("e.id", "=", evidenceId)
    .where("e.kind", "=", "file");
  if (organisationId !== null) q = q.where("a.organisation_id", "=", organisationId);
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return { name: row.file_name ?? "evidence", mime: row.mime ?? "application/octet-stream", content: Buffer.from(row.content), sha256: row.sha256 };
}
