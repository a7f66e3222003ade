import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuditLog } from "~/components/audit-log";
import { loadAuditPage } from "~/modules/audit/audit-page.server";
import { requireStaff } from "~/modules/auth/guards.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "audit.title");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.audit.view");
  return loadAuditPage(args.context.db, new URL(args.request.url), {});
}

export default function StaffAudit() {
  const { t } = useTranslation();
  const page = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <p className="lead">{t("audit.staffIntro")}</p>
      <AuditLog page={page} showOrganisation />
    </>
  );
}
