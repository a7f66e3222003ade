import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/guards.server";
import { collabOverview, overviewCsv } from "~/modules/collaboration/overview.server";
import { csvResponse } from "~/utils/csv";
import { yearParam } from "~/modules/collaboration/schema";

/** The yearly overview (per type and per industry) as CSV. */
export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  const year = yearParam(new URL(args.request.url));
  return csvResponse(overviewCsv(await collabOverview(args.context.db, year)), `collaborative-actions-overview-${year}.csv`);
}
