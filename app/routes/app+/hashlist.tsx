import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, Notice, useAppForm } from "~/components/forms";
import { AccessGaps, accessGaps } from "~/components/hashlist";
import { acceptAgreement } from "~/modules/agreements/agreements.server";
import { acceptAgreementSchema } from "~/modules/agreements/schema";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDate, formatDateTime } from "~/utils/time";
import { translateError } from "~/utils/zod";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "hashlistAccess.title");

/** The organisation's hash-list access: the three gates, the agreement in force and (for admins) accepting it. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "hashlist.view");
  const language = await getLanguage(args.request);
  const access = await getHashlistAccess(args.context.db, auth.organisation.id);
  const agreement = access.agreement;
  return {
    organisation: { name: auth.organisation.name },
    language,
    status: access.status,
    approved: access.approved,
    active: access.active,
    gaps: accessGaps(access),
    agreement: agreement
      ? {
          id: agreement.id,
          version: agreement.version,
          publishedAt: agreement.publishedAt,
          title: agreement.title[language],
          paragraphs: agreement.text[language]
            .split(/\r?\n\s*\r?\n/)
            .map((p) => p.trim())
            .filter(Boolean),
        }
      : null,
    accepted: access.accepted,
    acceptedEarlier: access.acceptedEarlier,
    granted: access.granted.map((l) => ({ id: l.id, slug: l.slug, name: l.name[language], description: l.description[language], entries: l.liveCount })),
    testList: access.usable.filter((l) => l.isTest).map((l) => ({ id: l.id, slug: l.slug, name: l.name[language] }))[0] ?? null,
    canAccept: can(auth.membership.roles, "agreement.accept", auth.organisation.status),
    canSeeKeys: can(auth.membership.roles, "apikeys.view"),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "agreement.accept");
  const { db } = args.context;
  const pageLanguage = await getLanguage(args.request);
  return handleForm(args.request, acceptAgreementSchema, async (input) => {
    await acceptAgreement(db, { ...actorOf(args, auth.user), userId: auth.user.id }, auth.organisation.id, {
      kind: "data_use",
      versionId: input.versionId,
      name: auth.user.name,
      // The language the text was shown in (the form says), else the page's.
      language: input.language ?? pageLanguage,
    });
    return redirect("/app/hashlist?notice=agreement_accepted");
  });
}

function Gate({ done, title, children }: { done: boolean; title: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <li>
      <h3>
        {title} <span className={`badge ${done ? "approved" : "suspended"}`}>{t(done ? "hashlistAccess.gateDone" : "hashlistAccess.gateMissing")}</span>
      </h3>
      {children}
    </li>
  );
}

export default function Hashlist() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, checked, formProps, errorFor } = useAppForm(acceptAgreementSchema, { reply });
  const confirmError = errorFor("confirm");
  return (
    <>
      <h1>{t("hashlistAccess.title")}</h1>
      <p className="lead">{t("hashlistAccess.intro")}</p>
      <Notice code={params.get("notice")} />

      <section className="panel" aria-labelledby="access-state">
        <h2 id="access-state">{t("hashlistAccess.stateTitle")}</h2>
        {d.active ? (
          <div className="message success">
            <p>{t("hashlistAccess.active", { organisation: d.organisation.name })}</p>
          </div>
        ) : (
          <div className="message warning">
            <p>{t("hashlistAccess.inactive", { organisation: d.organisation.name })}</p>
            <AccessGaps gaps={d.gaps} />
          </div>
        )}
        <p>
          {d.canSeeKeys && (
            <>
              <Link to="/app/api-keys">{t("hashlistAccess.toKeys")}</Link>
              {" · "}
            </>
          )}
          <a href="/developers">{t("hashlistAccess.toDocs")}</a>
        </p>
      </section>

      <section aria-labelledby="gates">
        <h2 id="gates">{t("hashlistAccess.gatesTitle")}</h2>
        <p>{t("hashlistAccess.gatesIntro")}</p>
        <ol className="steps">
          <Gate done={d.approved} title={t("hashlistAccess.gate.approved")}>
            <p>{d.approved ? t("hashlistAccess.approvedYes") : t("hashlistAccess.approvedNo", { status: t(`statuses.${d.status}`) })}</p>
          </Gate>
          <Gate done={!!d.accepted} title={t("hashlistAccess.gate.agreement")}>
            {!d.agreement ? (
              <p>{t("hashlistAccess.noAgreement")}</p>
            ) : d.accepted ? (
              <p>{t("hashlistAccess.acceptedBy", { version: d.agreement.version, name: d.accepted.byName, date: formatDateTime(d.accepted.at, i18n.language) })}</p>
            ) : d.acceptedEarlier ? (
              <p>
                {t("hashlistAccess.newVersion", {
                  earlier: d.acceptedEarlier.version,
                  date: formatDate(d.acceptedEarlier.at, i18n.language),
                  version: d.agreement.version,
                })}
              </p>
            ) : (
              <p>{t("hashlistAccess.notAccepted", { version: d.agreement.version })}</p>
            )}
            {d.agreement && !d.accepted && !d.canAccept && <p className="muted">{t("hashlistAccess.onlyAdmins")}</p>}
          </Gate>
          <Gate done={d.granted.length > 0} title={t("hashlistAccess.gate.lists")}>
            {d.granted.length === 0 ? (
              <p>{t("hashlistAccess.noLists")}</p>
            ) : (
              <>
                <p>{t("hashlistAccess.listsGranted", { count: d.granted.length })}</p>
                <ul>
                  {d.granted.map((l) => (
                    <li key={l.id}>
                      <strong>{l.name}</strong> <span className="mono small">({l.slug})</span> – {t("hashlistAccess.entries", { count: l.entries })}
                      {l.description && <span className="muted small"> · {l.description}</span>}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {d.testList && <p className="muted small">{t("hashlistAccess.testList", { name: d.testList.name, slug: d.testList.slug })}</p>}
          </Gate>
        </ol>
      </section>

      {d.agreement && (
        <section aria-labelledby="agreement-title">
          <h2 id="agreement-title">{t("hashlistAccess.agreementTitle")}</h2>
          <article className="panel" aria-labelledby="agreement-text-title">
            <h3 id="agreement-text-title">{d.agreement.title}</h3>
            <p className="muted small">{t("hashlistAccess.version", { version: d.agreement.version, date: formatDate(d.agreement.publishedAt, i18n.language) })}</p>
            {d.agreement.paragraphs.map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </article>

          {d.canAccept && !d.accepted && (
            <>
              <FormAlert reply={reply} />
              <Form {...formProps} className="stack" aria-labelledby="accept-title">
                <h3 id="accept-title">{t("hashlistAccess.acceptTitle")}</h3>
                <input type="hidden" name="versionId" value={d.agreement.id} />
                <input type="hidden" name="language" value={d.language} />
                <div className="field">
                  <div className="check">
                    <input
                      type="checkbox"
                      id="accept-confirm"
                      value="on"
                      aria-invalid={confirmError ? true : undefined}
                      aria-describedby={confirmError ? "accept-confirm-error" : undefined}
                      defaultChecked={checked("confirm").includes("on")}
                      {...register("confirm", "checkbox")}
                    />
                    <label htmlFor="accept-confirm">{t("hashlistAccess.acceptConfirm", { organisation: d.organisation.name })}</label>
                  </div>
                  {confirmError && (
                    <span className="error" id="accept-confirm-error">
                      {translateError(t, confirmError)}
                    </span>
                  )}
                </div>
                <div className="actions">
                  <button type="submit">{t("hashlistAccess.accept")}</button>
                </div>
              </Form>
            </>
          )}
        </section>
      )}
    </>
  );
}
