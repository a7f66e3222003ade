import { useTranslation } from "react-i18next";

export function AssessmentStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const tone = status === "approved" ? "approved" : status === "returned" ? "suspended" : status === "submitted" ? "under_review" : "applied";
  return <span className={`badge ${tone}`}>{t(`assessmentStatus.${status}`)}</span>;
}

export function ScoreText({ score }: { score: number | null | undefined }) {
  const { t } = useTranslation();
  return <>{score === null || score === undefined ? "–" : t("assessments.scoreOf", { score })}</>;
}

/**
 * A score as a horizontal bar (SVG: no inline styles, which the CSP forbids), for a table cell next
 * to the number; an optional mark shows a comparison value (the industry median).
 */
export function ScoreBar({ score, compare, label }: { score: number | null; compare?: number | null; label: string }) {
  const width = 160;
  return (
    <svg className="score-bar" viewBox={`0 0 ${width} 20`} width={width} height="20" role="img" aria-label={label}>
      <rect x="0" y="4" width={width} height="12" rx="3" className="bar-track" />
      <rect x="0" y="4" width={((score ?? 0) / 100) * width} height="12" rx="3" className="bar-value" />
      {compare !== undefined && compare !== null && <rect x={Math.max(0, (compare / 100) * width - 1.5)} y="0" width="3" height="20" className="bar-compare" />}
    </svg>
  );
}
