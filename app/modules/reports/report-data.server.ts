/**
 * Gathers what a commitment report says (`ReportData`) from the database, in the report's language.
 * Everything that depends on time is read as of `issuedAt`, so the value (stored with the report)
 * fully determines the PDF.
 */
import type { Db } from "#db/dialect";
import { loadAssessment, resultsOf } from "~/modules/assessments/assessments.server";
import { industryComparison, trendOf } from "~/modules/assessments/insights.server";
import { PLAN_STATUSES, listPlan } from "~/modules/assessments/plan.server";
import { actionsOfPeriod } from "~/modules/collaboration/collaboration.server";
import { FIGURES, FIGURES_BY_TYPE, type Figure } from "~/modules/collaboration/types";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import type { Language } from "~/modules/i18n/i18n";
import { getT } from "~/modules/i18n/i18n.server";
import { countryName } from "~/modules/organisations/countries";
import type { Industry } from "~/modules/organisations/schema";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { REPORT_DATA_VERSION, type ReportData } from "./types";

const MAX_GAPS = 10;
const LOCALES: Record<Language, string> = { sv: "sv-SE", en: "en-GB" };

export interface ReportDataInput {
  id: string;
  organisationId: string;
  period: number;
  language: Language;
  issuedAt: number;
}

export async function buildReportData(db: Db, input: ReportDataInput): Promise<ReportData> {
  const { organisationId, period, language, issuedAt } = input;
  const t = await getT(language);
  const org = await db.selectFrom("organisation").select(["name", "org_number", "industry", "country"]).where("id", "=", organisationId).executeTakeFirst();
  if (!org) throw new AppError("not_found", 404);
  const approved = await db
    .selectFrom("organisation_status_event")
    .select("at")
    .where("organisation_id", "=", organisationId)
    .where("to_status", "=", "approved")
    .where("at", "<=", issuedAt)
    .orderBy("at", "desc")
    .executeTakeFirst();
  const number = new Intl.NumberFormat(LOCALES[language]);

  const [commitment, assessment, plan, actions, hashlist] = await Promise.all([
    commitmentOf(db, organisationId, period, issuedAt),
    assessmentOf(db, organisationId, org.industry as Industry, period, language),
    listPlan(db, organisationId),
    actionsOfPeriod(db, organisationId, period),
    hashlistOf(db, organisationId, language, issuedAt),
  ]);

  const figureLabel = (f: Figure) => t(`collabFigure.${f}`);
  const formatFigure = (f: Figure, value: number, currency: string | null) => (f === "amount" && currency ? `${number.format(value)} ${currency}` : number.format(value));
  const totals: { label: string; value: string }[] = [];
  for (const f of FIGURES) {
    if (f === "amount") {
      const byCurrency = new Map<string, number>();
      for (const a of actions) if (a.content.amount !== null && a.content.currency) byCurrency.set(a.content.currency, (byCurrency.get(a.content.currency) ?? 0) + a.content.amount);
      for (const [currency, sum] of [...byCurrency].sort(([x], [y]) => x.localeCompare(y))) totals.push({ label: figureLabel(f), value: formatFigure(f, sum, currency) });
      continue;
    }
    const values = actions.map((a) => a.content[f]).filter((v): v is number => v !== null);
    if (values.length) totals.push({ label: figureLabel(f), value: number.format(values.reduce((s, v) => s + v, 0)) });
  }

  const statusCounts = PLAN_STATUSES.map((status) => ({ status, label: t(`planStatus.${status}`), count: plan.filter((i) => i.status === status).length }));
  return {
    version: REPORT_DATA_VERSION,
    id: input.id,
    language,
    issuedAt,
    verifyUrl: `${getEnv().APP_URL}/verify/${input.id}`,
    period,
    organisation: {
      name: org.name,
      orgNumber: org.org_number,
      industry: t(`industries.${org.industry}`),
      country: countryName(org.country, language),
      approvedAt: approved ? Number(approved.at) : null,
    },
    commitment,
    assessment,
    plan: {
      items: plan.map((i) => ({ action: i.action, status: i.status, statusLabel: t(`planStatus.${i.status}`), dueDate: i.dueDate })),
      counts: statusCounts,
      done: plan.filter((i) => i.status === "done").length,
      total: plan.filter((i) => i.status !== "dropped").length,
    },
    actions: {
      items: actions.map((a) => ({
        title: a.content.title,
        typeLabel: t(`collabType.${a.content.type}`),
        startsOn: a.content.startsOn,
        endsOn: a.content.endsOn,
        statusLabel: t(`collabStatus.${a.content.status}`),
        confirmed: a.confirmed,
        figures: FIGURES_BY_TYPE[a.content.type]
          .filter((f) => a.content[f] !== null)
          .map((f) => ({ label: figureLabel(f), value: formatFigure(f, a.content[f]!, a.content.currency) })),
      })),
      totals: { count: actions.length, confirmed: actions.filter((a) => a.confirmed).length, figures: totals },
    },
    hashlist: {
      state: t(hashlist.active ? "reports.hashlistActive" : hashlist.approved ? "reports.hashlistInactive" : "reports.hashlistNotApproved"),
      active: hashlist.active,
      lists: hashlist.lists,
      activeKeys: hashlist.activeKeys,
      lastSyncAt: hashlist.lastSyncAt,
    },
    confirmation: {
      ngoName: getEnv().BRAND_NAME,
      assessmentConfirmed: assessment?.status === "approved",
      confirmedActions: actions.filter((a) => a.confirmed).length,
    },
  };
}

