import { Form, Link } from "@remix-run/react";
import { Fragment, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { CheckboxGroup, Field, FormAlert, InputField, SelectField, useAppForm, useHydrated } from "~/components/forms";
import { ACTION_STATUSES, ACTION_TYPES, CONFIRMATIONS, CURRENCIES, FIGURES, FIGURES_BY_TYPE, type ActionContent, type ActionType, type Figure } from "~/modules/collaboration/types";
import type { FormReply } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";

export function ConfirmationBadge({ confirmation }: { confirmation: string }) {
  const { t } = useTranslation();
  return <span className={`badge ${confirmation}`}>{t(`collabConfirmation.${confirmation}`)}</span>;
}

/** The form values (strings) of an action's content, for an edit form. */
export function formValuesOf(a: ActionContent, targets: string[]): Record<string, unknown> {
  const n = (v: number | null) => (v === null ? "" : String(v));
  return {
    type: a.type,
    title: a.title,
    startsOn: a.startsOn,
    endsOn: a.endsOn ?? "",
    description: a.description,
    peopleCompany: a.peopleCompany ?? "",
    peopleNgo: a.peopleNgo ?? "",
    peopleTrained: n(a.peopleTrained),
    reach: n(a.reach),
    amount: n(a.amount),
    currency: a.currency ?? "",
    reportsHandled: n(a.reportsHandled),
    itemsTakenDown: n(a.itemsTakenDown),
    status: a.status,
    links: a.links.join("\n"),
    targets,
  };
}

export interface TargetChoice {
  value: string;
  label: string;
  kind: "plan_item" | "assessment_gap";
}

/**
 * The form to log or change an action: plain HTML that works without JavaScript; with it, the same
 * schema checks the input first and only the figures that fit the chosen type are shown.
 */
export function ActionForm({
  schema,
  reply,
  defaults = {},
  hidden = {},
  targets,
  organisations,
  submitLabel,
}: {
  schema: z.ZodType;
  reply?: FormReply;
  defaults?: Record<string, unknown>;
  hidden?: Record<string, string>;
  targets: TargetChoice[];
  organisations?: { id: string; name: string }[];
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const { form, register, checked, formProps, errorFor } = useAppForm(schema, { reply, defaultValues: { status: "planned", type: "training", ...defaults } });
  const type = (form.watch("type") ?? defaults.type ?? "training") as ActionType;
  const fitting = FIGURES_BY_TYPE[type] ?? FIGURES;
  const shown = (f: Figure) => !hydrated || fitting.includes(f);
  const fitsHint = (f: Figure) =>
    t("collab.figureFits", {
      types: ACTION_TYPES.filter((ty) => FIGURES_BY_TYPE[ty].includes(f) && ty !== "other")
        .map((ty) => t(`collabType.${ty}`))
        .join(", "),
    });
  return (
    <Form {...formProps} className="stack wide">
      <FormAlert reply={reply} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {organisations && (
        <SelectField
          label={t("collab.organisation")}
          registration={register("organisationId")}
          error={errorFor("organisationId")}
          options={organisations.map((o) => ({ value: o.id, label: o.name }))}
          placeholder={t("collab.chooseOrganisation")}
          required
        />
      )}
      <div className="grid-2">
        <SelectField label={t("collab.type")} registration={register("type")} error={errorFor("type")} options={ACTION_TYPES.map((ty) => ({ value: ty, label: t(`collabType.${ty}`) }))} required />
        <SelectField label={t("collab.status")} registration={register("status")} error={errorFor("status")} options={ACTION_STATUSES.map((s) => ({ value: s, label: t(`collabStatus.${s}`) }))} required />
      </div>
      <InputField label={t("collab.title")} registration={register("title")} error={errorFor("title")} maxLength={200} required />
      <div className="grid-2">
        <InputField label={t("collab.startsOn")} type="date" registration={register("startsOn")} error={errorFor("startsOn")} required />
        <InputField label={t("collab.endsOn")} hint={t("collab.endsOnHint")} type="date" registration={register("endsOn")} error={errorFor("endsOn")} />
      </div>
      <Field label={t("collab.description")} error={errorFor("description")}>
        {(aria) => <textarea {...aria} {...register("description")} maxLength={8000} aria-required />}
      </Field>
      <div className="grid-2">
        <Field label={t("collab.peopleCompany")} hint={t("collab.peopleCompanyHint")} error={errorFor("peopleCompany")}>
          {(aria) => <textarea {...aria} {...register("peopleCompany")} maxLength={1000} />}
        </Field>
        <Field label={t("collab.peopleNgo")} hint={t("collab.peopleNgoHint")} error={errorFor("peopleNgo")}>
          {(aria) => <textarea {...aria} {...register("peopleNgo")} maxLength={1000} />}
        </Field>
      </div>
      <fieldset>
        <legend>{t("collab.figures")}</legend>
        <p className="hint muted small">{t("collab.figuresHint")}</p>
        <div className="grid-2">
          {FIGURES.filter(shown).map((f) => (
            <InputField key={f} label={t(`collabFigure.${f}`)} hint={hydrated ? undefined : fitsHint(f)} inputMode="numeric" registration={register(f)} error={errorFor(f)} />
          ))}
          {shown("amount") && (
            <SelectField
              label={t("collab.currency")}
              registration={register("currency")}
              error={errorFor("currency")}
              options={CURRENCIES.map((c) => ({ value: c, label: c }))}
              placeholder={t("collab.noCurrency")}
            />
          )}
        </div>
      </fieldset>
      <Field label={t("collab.links")} hint={t("collab.linksHint")} error={errorFor("links") ?? errorFor("links.0")}>
        {(aria) => <textarea {...aria} {...register("links")} />}
      </Field>
      {targets.length > 0 && (
        <CheckboxGroup
          legend={t("collab.targets")}
          hint={t("collab.targetsHint")}
          registration={register("targets", "checkbox")}
          defaultChecked={checked("targets")}
          error={errorFor("targets")}
          options={targets.map((c) => ({ value: c.value, label: c.label, hint: t(`collabTarget.${c.kind}`) }))}
        />
      )}
      <div className="actions">
        <button type="submit">{submitLabel}</button>
      </div>
    </Form>
  );
}

export interface ListedAction {
  id: string;
  organisationName: string;
  type: string;
  title: string;
  startsOn: string;
  endsOn: string | null;
  status: string;
  confirmation: string;
  onBehalf: boolean;
  peopleTrained: number | null;
  reach: number | null;
}

function Period({ startsOn, endsOn }: { startsOn: string; endsOn: string | null }) {
  const { i18n } = useTranslation();
  const day = (d: string) => formatDate(Date.parse(`${d}T12:00:00Z`), i18n.language);
  return (
    <>
      <time dateTime={startsOn}>{day(startsOn)}</time>
      {endsOn && endsOn !== startsOn && (
        <>
          {" – "}
          <time dateTime={endsOn}>{day(endsOn)}</time>
        </>
      )}
    </>
  );
}

/** Only what a list shows: the page's data stays small (it is sent again for hydration). */
export function listed(a: ListedAction): ListedAction {
  return {
    id: a.id,
    organisationName: a.organisationName,
    type: a.type,
    title: a.title,
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    status: a.status,
    confirmation: a.confirmation,
    onBehalf: a.onBehalf,
    peopleTrained: a.peopleTrained,
    reach: a.reach,
  };
}

/** A list of actions as a timeline (newest first); `base` is where an action's page is. */
export function ActionTimeline({ actions, base, showOrganisation = false }: { actions: ListedAction[]; base: string; showOrganisation?: boolean }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "sv-SE");
  return (
    <ol className="timeline">
      {actions.map((a) => (
        <li key={a.id}>
          <h2>
            <Link to={`${base}/${a.id}`}>{a.title}</Link>
          </h2>
          <p className="small">
            <Period startsOn={a.startsOn} endsOn={a.endsOn} /> · {t(`collabType.${a.type}`)} · {t(`collabStatus.${a.status}`)} · <ConfirmationBadge confirmation={a.confirmation} />
            {a.onBehalf && <> · {t("collab.onBehalf")}</>}
            {showOrganisation && <> · {a.organisationName}</>}
            {a.peopleTrained !== null && <> · {t("collab.trainedCount", { n: number.format(a.peopleTrained) })}</>}
            {a.reach !== null && <> · {t("collab.reachCount", { n: number.format(a.reach) })}</>}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** The filters of a list of actions: a plain GET form. */
export function ActionFilters({ filter, years, organisations }: { filter: Record<string, unknown>; years: number[]; organisations?: boolean }) {
  const { t } = useTranslation();
  const value = (k: string) => (filter[k] === undefined ? "" : String(filter[k]));
  return (
    <Form method="get" className="filters" aria-label={t("collab.filters")}>
      <div className="field">
        <label htmlFor="f-q">{t("collab.search")}</label>
        <input id="f-q" type="search" name="q" defaultValue={value("q")} maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="f-type">{t("collab.type")}</label>
        <select id="f-type" name="type" defaultValue={value("type")}>
          <option value="">{t("collab.all")}</option>
          {ACTION_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`collabType.${ty}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-status">{t("collab.status")}</label>
        <select id="f-status" name="status" defaultValue={value("status")}>
          <option value="">{t("collab.all")}</option>
          {ACTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`collabStatus.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-confirmation">{t("collab.confirmation")}</label>
        <select id="f-confirmation" name="confirmation" defaultValue={value("confirmation")}>
          <option value="">{t("collab.all")}</option>
          {CONFIRMATIONS.map((c) => (
            <option key={c} value={c}>
              {t(`collabConfirmation.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-year">{t("collab.year")}</label>
        <select id="f-year" name="year" defaultValue={value("year")}>
          <option value="">{t("collab.all")}</option>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      {organisations && <input type="hidden" name="organisationId" value={value("organisationId")} />}
      <button type="submit">{t("collab.filter")}</button>
    </Form>
  );
}

/** The query string of a filter (for the next page and the CSV link), without empty values. */
export function filterQuery(filter: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v !== undefined && v !== "" && k !== "after") params.set(k, String(v));
  if (extra.after) params.set("after", extra.after);
  const s = params.toString();
  return s ? `?${s}` : "";
}

type Detail = {
  action: ActionContent & {
    id: string;
    organisationName: string;
    confirmation: string;
    revision: number;
    confirmedRevision: number | null;
    confirmedAt: number | null;
    onBehalf: boolean;
    createdByName: string | null;
    createdAt: number;
  };
  targets: string[];
  files: { id: string; fileName: string; size: number; sha256: string; createdAt: number }[];
  comments: { id: string; kind: string; body: string; byStaff: boolean; authorName: string | null; createdAt: number }[];
  revisions: { revision: number; changes: { field: string; from: unknown; to: unknown }[]; byStaff: boolean; byName: string | null; at: number }[];
};

/** What an action is: its facts, figures, links and what it addresses. */
export function ActionFacts({ detail, targetLabels }: { detail: Detail; targetLabels: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const a = detail.action;
  const number = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "sv-SE");
  return (
    <dl className="facts">
      <dt>{t("collab.organisation")}</dt>
      <dd>
        {a.organisationName}
        {a.onBehalf && <> ({t("collab.onBehalf")})</>}
      </dd>
      <dt>{t("collab.type")}</dt>
      <dd>{t(`collabType.${a.type}`)}</dd>
      <dt>{t("collab.period")}</dt>
      <dd>
        <Period startsOn={a.startsOn} endsOn={a.endsOn} />
      </dd>
      <dt>{t("collab.status")}</dt>
      <dd>{t(`collabStatus.${a.status}`)}</dd>
      <dt>{t("collab.confirmation")}</dt>
      <dd>
        <ConfirmationBadge confirmation={a.confirmation} />
        {a.confirmedRevision !== null && a.confirmedAt !== null && (
          <span className="muted small"> {t("collab.confirmedRevision", { revision: a.confirmedRevision, date: formatDate(a.confirmedAt, i18n.language) })}</span>
        )}
      </dd>
      <dt>{t("collab.description")}</dt>
      <dd className="prewrap">{a.description}</dd>
      {a.peopleCompany && (
        <>
          <dt>{t("collab.peopleCompany")}</dt>
          <dd className="prewrap">{a.peopleCompany}</dd>
        </>
      )}
      {a.peopleNgo && (
        <>
          <dt>{t("collab.peopleNgo")}</dt>
          <dd className="prewrap">{a.peopleNgo}</dd>
        </>
      )}
      {FIGURES.filter((f) => a[f] !== null).map((f) => (
        <Fragment key={f}>
          <dt>{t(`collabFigure.${f}`)}</dt>
          <dd>
            {number.format(a[f]!)}
            {f === "amount" && a.currency && ` ${a.currency}`}
          </dd>
        </Fragment>
      ))}
      {a.links.length > 0 && (
        <>
          <dt>{t("collab.links")}</dt>
          <dd>
            <ul>
              {a.links.map((l) => (
                <li key={l}>
                  <a href={l} rel="noopener noreferrer nofollow">
                    {l}
                  </a>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {detail.targets.length > 0 && (
        <>
          <dt>{t("collab.targets")}</dt>
          <dd>
            <ul>
              {detail.targets.map((target) => (
                <li key={target}>{targetLabels[target] ?? t(`collabTarget.${target.split(":")[0]}`)}</li>
              ))}
            </ul>
          </dd>
        </>
      )}
      <dt>{t("collab.loggedBy")}</dt>
      <dd>
        {detail.action.createdByName ?? "–"} · {formatDateTime(detail.action.createdAt, i18n.language)}
      </dd>
    </dl>
  );
}

export function ActionFiles({ files, base, removable }: { files: Detail["files"]; base: string; removable: boolean }) {
  const { t, i18n } = useTranslation();
  if (files.length === 0) return <p>{t("collab.noFiles")}</p>;
  return (
    <ul>
      {files.map((f) => (
        <li key={f.id}>
          <a href={`${base}/files/${f.id}`} download>
            {f.fileName}
          </a>{" "}
          <span className="muted small">
            {Math.ceil(f.size / 1024)} kB · {formatDateTime(f.createdAt, i18n.language)} · SHA-256 <span className="mono">{f.sha256.slice(0, 16)}…</span>
          </span>
          {removable && (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="remove_file" />
              <input type="hidden" name="fileId" value={f.id} />
              <button type="submit" className="link">
                {t("collab.removeFile", { name: f.fileName })}
              </button>
            </Form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The comment thread both sides see, with a form to add to it. */
export function CommentThread({ comments, canComment, error }: { comments: Detail["comments"]; canComment: boolean; error?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      {comments.length === 0 && <p>{t("collab.noComments")}</p>}
      {comments.map((c) => (
        <div key={c.id} className={`comment ${c.byStaff ? "staff" : "company"}`}>
          <p className="small muted">
            {c.authorName ?? "–"} ({c.byStaff ? t("collab.ngo") : t("collab.company")}) · {formatDateTime(c.createdAt, i18n.language)}
            {c.kind !== "comment" && <> · {t(`collabCommentKind.${c.kind}`)}</>}
          </p>
          {c.body && <p className="prewrap">{c.body}</p>}
        </div>
      ))}
      {canComment && (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="comment" />
          <Field label={t("collab.comment")} error={error}>
            {(aria) => <textarea {...aria} name="body" maxLength={4000} required />}
          </Field>
          <div className="actions">
            <button type="submit" className="secondary">
              {t("collab.addComment")}
            </button>
          </div>
        </Form>
      )}
    </>
  );
}

/**
 * An action's page below its decisions: the facts, the files (`upload` adds a form to that section),
 * the comment thread and the history of changes. The company's and the NGO's pages both use it.
 */
export function ActionSections({
  detail,
  base,
  targetLabels,
  canChange,
  canComment,
  commentError,
  upload,
}: {
  detail: Detail;
  base: string;
  targetLabels: Record<string, string>;
  canChange: boolean;
  canComment: boolean;
  commentError?: string;
  upload?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <section aria-labelledby="facts" className="panel">
        <h2 id="facts">{t("collab.facts")}</h2>
        <ActionFacts detail={detail} targetLabels={targetLabels} />
      </section>
      <section aria-labelledby="files-heading" id="files">
        <h2 id="files-heading">{t("collab.files")}</h2>
        <ActionFiles files={detail.files} base={base} removable={canChange} />
        {upload}
      </section>
      <section aria-labelledby="comments-heading" id="comments">
        <h2 id="comments-heading">{t("collab.comments")}</h2>
        <CommentThread comments={detail.comments} canComment={canComment} error={commentError} />
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t("collab.history")}</h2>
        <RevisionHistory revisions={detail.revisions} />
      </section>
    </>
  );
}

function shownValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "–";
  return String(value);
}

/** The history of an action's content: every revision, who made it, when, and what changed. */
export function RevisionHistory({ revisions }: { revisions: Detail["revisions"] }) {
  const { t, i18n } = useTranslation();
  const label = (field: string) => (FIGURES.includes(field as Figure) ? t(`collabFigure.${field}`) : t(`collab.${field}`));
  const value = (field: string, v: unknown) => (field === "type" && typeof v === "string" ? t(`collabType.${v}`) : field === "status" && typeof v === "string" ? t(`collabStatus.${v}`) : shownValue(v));
  return (
    <div className="table-wrap">
      <table>
        <caption>{t("collab.history")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("collab.revision")}</th>
            <th scope="col">{t("collab.changedBy")}</th>
            <th scope="col">{t("collab.changes")}</th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr key={r.revision}>
              <th scope="row">{r.revision}</th>
              <td>
                {r.byName ?? "–"}
                {r.byStaff && ` (${t("collab.ngo")})`}
                <br />
                <span className="small muted">{formatDateTime(r.at, i18n.language)}</span>
              </td>
              <td>
                {r.revision === 1 ? (
                  t("collab.created")
                ) : (
                  <ul>
                    {r.changes.map((c) => (
                      <li key={c.field}>
                        {label(c.field)}: <del>{value(c.field, c.from)}</del> → <ins>{value(c.field, c.to)}</ins>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A horizontal bar chart as accessible SVG (role img, title and desc), with the same numbers as a
 * table for everyone who does not read charts.
 */
export function BarChart({ id, title, description, rows, valueLabel }: { id: string; title: string; description: string; rows: { label: string; value: number }[]; valueLabel: string }) {
  const { i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language === "en" ? "en-GB" : "sv-SE");
  const max = Math.max(1, ...rows.map((r) => r.value));
  const labelWidth = 220;
  const barArea = 360;
  const rowHeight = 24;
  const height = rows.length * rowHeight + 8;
  return (
    <figure>
      <svg className="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${labelWidth + barArea + 90} ${height}`} width={labelWidth + barArea + 90} height={height}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0 ${i * rowHeight + 4})`}>
            <text x={labelWidth - 8} y={16} textAnchor="end">
              {r.label}
            </text>
            <rect className="bar" x={labelWidth} y={3} height={16} width={Math.max(r.value > 0 ? 2 : 0, (r.value / max) * barArea)} />
            <text x={labelWidth + (r.value / max) * barArea + 6} y={16}>
              {number.format(r.value)}
            </text>
          </g>
        ))}
      </svg>
      <div className="table-wrap">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col">{valueLabel}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td>{number.format(r.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
