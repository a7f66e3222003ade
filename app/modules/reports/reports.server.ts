/**
 * Commitment reports: a company signs its commitment for a year; a report for the year is issued as a
 * PDF (on request, or when the NGO approves the year's assessment); every issued report is kept with
 * its SHA-256 and the data it was rendered from; staff may withdraw one with a reason; anyone holding
 * the PDF can check it at `/verify/<id>`. See docs/decisions/0015-commitment-report-pdf.md.
 */
import crypto from "node:crypto";
import type { Db } from "#db/dialect";
import { fromJson } from "#db/json";
import type { ReportStatus, ReportTrigger } from "#db/schema";
import { getCurrentAgreement, type AgreementVersion } from "~/modules/agreements/agreements.server";
import { recordAudit, type Actor } from "~/modules/audit/audit.server";
import { reconfirmIdentity } from "~/modules/auth/auth.server";
import { consume } from "~/modules/auth/rate-limit.server";
import { toLanguage, type Language } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { safeEqual, sha256Hex } from "~/utils/crypto.server";
import { renderReport } from "./pdf/render.server";
import { buildReportData } from "./report-data.server";
import type { ReportData } from "./types";

// ---------------------------------------------------------------------------------------------
// Identifiers

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** 26 base32 characters: 130 bits, of which 128 from the CSPRNG. Lower case, no look-alike digits 0/1. */
export const REPORT_ID_PATTERN = /^[a-z2-7]{26}$/;

export function newReportId(): string {
  const bytes = crypto.randomBytes(17);
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Which years a company may sign for and report on: from last year to next year. */
export function periodRange(now = Date.now()) {
  const year = new Date(now).getUTCFullYear();
  return { min: year - 1, max: year + 1 };
}

function assertPeriod(period: number) {
  const { min, max } = periodRange();
  if (!Number.isInteger(period) || period < min || period > max) throw new AppError("report_period_invalid", 400, { fieldErrors: { period: "report_period_invalid" } });
}

// ---------------------------------------------------------------------------------------------
// The commitment

export interface Signature {
  id: string;
  period: number;
  version: string;
  language: Language;
  title: string;
  text: string;
  sha256: string;
  signerName: string;
  signerTitle: string;
  method: "password" | "totp";
  signedAt: number;
}

export async function currentCommitment(db: Db): Promise<AgreementVersion | null> {
  return getCurrentAgreement(db, "commitment");
}

/** The organisation's signatures, newest first. */
export async function listSignatures(db: Db, organisationId: string): Promise<Signature[]> {
  const rows = await db
    .selectFrom("commitment_signature as s")
    .innerJoin("agreement_version as v", "v.id", "s.agreement_version_id")
    .select(["s.id", "s.period", "v.version", "s.language", "s.title", "s.text", "s.sha256", "s.signer_name", "s.signer_title", "s.method", "s.signed_at"])
    .where("s.organisation_id", "=", organisationId)
    .orderBy("s.signed_at", "desc")
    .orderBy("s.id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    period: Number(r.period),
    version: r.version,
    language: toLanguage(r.language),
    title: r.title,
    text: r.text,
    sha256: r.sha256,
    signerName: r.signer_name,
    signerTitle: r.signer_title,
    method: r.method,
    signedAt: Number(r.signed_at),
  }));
}

export interface SignInput {
  period: number;
  /** The version and language the signer was shown: only the version in force may be signed. */
  versionId: string;
  language: Language;
  signerTitle: string;
  password?: string;
  code?: string;
}

/**
 * Signs the commitment in force for a year, in the language it was shown, after the signer
 * re-confirmed with their password or second factor. The title and text are stored exactly as shown,
 * with their SHA-256; the signer's name is the account's name.
 */
