import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { asReply, CheckboxGroup, Field, FormAlert, InputField, Notice, useAppForm, useHydrated } from "~/components/forms";
import { AccessGaps, accessGaps, KeyStateBadge, UsageChart } from "~/components/hashlist";
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from "~/modules/api-keys/api-keys.server";
import { parseCidr } from "~/modules/api-keys/cidr.server";
import { apiKeysActionSchema, createKeySchema, GRACE_DAYS_MAX, KEY_CIDRS_MAX, KEY_DAYS_DEFAULT, KEY_DAYS_MAX, KEY_NAME_MAX, KEY_SCOPES } from "~/modules/api-keys/schema";
import { actorOf, requireFreshSecondFactor, requireOrg, type GuardArgs, type OrgAuth } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDate, formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "apiKeys.title");

/**
 * Where the user must go before creating or rolling a key (step-up, or enrolling TOTP first), or null
 * when their second factor is fresh. Asks the guard itself, so the page and the action agree.
 */
function secondFactorDetour(args: GuardArgs, auth: OrgAuth): string | null {
  try {
    requireFreshSecondFactor(args, auth);
    return null;
  } catch (error) {
    if (error instanceof Response) return error.headers.get("Location");
    throw error;
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "apikeys.view");
  const { db } = args.context;
  const [access, keys] = await Promise.all([getHashlistAccess(db, auth.organisation.id), listApiKeys(db, auth.organisation.id)]);
  const manage = can(auth.membership.roles, "apikeys.manage", auth.organisation.status);
  return {
    active: access.active,
    gaps: accessGaps(access),
    usable: access.usable.map((l) => ({ id: l.id, slug: l.slug, name: l.name, isTest: l.isTest, entries: l.liveCount })),
    keys,
    manage,
    secondFactor: manage ? { detour: secondFactorDetour(args, auth), enrolled: auth.user.totpEnabled, minutes: getEnv().STEP_UP_MINUTES } : null,
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "apikeys.manage");
  const { db } = args.context;
  const organisationId = auth.organisation.id;
  const actor = actorOf(args, auth.user);
  // The form is validated before the second factor is asked for: bad input (an empty form too) is
  // answered with its errors at once, and only a form that can succeed sends the person to step-up.
  return handleForm(args.request, apiKeysActionSchema, async (input) => {
    switch (input.intent) {
      case "revoke":
        // Revoking only ever takes access away: no step-up, so a leaked key can be stopped at once.
        await revokeApiKey(db, actor, organisationId, input.keyId);
        return redirect("/app/api-keys?notice=api_key_revoked");
      case "roll": {
        requireFreshSecondFactor(args, auth);
        const key = await rollApiKey(db, actor, organisationId, input.keyId, input.graceDays);
        return secretOnce(key, true);
      }
      case "create": {
        const access = await getHashlistAccess(db, organisationId);
        if (!access.active) throw new AppError("hashlist_access_inactive", 409);
        const usable = new Set(access.usable.map((l) => l.id));
        const fieldErrors: Record<string, string> = {};
        if (input.lists.some((id) => !usable.has(id))) fieldErrors.lists = "invalid_choice";
        if (input.cidrs.some((c) => !parseCidr(c))) fieldErrors.cidrs = "cidr_invalid";
        if (Object.keys(fieldErrors).length) throw new AppError("fix_fields", 400, { fieldErrors });
        requireFreshSecondFactor(args, auth);
        const key = await createApiKey(db, actor, organisationId, { name: input.name, scopes: input.scopes, listIds: input.lists, days: input.days, cidrs: input.cidrs });
        return secretOnce(key, false);
      }
    }
  });
}

/**
 * The new secret, in this answer only: never in a redirect, a URL or the session, and never stored
 * (the database keeps its SHA-256). The page shows it once.
 */
function secretOnce(key: { id: string; secret: string }, rolled: boolean) {
  return data({ ok: true as const, created: { id: key.id, secret: key.secret, rolled } }, { headers: { "Cache-Control": "no-store" } });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Key = LoaderData["keys"][number];

function NewSecret({ secret, name, rolled }: { secret: string; name: string; rolled: boolean }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"" | "copied" | "copyFailed">("");
  useEffect(() => heading.current?.focus(), [secret]);
  async function copy() {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      setCopied("copyFailed");
    }
  }
  return (
    <section className="panel" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        {t(rolled ? "apiKeys.secret.rolledTitle" : "apiKeys.secret.createdTitle", { name })}
      </h2>
      <div className="message warning">
        <p>{t("apiKeys.secret.warning")}</p>
      </div>
      <Field label={t("apiKeys.secret.label")} hint={t("apiKeys.secret.hint")}>
        {(aria) => (
          <input
            {...aria}
            ref={input}
            type="text"
            className="mono"
            readOnly
            value={secret}
            spellCheck={false}
            autoComplete="off"
            data-testid="api-key-secret"
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
      </Field>
      {hydrated && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void copy()}>
            {t("apiKeys.secret.copy")}
          </button>
          <span role="status">{copied && t(`apiKeys.secret.${copied}`)}</span>
        </div>
      )}
    </section>
  );
}

