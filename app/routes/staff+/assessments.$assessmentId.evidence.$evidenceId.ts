import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";
import { getEvidenceFile } from "~/modules/assessments/evidence.server";
import { requireStaff } from "~/modules/auth/guards.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.assessments.review");
  return evidenceDownload(await getEvidenceFile(args.context.db, args.params.evidenceId ?? "", null));
}
