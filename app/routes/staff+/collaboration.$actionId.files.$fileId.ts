import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { getActionFile } from "~/modules/collaboration/files.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.collab.review");
  return evidenceDownload(await getActionFile(args.context.db, args.params.actionId ?? "", args.params.fileId ?? "", null));
}
