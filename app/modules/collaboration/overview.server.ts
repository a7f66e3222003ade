/**
 * The NGO's view across all companies: a year's actions per type and per industry with the people
 * trained and the reach (cancelled actions left out), and CSV exports.
 */
import { sql } from "kysely";
import type { Db } from "#db/dialect";
import { INDUSTRIES, type Industry } from "~/modules/organisations/schema";
import { toCsv } from "~/utils/csv";
import { allActions, type ActionFilter, type ActionRecord } from "./collaboration.server";
import { ACTION_TYPES, type ActionType } from "./types";

export interface OverviewRow {
  actions: number;
  confirmed: number;
  peopleTrained: number;
  reach: number;
}

const sums = {
  actions: sql<number>`count(*)`,
  confirmed: sql<number>`sum(case when a.confirmation = 'confirmed' then 1 else 0 end)`,
  peopleTrained: sql<number>`coalesce(sum(a.people_trained), 0)`,
  reach: sql<number>`coalesce(sum(a.reach), 0)`,
};

const figures = (r: { actions: unknown; confirmed: unknown; peopleTrained: unknown; reach: unknown }): OverviewRow => ({
  actions: Number(r.actions),
  confirmed: Number(r.confirmed ?? 0),
  peopleTrained: Number(r.peopleTrained),
  reach: Number(r.reach),
});

export async function collabOverview(db: Db, year: number) {
  const base = db.selectFrom("collab_action as a").where("a.year", "=", year).where("a.status", "!=", "cancelled");
  const [types, industries] = await Promise.all([
    base
      .select(["a.type", sums.actions.as("actions"), sums.confirmed.as("confirmed"), sums.peopleTrained.as("peopleTrained"), sums.reach.as("reach")])
      .groupBy("a.type")
      .execute(),
    base
      .innerJoin("organisation as o", "o.id", "a.organisation_id")
      .select([
        "o.industry",
        sql<number>`count(distinct a.organisation_id)`.as("companies"),
        sums.actions.as("actions"),
        sums.confirmed.as("confirmed"),
        sums.peopleTrained.as("peopleTrained"),
        sums.reach.as("reach"),
      ])
      .groupBy("o.industry")
      .execute(),
  ]);
  const byType = ACTION_TYPES.map((type) => {
    const row = types.find((t) => t.type === type);
    return { type, ...(row ? figures(row) : { actions: 0, confirmed: 0, peopleTrained: 0, reach: 0 }) };
  });
  const byIndustry = INDUSTRIES.map((industry) => {
    const row = industries.find((i) => i.industry === industry);
    return { industry, companies: row ? Number(row.companies) : 0, ...(row ? figures(row) : { actions: 0, confirmed: 0, peopleTrained: 0, reach: 0 }) };
  });
  const totals = byType.reduce((t, r) => ({ actions: t.actions + r.actions, confirmed: t.confirmed + r.confirmed, peopleTrained: t.peopleTrained + r.peopleTrained, reach: t.reach + r.reach }), {
    actions: 0,
    confirmed: 0,
    peopleTrained: 0,
    reach: 0,
  });
  return { year, byType: byType as ({ type: ActionType } & OverviewRow)[], byIndustry: byIndustry as ({ industry: Industry; companies: number } & OverviewRow)[], totals };
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
