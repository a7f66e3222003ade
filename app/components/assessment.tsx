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
 * A horizontal bar chart as SVG (no inline styles: the CSP forbids them), with the numbers in the
 * accessible name and the text beside each bar; a second, thinner bar shows a comparison value.
 */
export function ScoreBars({ rows, label }: { rows: { label: string; score: number | null; compare?: number | null }[]; label: string }) {
  const width = 240;
  const rowHeight = 28;
  return (
    <svg className="score-bars" viewBox={`0 0 ${width + 60} ${rows.length * rowHeight}`} role="img" aria-label={`${label}: ${rows.map((r) => `${r.label} ${r.score ?? "–"}`).join(", ")}`}>
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0 ${i * rowHeight})`}>
          <rect x="0" y="6" width={width} height="14" rx="3" className="bar-track" />
          <rect x="0" y="6" width={((r.score ?? 0) / 100) * width} height="14" rx="3" className="bar-value" />
          {r.compare !== undefined && r.compare !== null && <rect x={(r.compare / 100) * width - 1} y="2" width="3" height="22" className="bar-compare" />}
          <text x={width + 8} y="18" className="bar-label">
            {r.score ?? "–"}
          </text>
        </g>
      ))}
    </svg>
  );
}
