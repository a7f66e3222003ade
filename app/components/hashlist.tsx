import { useTranslation } from "react-i18next";

/** Why an organisation's hash-list access is not active, in the order the gates are passed. */
export type AccessGap = "not_approved" | "no_agreement" | "agreement_new_version" | "agreement_not_accepted" | "no_lists";

export function accessGaps(access: { approved: boolean; agreement: unknown; accepted: unknown; acceptedEarlier: unknown; granted: unknown[] }): AccessGap[] {
  const gaps: AccessGap[] = [];
  if (!access.approved) gaps.push("not_approved");
  if (!access.agreement) gaps.push("no_agreement");
  else if (!access.accepted) gaps.push(access.acceptedEarlier ? "agreement_new_version" : "agreement_not_accepted");
  if (access.granted.length === 0) gaps.push("no_lists");
  return gaps;
}

/** The gaps in words, as a list (the page says above it that access is not active). */
export function AccessGaps({ gaps }: { gaps: AccessGap[] }) {
  const { t } = useTranslation();
  return (
    <ul>
      {gaps.map((g) => (
        <li key={g}>{t(`hashlistAccess.gaps.${g}`)}</li>
      ))}
    </ul>
  );
}

export type KeyState = "active" | "expired" | "revoked";

/** A key's state in words; the colour only repeats what the word says. */
export function KeyStateBadge({ state, stopping }: { state: KeyState; stopping?: boolean }) {
  const { t } = useTranslation();
  const tone = state === "active" ? (stopping ? "suspended" : "approved") : state === "expired" ? "suspended" : "rejected";
  return <span className={`badge ${tone}`}>{t(stopping && state === "active" ? "apiKeys.states.replaced" : `apiKeys.states.${state}`)}</span>;
}

/**
 * Requests per day as a small bar chart (SVG: no inline styles, which the CSP forbids). It is one
 * image to assistive technology, labelled with the totals; the numbers per day are in a table
 * under <details>, readable without the chart.
 */
export function UsageChart({ usage, label }: { usage: { day: string; ok: number; refused: number }[]; label: string }) {
  const { t, i18n } = useTranslation();
  const barWidth = 6;
  const gap = 2;
  const height = 40;
  const width = usage.length * (barWidth + gap);
  const max = Math.max(1, ...usage.map((u) => u.ok + u.refused));
  const scale = (n: number) => (n / max) * (height - 2);
  const total = usage.reduce((sum, u) => sum + u.ok + u.refused, 0);
  const dayFormat = new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "sv-SE", { day: "numeric", month: "short", timeZone: "UTC" });
  return (
    <div className="usage">
      <svg className="score-bar" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
        <rect x="0" y="0" width={width} height={height} className="bar-track" />
        {usage.map((u, i) => {
          const ok = scale(u.ok);
          const refused = scale(u.refused);
          return (
            <g key={u.day}>
              {u.ok > 0 && <rect x={i * (barWidth + gap) + gap / 2} y={height - ok} width={barWidth} height={ok} className="bar-value" />}
              {u.refused > 0 && <rect x={i * (barWidth + gap) + gap / 2} y={height - ok - refused} width={barWidth} height={refused} className="bar-compare" />}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t("apiKeys.usage.showNumbers")}</summary>
        {total === 0 ? (
          <p className="muted small">{t("apiKeys.usage.none")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>{label}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("apiKeys.usage.day")}</th>
                  <th scope="col">{t("apiKeys.usage.ok")}</th>
                  <th scope="col">{t("apiKeys.usage.refused")}</th>
                </tr>
              </thead>
              <tbody>
                {usage
                  .filter((u) => u.ok + u.refused > 0)
                  .map((u) => (
                    <tr key={u.day}>
                      <th scope="row">
                        <time dateTime={u.day}>{dayFormat.format(Date.parse(`${u.day}T12:00:00Z`))}</time>
                      </th>
                      <td>{u.ok}</td>
                      <td>{u.refused}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            <p className="muted small">{t("apiKeys.usage.onlyDaysWithRequests")}</p>
          </div>
        )}
      </details>
    </div>
  );
}
