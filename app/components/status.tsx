import { useTranslation } from "react-i18next";

export { formatDate, formatDateTime } from "~/utils/time";

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge ${status}`}>{t(`statuses.${status}`)}</span>;
}
