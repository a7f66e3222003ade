import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadAssessment } from "~/modules/assessments/assessments.server";
import { assessmentCsv } from "~/modules/assessments/insights.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { csvResponse } from "~/utils/csv";

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const loaded = await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id);
  return csvResponse(await assessmentCsv(args.context.db, loaded, await getLanguage(args.request)), `self-assessment-${loaded.assessment.year}.csv`);
}
