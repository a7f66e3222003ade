import type { LoaderFunctionArgs } from "@remix-run/node";
import { evidenceDownload } from "~/modules/assessments/evidence-download.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { reportFile } from "~/modules/reports/reports.server";
import { AppError } from "~/utils/errors";

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.reports.view");
  const file = await reportFile(args.context.db, args.params.reportId ?? "", null);
  if (!file) throw new AppError("not_found", 404);
  return evidenceDownload({ name: file.fileName, mime: "application/pdf", content: file.content, sha256: file.sha256 });
}
