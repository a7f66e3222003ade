import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/guards.server";
import { actionsCsv } from "~/modules/collaboration/overview.server";
import { parseListFilter } from "~/modules/collaboration/schema";
import { csvResponse } from "~/utils/csv";

/** Every company's actions that the filters find (one company's with ?organisationId=), as CSV. */
export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  const { organisationId, after: _after, ...filter } = parseListFilter(new URL(args.request.url));
  return csvResponse(await actionsCsv(args.context.db, organisationId ?? null, filter), `collaborative-actions${filter.year ? `-${filter.year}` : ""}.csv`);
}
