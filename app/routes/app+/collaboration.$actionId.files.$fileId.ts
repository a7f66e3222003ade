import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { getActionFile } from "~/modules/collaboration/files.server";

/** A supporting file, for members of the action's organisation only, always as a download. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "collab.view");
  return evidenceDownload(await getActionFile(args.context.db, args.params.actionId ?? "", args.params.fileId ?? "", auth.organisation.id));
}