function KeyFacts({ k }: { k: Key }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "sv";
  const total = k.usage.reduce((n, u) => n + u.ok + u.refused, 0);
  const refused = k.usage.reduce((n, u) => n + u.refused, 0);
  const stopping = k.state === "active" && k.revokedAt !== null;
  return (
    <dl className="facts">
      <dt>{t("apiKeys.fields.display")}</dt>
      <dd className="mono">{k.display}</dd>
      <dt>{t("apiKeys.fields.state")}</dt>
      <dd>
        <KeyStateBadge state={k.state} stopping={stopping} />{" "}
        {stopping
          ? t("apiKeys.stopsAt", { date: formatDateTime(k.revokedAt!, i18n.language) })
          : k.state === "revoked"
            ? t(k.replacedBy ? "apiKeys.replacedAt" : "apiKeys.revokedAt", { date: formatDateTime(k.revokedAt!, i18n.language) })
            : t(k.state === "expired" ? "apiKeys.expiredAt" : "apiKeys.expiresAt", { date: formatDate(k.expiresAt, i18n.language) })}
      </dd>
      <dt>{t("apiKeys.fields.createdBy")}</dt>
      <dd>
        {t("apiKeys.createdByAt", { name: k.createdBy ?? t("apiKeys.unknownPerson"), date: formatDateTime(k.createdAt, i18n.language) })}
      </dd>
      <dt>{t("apiKeys.fields.scopes")}</dt>
      <dd>
        {k.scopes.map((s, i) => (
          <span key={s}>
            {i > 0 && ", "}
            <code>{s}</code>
          </span>
        ))}
      </dd>
      <dt>{t("apiKeys.fields.lists")}</dt>
      <dd>{k.lists.map((l) => l.name[lang]).join(", ") || "–"}</dd>
      <dt>{t("apiKeys.fields.cidrs")}</dt>
      <dd>{k.cidrs.length ? <span className="mono">{k.cidrs.join(", ")}</span> : t("apiKeys.anyAddress")}</dd>
      <dt>{t("apiKeys.fields.lastUsed")}</dt>
      <dd>
        {k.lastUsedAt === null
          ? t("apiKeys.neverUsed")
          : k.lastUsedIp
            ? t("apiKeys.lastUsedFrom", { date: formatDateTime(k.lastUsedAt, i18n.language), ip: k.lastUsedIp })
            : formatDateTime(k.lastUsedAt, i18n.language)}
      </dd>
      <dt>{t("apiKeys.fields.usage")}</dt>
      <dd>
        <UsageChart usage={k.usage} label={t("apiKeys.usage.label", { name: k.name, count: total, refused })} />
      </dd>
    </dl>
  );
}