export async function signCommitment(db: Db, actor: Actor & { userId: string }, organisationId: string, input: SignInput): Promise<string> {
  assertPeriod(input.period);
  const current = await currentCommitment(db);
  if (!current || current.id !== input.versionId) throw new AppError("agreement_outdated", 409);
  const method = await reconfirmIdentity(db, actor, actor.userId, { password: input.password, code: input.code });
  const user = await db.selectFrom("user").select(["name"]).where("id", "=", actor.userId).executeTakeFirstOrThrow();
  const title = current.title[input.language];
  const text = current.text[input.language];
  const row = {
    id: newId(),
    organisation_id: organisationId,
    period: input.period,
    agreement_version_id: current.id,
    language: input.language,
    title,
    text,
    sha256: sha256Hex(`${title}\n\n${text}`),
    signer_user_id: actor.userId,
    signer_name: user.name.slice(0, 200),
    signer_title: input.signerTitle.trim().slice(0, 200),
    method,
    signed_at: Date.now(),
    ip: actor.ip?.slice(0, 64) ?? null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("commitment_signature").values(row).execute();
    await recordAudit(trx, actor, {
      action: "commitment.signed",
      organisationId,
      targetType: "commitment_signature",
      targetId: row.id,
      details: { period: row.period, version: current.version, language: row.language, method, sha256: row.sha256 },
    });
  });
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// Issuing

export interface ReportSummary {
  id: string;
  organisationId: string;
  organisationName: string;
  period: number;
  language: Language;
  trigger: ReportTrigger;
  sha256: string;
  size: number;
  pages: number;
  issuedAt: number;
  issuedByName: string | null;
  status: ReportStatus;
  withdrawnAt: number | null;
  withdrawnReason: string | null;
}

const SUMMARY_COLUMNS = [
  "r.id",
  "r.organisation_id",
  "o.name as organisation_name",
  "r.period",
  "r.language",
  "r.trigger",
  "r.sha256",
  "r.size",
  "r.pages",
  "r.issued_at",
  "r.issued_by_name",
  "r.status",
  "r.withdrawn_at",
  "r.withdrawn_reason",
] as const;

type SummaryRow = {
  id: string;
  organisation_id: string;
  organisation_name: string;
  period: number;
  language: string;
  trigger: ReportTrigger;
  sha256: string;
  size: number;
  pages: number;
  issued_at: number;
  issued_by_name: string | null;
  status: ReportStatus;
  withdrawn_at: number | null;
  withdrawn_reason: string | null;
};

const toSummary = (r: SummaryRow): ReportSummary => ({
  id: r.id,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  period: Number(r.period),
  language: toLanguage(r.language),
  trigger: r.trigger,
  sha256: r.sha256,
  size: Number(r.size),
  pages: Number(r.pages),
  issuedAt: Number(r.issued_at),
  issuedByName: r.issued_by_name,
  status: r.status,
  withdrawnAt: r.withdrawn_at === null ? null : Number(r.withdrawn_at),
  withdrawnReason: r.withdrawn_reason,
});

/** pdfkit writes every page object as `/Type /Page` (uncompressed): the count is the page count. */
/**
 * Issues a report: gathers the data as of now, renders the PDF and keeps both with the file's SHA-256.
 * The organisation must exist and not be rejected; who may ask is the caller's check (route or job).
 */
