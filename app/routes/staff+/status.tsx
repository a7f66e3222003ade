import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireStaff } from "~/modules/auth/guards.server";
import { listJobStatus } from "~/modules/jobs/scheduler.server";
import { getSystemStatus } from "~/modules/ops/status.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "ops.title");

export async function loader(args: LoaderFunctionArgs) {
  await requireStaff(args, "staff.status.view");
  const [status, jobs] = await Promise.all([getSystemStatus(args.context.db, args.context.replicaDb), listJobStatus(args.context.db)]);
  return { status, jobs, now: Date.now() };
}

export default function StaffStatus() {
  const { t, i18n } = useTranslation();
  const { status: s, jobs, now } = useLoaderData<typeof loader>();
  const lng = i18n.language;
  const number = (n: number) => n.toLocaleString(lng);
  return (
    <>
      <h1>{t("ops.title")}</h1>
      <p className="lead">{t("ops.intro")}</p>

      <section aria-labelledby="ops-system">
        <h2 id="ops-system">{t("ops.system")}</h2>
        <dl className="facts">
          <dt>{t("ops.appVersion")}</dt>
          <dd className="mono">{s.appVersion}</dd>
          <dt>{t("ops.nodeVersion")}</dt>
          <dd className="mono">{s.nodeVersion}</dd>
          <dt>{t("ops.database")}</dt>
          <dd className="mono">{s.database.version}</dd>
          <dt>{t("ops.replica")}</dt>
          <dd>
            {!s.replica ? (
              t("ops.replicaNone")
            ) : !s.replica.reachable ? (
              <strong>{t("ops.replicaDown")}</strong>
            ) : (
              <>
                <span className="mono">{s.replica.version}</span>
                {" – "}
                {s.replica.behind === 0 ? t("ops.replicaInStep") : t("ops.replicaBehind", { count: s.replica.behind })}
              </>
            )}
          </dd>
          <dt>{t("ops.migrationLevel")}</dt>
          <dd>
            <span className="mono">{s.migrations.level ?? t("ops.none")}</span>
            {" – "}
            {s.migrations.current
              ? t("ops.migrationsCurrent")
              : s.migrations.behind.length > 0
                ? t("ops.migrationsBehind", { count: s.migrations.behind.length, names: s.migrations.behind.join(", ") })
                : t("ops.migrationsUnknown", { names: s.migrations.unknown.join(", ") })}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="ops-hashlists">
        <h2 id="ops-hashlists">{t("ops.hashLists")}</h2>
        {s.hashLists.length === 0 ? (
          <p>{t("ops.hashListsEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("ops.list")}</th>
                  <th scope="col">{t("ops.entries")}</th>
                  <th scope="col">{t("ops.lastImport")}</th>
                  <th scope="col">{t("ops.importStatus")}</th>
                </tr>
              </thead>
              <tbody>
                {s.hashLists.map((l) => (
                  <tr key={l.id}>
                    <td className="mono">{l.slug}</td>
                    <td>{number(l.entries)}</td>
                    <td>{l.lastImport ? formatDateTime(l.lastImport.finishedAt ?? l.lastImport.startedAt, lng) : t("ops.noImport")}</td>
                    <td>{l.lastImport ? t(`ops.importStatuses.${l.lastImport.status}`) : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="ops-mail">
        <h2 id="ops-mail">{t("ops.mail")}</h2>
        <dl className="facts">
          <dt>{t("ops.mailPending")}</dt>
          <dd>{number(s.mail.pending)}</dd>
          <dt>{t("ops.mailFailed")}</dt>
          <dd>{number(s.mail.failed)}</dd>
          <dt>{t("ops.mailOldest")}</dt>
          <dd>
            {s.mail.oldestPendingAt === null
              ? t("ops.none")
              : `${formatDateTime(s.mail.oldestPendingAt, lng)} (${t("ops.mailOldestAge", { minutes: number(Math.max(0, Math.floor((now - s.mail.oldestPendingAt) / 60_000))) })})`}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="ops-jobs">
        <h2 id="ops-jobs">{t("ops.jobs")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("ops.job")}</th>
                <th scope="col">{t("ops.jobInterval")}</th>
                <th scope="col">{t("ops.jobLastRun")}</th>
                <th scope="col">{t("ops.jobOutcome")}</th>
                <th scope="col">{t("ops.jobNext")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.name}>
                  <td>
                    <span className="mono">{j.name}</span>
                    <br />
                    <span className="muted small">{j.description}</span>
                  </td>
                  <td>{t("ops.minutes", { count: Math.round(j.intervalMs / 60_000) })}</td>
                  <td>{j.lastFinishedAt === null ? t("ops.jobNever") : formatDateTime(j.lastFinishedAt, lng)}</td>
                  <td>
                    {j.runningOn ? t("ops.jobRunningOn", { instance: j.runningOn }) : j.lastOutcome ? t(`ops.jobOutcomes.${j.lastOutcome}`) : "–"}
                    {j.lastOutcome === "failed" && j.lastError && <span className="muted small"> – {j.lastError}</span>}
                  </td>
                  <td>{j.nextDueAt === null ? t("ops.jobNotScheduled") : formatDateTime(j.nextDueAt, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
