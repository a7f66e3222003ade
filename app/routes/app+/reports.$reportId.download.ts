import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { reportFile } from "~/modules/reports/reports.server";
import { AppError } from "~/utils/errors";

/** The issued PDF, byte for byte, for members of its organisation only. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "reports.view");
  const file = await reportFile(args.context.db, args.params.reportId ?? "", auth.organisation.id);
  if (!file) throw new AppError("not_found", 404);
  return evidenceDownload({ name: file.fileName, mime: "application/pdf", content: file.content, sha256: file.sha256 });
}