export async function issueReport(
  db: Db,
  actor: Actor,
  organisationId: string,
  input: { period: number; language: Language; trigger: ReportTrigger },
): Promise<ReportSummary> {
  if (input.trigger === "request") assertPeriod(input.period);
  const org = await db.selectFrom("organisation").select(["status"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new AppError("not_found", 404);
  if (org.status !== "approved") throw new AppError("report_not_approved", 403);
  const issuer = actor.userId ? await db.selectFrom("user").select(["name"]).where("id", "=", actor.userId).executeTakeFirst() : undefined;
  const id = newReportId();
  const issuedAt = Date.now();
  const data = await buildReportData(db, { id, organisationId, period: input.period, language: input.language, issuedAt });
  const { pdf, pages } = await renderReport(data);
  const row = {
    id,
    organisation_id: organisationId,
    period: input.period,
    language: input.language,
    trigger: input.trigger,
    sha256: sha256Hex(pdf),
    size: pdf.length,
    pages,
    data: JSON.stringify(data),
    content: pdf,
    issued_at: issuedAt,
    issued_by: actor.userId,
    issued_by_name: issuer?.name.slice(0, 200) ?? null,
    status: "valid" as const,
    withdrawn_at: null,
    withdrawn_by: null,
    withdrawn_reason: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("report").values(row).execute();
    await recordAudit(trx, actor, {
      action: "report.issued",
      organisationId,
      targetType: "report",
      targetId: id,
      details: { period: input.period, language: input.language, trigger: input.trigger, sha256: row.sha256, pages: row.pages },
    });
  });
  return (await getReport(db, id, organisationId))!;
}

/**
 * When the NGO approves an assessment, the year's report is issued in the language of whoever
 * submitted it, and the company's compliance officers and admins are told. A failure here never undoes
 * the approval: it is logged, and the company can issue the report itself.
 */
export async function issueAfterApproval(db: Db, actor: Actor, assessmentId: string): Promise<ReportSummary> {
  const a = await db
    .selectFrom("assessment as a")
    .leftJoin("user as u", "u.id", "a.submitted_by")
    .select(["a.organisation_id", "a.year", "a.status", "u.locale"])
    .where("a.id", "=", assessmentId)
    .executeTakeFirst();
  if (!a || a.status !== "approved") throw new AppError("not_found", 404);
  const report = await issueReport(db, actor, a.organisation_id, { period: Number(a.year), language: toLanguage(a.locale), trigger: "assessment_approved" });
  const recipients = await peopleToTell(db, a.organisation_id);
  await db.transaction().execute(async (trx) => {
    for (const p of recipients) {
      await queueMail(trx, {
        to: p.email,
        language: toLanguage(p.locale),
        template: "report_issued",
        params: { name: p.name, organisation: report.organisationName, year: String(report.period) },
        link: `${getEnv().APP_URL}/app/reports/${report.id}`,
      });
    }
  });
  return report;
}

/** Compliance officers and organisation admins: those who answer for the commitment. */
async function peopleToTell(db: Db, organisationId: string) {
  const rows = await db
    .selectFrom("membership as m")
    .innerJoin("membership_role as r", "r.membership_id", "m.id")
    .innerJoin("user as u", "u.id", "m.user_id")
    .select(["u.id", "u.email", "u.name", "u.locale"])
    .distinct()
    .where("m.organisation_id", "=", organisationId)
    .where("r.role", "in", ["compliance_officer", "org_admin"])
    .where("u.disabled_at", "is", null)
    .orderBy("u.id")
    .execute();
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Reports newest first: one organisation's (`organisationId`), or all for staff (`null`). */
export async function listReports(db: Db, organisationId: string | null, filter: { status?: ReportStatus } = {}, limit = 200): Promise<ReportSummary[]> {
  let q = db.selectFrom("report as r").innerJoin("organisation as o", "o.id", "r.organisation_id").select(SUMMARY_COLUMNS);
  if (organisationId !== null) q = q.where("r.organisation_id", "=", organisationId);
  if (filter.status) q = q.where("r.status", "=", filter.status);
  const rows = await q.orderBy("r.issued_at", "desc").orderBy("r.id", "desc").limit(limit).execute();
  return rows.map(toSummary);
}

/** A report, only within its organisation (`organisationId`) or for staff (`null`): another's is not found. */
export async function getReport(db: Db, id: string, organisationId: string | null): Promise<ReportSummary | null> {
  const row = REPORT_ID_PATTERN.test(id) ? await reportQuery(db, id, organisationId).select(SUMMARY_COLUMNS).executeTakeFirst() : undefined;
  return row ? toSummary(row) : null;
}

/** The PDF of a report, under the same rule as getReport. */
export async function reportFile(db: Db, id: string, organisationId: string | null): Promise<{ content: Buffer; fileName: string; sha256: string } | null> {
  const row = REPORT_ID_PATTERN.test(id) ? await reportQuery(db, id, organisationId).select([...SUMMARY_COLUMNS, "r.content"]).executeTakeFirst() : undefined;
  if (!row) return null;
  const report = toSummary(row);
  return { content: Buffer.from(row.content), fileName: reportFileName(report), sha256: report.sha256 };
}

function reportQuery(db: Db, id: string, organisationId: string | null) {
  const q = db.selectFrom("report as r").innerJoin("organisation as o", "o.id", "r.organisation_id").where("r.id", "=", id);
  return organisationId === null ? q : q.where("r.organisation_id", "=", organisationId);
}

/** The data a report was rendered from (rendering it again gives the same bytes). */
export async function reportData(db: Db, id: string): Promise<ReportData | null> {
  const row = await db.selectFrom("report").select(["data"]).where("id", "=", id).executeTakeFirst();
  return row ? fromJson<ReportData | null>(row.data, null) : null;
}

export function reportFileName(report: Pick<ReportSummary, "organisationName" | "period" | "id" | "language">): string {
  const slug =
    report.organisationName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "company";
  return `${report.language === "sv" ? "atagande" : "commitment"}-${slug}-${report.period}-${report.id.slice(0, 8)}.pdf`;
}

// ---------------------------------------------------------------------------------------------
// Withdrawal and verification

/** Staff withdraw a report with a reason; its verification page then says so. Told to the company. */
export async function withdrawReport(db: Db, actor: Actor, id: string, reason: string): Promise<void> {
  const text = reason.trim();
  if (text.length < 5 || text.length > 1000) throw new AppError("report_reason_required", 400, { fieldErrors: { reason: "report_reason_required" } });
  const report = await getReport(db, id, null);
  if (!report) throw new AppError("not_found", 404);
  const recipients = await peopleToTell(db, report.organisationId);
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("report")
      .set({ status: "withdrawn", withdrawn_at: Date.now(), withdrawn_by: actor.userId, withdrawn_reason: text })
      .where("id", "=", id)
      .where("status", "=", "valid")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError("report_already_withdrawn", 409);
    await recordAudit(trx, actor, { action: "report.withdrawn", organisationId: report.organisationId, targetType: "report", targetId: id, details: { reason: text, period: report.period } });
    for (const p of recipients) {
      await queueMail(trx, {
        to: p.email,
        language: toLanguage(p.locale),
        template: "report_withdrawn",
        params: { name: p.name, organisation: report.organisationName, year: String(report.period), reason: text },
        link: `${getEnv().APP_URL}/app/reports/${id}`,
      });
    }
  });
}

