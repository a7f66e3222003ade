import type { LoaderFunctionArgs } from "@remix-run/node";
import { yearCsv } from "~/modules/assessments/insights.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { csvResponse } from "~/utils/csv";

/** Every approved assessment of a year, one row per company (?year=YYYY, default this year). */
export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.assessments.review");
  const asked = Number(new URL(args.request.url).searchParams.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : new Date().getUTCFullYear();
  return csvResponse(await yearCsv(args.context.db, year), `self-assessments-${year}.csv`);
}
