import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEvidenceFile } from "~/modules/assessments/evidence.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";

/** An evidence file, for members of its organisation only, always as a download. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  return evidenceDownload(await getEvidenceFile(args.context.db, args.params.evidenceId ?? "", auth.organisation.id));
}
