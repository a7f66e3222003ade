/**
 * Supporting files of a collaborative action: checked and stored exactly as assessment evidence is
 * (type by content, once per SHA-256 in evidence_file), served only to the action's organisation and
 * NGO staff, always as a download (evidenceDownload).
 */
import type { Db } from "#db/dialect";
import { checkUpload, storeFileContent } from "~/modules/assessments/evidence.server";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { MAX_FILES_PER_ACTION } from "./types";

async function actionOf(db: Db, actionId: string, organisationId: string) {
  const action = await db.selectFrom("collab_action").select(["id", "organisation_id"]).where("id", "=", actionId).where("organisation_id", "=", organisationId).executeTakeFirst();
  if (!action) throw new AppError("not_found", 404);
  return action;
}

export async function addActionFile(db: Db, actor: Actor, organisationId: string, actionId: string, file: { name: string; bytes: Uint8Array }) {
  const checked = checkUpload(file);
  await actionOf(db, actionId, organisationId);
  const count = await db.selectFrom("collab_file").select((eb) => eb.fn.countAll<number>().as("n")).where("action_id", "=", actionId).executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_FILES_PER_ACTION) throw new AppError("collab_too_many_files", 409, { params: { max: MAX_FILES_PER_ACTION } });
  return db.transaction().execute(async (trx) => {
    await storeFileContent(trx, checked.sha256, file.bytes);
    const id = newId();
    await trx
      .insertInto("collab_file")
      .values({ id, action_id: actionId, file_name: checked.name, mime: checked.mime, size: checked.size, sha256: checked.sha256, created_at: Date.now(), created_by: actor.userId })
      .execute();
    await recordAudit(trx, actor, { action: "collab.file_added", organisationId, targetType: "collab_action", targetId: actionId, details: { fileId: id, name: checked.name, sha256: checked.sha256, size: checked.size } });
    return { id, sha256: checked.sha256 };
  });
}

export async function removeActionFile(db: Db, actor: Actor, organisationId: string, actionId: string, fileId: string) {
  await actionOf(db, actionId, organisationId);
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("collab_file").select(["id", "file_name", "sha256"]).where("id", "=", fileId).where("action_id", "=", actionId).executeTakeFirst();
    if (!row) throw new AppError("not_found", 404);
    // Of two removals at once only one deletes the row and is audited; the other finds nothing.
    const deleted = await trx.deleteFrom("collab_file").where("id", "=", fileId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new AppError("not_found", 404);
    await recordAudit(trx, actor, { action: "collab.file_removed", organisationId, targetType: "collab_action", targetId: actionId, details: { fileId, name: row.file_name, sha256: row.sha256 } });
  });
}

/** A file for download: `organisationId` limits it to that organisation's actions; staff pass null. */
export async function getActionFile(db: Db, actionId: string, fileId: string, organisationId: string | null) {
  let q = db
    .selectFrom("collab_file as f")
    .innerJoin("collab_action as a", "a.id", "f.action_id")
    .innerJoin("evidence_file as e", "e.sha256", "f.sha256")
    .select(["f.file_name", "f.mime", "e.content", "e.sha256"])
    .where("f.id", "=", fileId)
    .where("f.action_id", "=", actionId);
  if (organisationId !== null) q = q.where("a.organisation_id", "=", organisationId);
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError("not_found", 404);
  return { name: row.file_name, mime: row.mime, content: Buffer.from(row.content), sha256: row.sha256 };
}