function ManageKey({ k, canRoll, rollError }: { k: Key; canRoll: boolean; rollError?: string }) {
  const { t } = useTranslation();
  return (
    <div>
      {canRoll && (
        <details open={!!rollError}>
          <summary>{t("apiKeys.roll.summary", { name: k.name })}</summary>
          <p>{t("apiKeys.roll.text")}</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="roll" />
            <input type="hidden" name="keyId" value={k.id} />
            <Field label={t("apiKeys.roll.grace")} hint={t("apiKeys.roll.graceHint")} error={rollError}>
              {(aria) => (
                <select {...aria} name="graceDays" defaultValue="1">
                  {Array.from({ length: GRACE_DAYS_MAX + 1 }, (_, n) => (
                    <option key={n} value={n}>
                      {n === 0 ? t("apiKeys.roll.graceNone") : t("apiKeys.roll.graceDays", { count: n })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="actions">
              <button type="submit" className="secondary">
                {t("apiKeys.roll.submit", { name: k.name })}
              </button>
            </div>
          </Form>
        </details>
      )}
      <details>
        <summary>{t("apiKeys.revoke.summary", { name: k.name })}</summary>
        <p>{t("apiKeys.revoke.text")}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="revoke" />
          <input type="hidden" name="keyId" value={k.id} />
          <button type="submit" className="danger">
            {t("apiKeys.revoke.submit", { name: k.name })}
          </button>
        </Form>
      </details>
    </div>
  );
}

const newKeyDefaults = { intent: "create", days: String(KEY_DAYS_DEFAULT), scopes: [], lists: [] };

function CreateKeyForm({ usable, reply, created }: { usable: LoaderData["usable"]; reply: ReturnType<typeof asReply>; created: string | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "sv";
  const { form, register, checked, formProps, errorFor } = useAppForm(createKeySchema, { reply, defaultValues: newKeyDefaults });
  // A key was made: the form starts over (the secret is shown above it).
  useEffect(() => {
    if (created) form.reset(newKeyDefaults);
  }, [created, form]);
  return (
    <>
      <p>{t("apiKeys.create.intro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <input type="hidden" name="intent" value="create" />
        <InputField label={t("apiKeys.create.name")} hint={t("apiKeys.create.nameHint")} required maxLength={KEY_NAME_MAX} autoComplete="off" registration={register("name")} error={errorFor("name")} />
        <CheckboxGroup
          legend={t("apiKeys.create.scopes")}
          registration={register("scopes", "checkbox")}
          defaultChecked={checked("scopes")}
          error={errorFor("scopes")}
          options={KEY_SCOPES.map((s) => ({ value: s, label: <code>{s}</code>, hint: t(`apiKeys.scopeHints.${s.replace(":", "_")}`) }))}
        />
        <CheckboxGroup
          legend={t("apiKeys.create.lists")}
          registration={register("lists", "checkbox")}
          defaultChecked={checked("lists")}
          error={errorFor("lists")}
          options={usable.map((l) => ({
            value: String(l.id),
            label: l.name[lang],
            hint: l.isTest ? t("apiKeys.create.testListHint", { count: l.entries }) : t("hashlistAccess.entries", { count: l.entries }),
          }))}
        />
        <InputField
          label={t("apiKeys.create.days")}
          hint={t("apiKeys.create.daysHint", { max: KEY_DAYS_MAX })}
          type="number"
          inputMode="numeric"
          required
          registration={register("days")}
          error={errorFor("days")}
        />
        <Field label={t("apiKeys.create.cidrs")} hint={t("apiKeys.create.cidrsHint", { max: KEY_CIDRS_MAX })} error={errorFor("cidrs")}>
          {(aria) => <textarea {...aria} {...register("cidrs")} rows={3} spellCheck={false} autoComplete="off" className="mono" />}
        </Field>
        <div className="actions">
          <button type="submit">{t("apiKeys.create.submit")}</button>
        </div>
      </Form>
    </>
  );
}

export default function ApiKeys() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const reply = asReply(actionData);
  const created = actionData && "created" in actionData ? actionData.created : null;
  const intent = reply?.values?.intent;
  const createReply = intent === "create" ? reply : undefined;
  const current = d.keys.filter((k) => k.state === "active");
  const earlier = d.keys.filter((k) => k.state !== "active");
  const rollErrorFor = (k: Key) => (intent === "roll" && reply?.values?.keyId === k.id ? reply?.fieldErrors?.graceDays : undefined);
  const sf = d.secondFactor;
  return (
    <>
      <p>
        <Link to="/app/hashlist">← {t("apiKeys.back")}</Link>
      </p>
      <h1>{t("apiKeys.title")}</h1>
      <p className="lead">{t("apiKeys.intro")}</p>
      <p>
        <a href="/developers">{t("apiKeys.toDocs")}</a>
      </p>
      <Notice code={params.get("notice")} />
      {reply && !createReply && <FormAlert reply={reply} />}
      {created && <NewSecret secret={created.secret} rolled={created.rolled} name={d.keys.find((k) => k.id === created.id)?.name ?? ""} />}

      {!d.active && (
        <div className="message warning">
          <p>{t("apiKeys.inactive")}</p>
          <AccessGaps gaps={d.gaps} />
          <p>
            <Link to="/app/hashlist">{t("apiKeys.toAccess")}</Link>
          </p>
        </div>
      )}
      {!d.manage && <p className="muted">{t("apiKeys.onlyEngineers")}</p>}

      <section aria-labelledby="current-keys">
        <h2 id="current-keys">{t("apiKeys.currentTitle")}</h2>
        {current.length === 0 ? (
          <p>{t("apiKeys.noKeys")}</p>
        ) : (
          current.map((k) => (
            <article className="panel" key={k.id} aria-labelledby={`key-${k.id}`}>
              <h3 id={`key-${k.id}`}>{k.name}</h3>
              <KeyFacts k={k} />
              {d.manage && <ManageKey k={k} canRoll={d.active && !k.replacedBy} rollError={rollErrorFor(k)} />}
            </article>
          ))
        )}
      </section>

      {d.manage && d.active && sf && (
        <section aria-labelledby="create-key">
          <h2 id="create-key">{t("apiKeys.create.title")}</h2>
          {sf.detour ? (
            <div className="message info">
              <p>{t(sf.enrolled ? "apiKeys.create.stepUpFirst" : "apiKeys.create.enrolFirst", { minutes: sf.minutes })}</p>
              <p>
                <Link className="button" to={sf.detour}>
                  {t(sf.enrolled ? "apiKeys.create.stepUp" : "apiKeys.create.enrol")}
                </Link>
              </p>
            </div>
          ) : (
            <CreateKeyForm usable={d.usable} reply={createReply} created={created?.id ?? null} />
          )}
        </section>
      )}

      {earlier.length > 0 && (
        <section aria-labelledby="earlier-keys">
          <h2 id="earlier-keys">{t("apiKeys.earlierTitle")}</h2>
          <details>
            <summary>{t("apiKeys.earlierSummary", { count: earlier.length })}</summary>
            {earlier.map((k) => (
              <article className="panel" key={k.id} aria-labelledby={`key-${k.id}`}>
                <h3 id={`key-${k.id}`}>{k.name}</h3>
                <KeyFacts k={k} />
              </article>
            ))}
          </details>
        </section>
      )}

    </>
  );
}