/** What the public verification page shows: nothing beyond the company's name and the report's facts. */
export interface PublicReport {
  id: string;
  organisationName: string;
  period: number;
  issuedAt: number;
  status: ReportStatus;
  withdrawnAt: number | null;
  sha256: string;
}

export async function publicReport(db: Db, id: string): Promise<PublicReport | null> {
  const r = await getReport(db, id, null);
  return r && { id: r.id, organisationName: r.organisationName, period: r.period, issuedAt: r.issuedAt, status: r.status, withdrawnAt: r.withdrawnAt, sha256: r.sha256 };
}

/** A hash as people paste it: hex in either case, maybe with spaces or a `sha256:` prefix. */
export function normaliseSha256(value: string): string | null {
  const hex = value.trim().replace(/^sha-?256[:=]?/i, "").replace(/\s+/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

/**
 * Compares a pasted SHA-256 with the issued file's. Throttled per address, although ids are
 * unguessable, so the page cannot be used to probe at scale.
 */
export async function checkReportHash(db: Db, ip: string | null, report: PublicReport, value: string): Promise<"match" | "mismatch"> {
  await consume(db, [["verifyReportIp", ip ?? "unknown"]]);
  const hex = normaliseSha256(value);
  if (!hex) throw new AppError("report_hash_invalid", 400, { fieldErrors: { sha256: "report_hash_invalid" } });
  return safeEqual(hex, report.sha256) ? "match" : "mismatch";
}