/** The newest commitment signed for the period before the report was issued. */
async function commitmentOf(db: Db, organisationId: string, period: number, issuedAt: number): Promise<ReportData["commitment"]> {
  const row = await db
    .selectFrom("commitment_signature as s")
    .innerJoin("agreement_version as v", "v.id", "s.agreement_version_id")
    .select(["s.title", "s.text", "s.sha256", "s.signer_name", "s.signer_title", "s.signed_at", "s.method", "v.version"])
    .where("s.organisation_id", "=", organisationId)
    .where("s.period", "=", period)
    .where("s.signed_at", "<=", issuedAt)
    .orderBy("s.signed_at", "desc")
    .orderBy("s.id", "desc")
    .executeTakeFirst();
  if (!row) return null;
  return { title: row.title, version: row.version, text: row.text, signerName: row.signer_name, signerTitle: row.signer_title, signedAt: Number(row.signed_at), method: row.method, sha256: row.sha256 };
}

/** The period's assessment once it has been submitted (a draft says nothing yet). */
async function assessmentOf(db: Db, organisationId: string, industry: Industry, period: number, language: Language): Promise<ReportData["assessment"]> {
  const row = await db
    .selectFrom("assessment as a")
    .leftJoin("user as u", "u.id", "a.decided_by")
    .select(["a.id", "a.status", "a.score", "a.maturity_level", "a.decided_at", "u.name as reviewer"])
    .where("a.organisation_id", "=", organisationId)
    .where("a.year", "=", period)
    .where("a.status", "in", ["submitted", "approved", "returned"])
    .executeTakeFirst();
  if (!row) return null;
  const loaded = await loadAssessment(db, row.id, organisationId);
  const results = resultsOf(loaded);
  const [trend, comparison] = await Promise.all([trendOf(db, organisationId, period), industryComparison(db, organisationId, industry, period)]);
  const core = loaded.frameworks.find((f) => f.frameworkId === "core")?.framework;
  const level = row.maturity_level === null ? results.maturityLevel : Number(row.maturity_level);
  const sectionTitle = new Map(loaded.frameworks.flatMap((f) => f.framework.sections).map((s) => [s.id, s.title[language]]));
  return {
    year: period,
    status: row.status as "submitted" | "approved" | "returned",
    score: row.score === null ? results.overall : Number(row.score),
    maturity: level === null || !core?.maturityLevels?.[level] ? null : { level, label: core.maturityLevels[level]!.name[language] },
    sections: results.sections.map((s) => ({
      id: s.section.id,
      title: s.section.title[language],
      score: s.score,
      industryMedian: comparison.available ? (comparison.sections[s.section.id] ?? null) : null,
    })),
    trend: trend.map((x) => ({ year: x.year, score: x.score })),
    comparison: comparison.available ? { available: true, peers: comparison.peers, overall: comparison.overall } : { available: false, peers: comparison.peers },
    gaps: results.gaps.slice(0, MAX_GAPS).map((g) => ({ section: sectionTitle.get(g.sectionId) ?? g.sectionId, question: g.question.text[language], recommendation: g.recommendation?.[language] ?? null })),
    review: row.status === "approved" && row.decided_at !== null ? { decidedAt: Number(row.decided_at), reviewerName: row.reviewer ?? "" } : null,
  };
}

/** Hash-list use without any key material: access, lists, keys in force and the last synchronisation. */
async function hashlistOf(db: Db, organisationId: string, language: Language, at: number) {
  const access = await getHashlistAccess(db, organisationId);
  const [inForce, used] = await Promise.all([
    db
      .selectFrom("api_key")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organisation_id", "=", organisationId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", at)
      .executeTakeFirst(),
    db.selectFrom("api_key").select((eb) => eb.fn.max("last_used_at").as("last")).where("organisation_id", "=", organisationId).executeTakeFirst(),
  ]);
  const last = used?.last;
  return {
    active: access.active,
    approved: access.approved,
    lists: access.granted.map((l) => l.name[language]),
    activeKeys: access.active ? Number(inForce?.n ?? 0) : 0,
    lastSyncAt: last === null || last === undefined ? null : Number(last),
  };
}
