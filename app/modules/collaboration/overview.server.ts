/**
 * The NGO's view across all companies: a year's actions per type and per industry with the people
 * trained and the reach (cancelled actions left out), and CSV exports.
 */
import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { INDUSTRIES, type Industry } from "~/modules/organisations/schema";
import { toCsv } from "~/utils/csv";
import { allActions, type ActionFilter, type ActionRecord } from "./collaboration.server";
import { ACTION_TYPES } from "./types";

export interface OverviewRow {
  actions: number;
  confirmed: number;
  peopleTrained: number;
  reach: number;
}

const empty = (): OverviewRow => ({ actions: 0, confirmed: 0, peopleTrained: 0, reach: 0 });
const add = (into: OverviewRow, r: OverviewRow) => {
  into.actions += r.actions;
  into.confirmed += r.confirmed;
  into.peopleTrained += r.peopleTrained;
  into.reach += r.reach;
};

/**
 * A year's actions per type and per industry. Two passes over the year's part of
 * collab_action_year_idx (it covers every column summed): one grouped by type, one by organisation
 * (in the index's order); the industries are added up here from the organisations' own rows.
 */
export async function collabOverview(db: Db, year: number) {
  const sums = [
    sql<number>`count(*)`.as("actions"),
    sql<number>`sum(case when a.confirmation = 'confirmed' then 1 else 0 end)`.as("confirmed"),
    sql<number>`coalesce(sum(a.people_trained), 0)`.as("peopleTrained"),
    sql<number>`coalesce(sum(a.reach), 0)`.as("reach"),
  ] as const;
  const base = db.selectFrom("collab_action as a").where("a.year", "=", year).where("a.status", "!=", "cancelled");
  const [types, perOrganisation, organisations] = await Promise.all([
    base.select(["a.type", ...sums]).groupBy("a.type").execute(),
    base.select(["a.organisation_id", ...sums]).groupBy("a.organisation_id").execute(),
    db.selectFrom("organisation").select(["id", "industry"]).execute(),
  ]);
  const figures = (r: { actions: unknown; confirmed: unknown; peopleTrained: unknown; reach: unknown }): OverviewRow => ({
    actions: Number(r.actions),
    confirmed: Number(r.confirmed ?? 0),
    peopleTrained: Number(r.peopleTrained),
    reach: Number(r.reach),
  });
  const industryOf = new Map(organisations.map((o) => [o.id, o.industry as Industry]));
  const industries = new Map<Industry, OverviewRow & { companies: number }>(INDUSTRIES.map((i) => [i, { ...empty(), companies: 0 }]));
  for (const o of perOrganisation) {
    const industry = industries.get(industryOf.get(o.organisation_id)!);
    if (!industry) continue;
    add(industry, figures(o));
    industry.companies += 1;
  }
  const byType = ACTION_TYPES.map((type) => {
    const row = types.find((t) => t.type === type);
    return { type, ...(row ? figures(row) : empty()) };
  });
  const totals = empty();
  for (const r of byType) add(totals, r);
  return { year, byType, byIndustry: INDUSTRIES.map((industry) => ({ industry, ...industries.get(industry)! })), totals };
}

export type CollabOverview = Awaited<ReturnType<typeof collabOverview>>;

/** The overview as CSV: one row per type, then one per industry. */
export function overviewCsv(overview: CollabOverview) {
  return toCsv([
    ["year", "group", "key", "companies", "actions", "confirmed", "people_trained", "reach"],
    ...overview.byType.map((r) => [overview.year, "type", r.type, null, r.actions, r.confirmed, r.peopleTrained, r.reach]),
    ...overview.byIndustry.map((r) => [overview.year, "industry", r.industry, r.companies, r.actions, r.confirmed, r.peopleTrained, r.reach]),
    [overview.year, "total", "all", null, overview.totals.actions, overview.totals.confirmed, overview.totals.peopleTrained, overview.totals.reach],
  ]);
}

const CSV_HEADER = [
  "id",
  "organisation",
  "type",
  "title",
  "starts_on",
  "ends_on",
  "status",
  "confirmation",
  "confirmed_revision",
  "revision",
  "on_behalf",
  "people_company",
  "people_ngo",
  "people_trained",
  "reach",
  "amount",
  "currency",
  "reports_handled",
  "items_taken_down",
  "links",
  "description",
];

const csvRow = (a: ActionRecord) => [
  a.id,
  a.organisationName,
  a.type,
  a.title,
  a.startsOn,
  a.endsOn,
  a.status,
  a.confirmation,
  a.confirmedRevision,
  a.revision,
  a.onBehalf ? 1 : 0,
  a.peopleCompany,
  a.peopleNgo,
  a.peopleTrained,
  a.reach,
  a.amount,
  a.currency,
  a.reportsHandled,
  a.itemsTakenDown,
  a.links.join(" "),
  a.description,
];

/** The actions a filter finds, as CSV (a company's own, or every company's for staff). */
export async function actionsCsv(db: Db, organisationId: string | null, filter: Omit<ActionFilter, "after">) {
  const rows: ReturnType<typeof csvRow>[] = [];
  for await (const a of allActions(db, organisationId, filter)) rows.push(csvRow(a));
  return toCsv([CSV_HEADER, ...rows]);
}
