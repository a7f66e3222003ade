import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireOrg } from "~/modules/auth/guards.server";
import { actionsCsv } from "~/modules/collaboration/overview.server";
import { parseListFilter } from "~/modules/collaboration/schema";
import { csvResponse } from "~/utils/csv";

/** The organisation's actions that the timeline's filters find, as CSV. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.view");
  const { organisationId: _ignored, after: _after, ...filter } = parseListFilter(new URL(args.request.url));
  return csvResponse(await actionsCsv(args.context.db, auth.organisation.id, filter), `collaborative-actions${filter.year ? `-${filter.year}` : ""}.csv`);
}
