import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadAssessment } from "~/modules/assessments/assessments.server";
import { assessmentJson } from "~/modules/assessments/insights.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { getLanguage } from "~/modules/i18n/i18n.server";

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const loaded = await loadAssessment(args.context.db, args.params.assessmentId ?? "", auth.organisation.id);
  const body = JSON.stringify({ organisation: auth.organisation.name, ...(await assessmentJson(args.context.db, loaded, await getLanguage(args.request))) }, null, 2);
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="self-assessment-${loaded.assessment.year}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
