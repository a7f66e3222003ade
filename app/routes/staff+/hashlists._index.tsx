import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, InputField, Notice, useAppForm } from "~/components/forms";
import { ImportsTable } from "~/components/staff-hashlists";
import { listAgreementVersions } from "~/modules/agreements/agreements.server";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { staffCan } from "~/modules/auth/permissions";
import { createHashList, listHashLists } from "~/modules/hashlist/lists.server";
import { createListSchema } from "~/modules/hashlist/staff-schema";
import { staleOrganisations } from "~/modules/hashlist/staleness.server";
import { listStaffImports } from "~/modules/hashlist/staff.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { getEnv } from "~/utils/env.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDate, formatDateTime } from "~/utils/time";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffHashlists.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.hashlists.view");
  const { db } = args.context;
  const language = toLanguage(await getLanguage(args.request));
  const [lists, imports, agreements, stale] = await Promise.all([
    listHashLists(db),
    listStaffImports(db, null, 30),
    listAgreementVersions(db, "data_use"),
    staleOrganisations(db, Date.now()),
  ]);
  const slugs = new Map(lists.map((l) => [l.id, l.slug]));
  return {
    canManage: staffCan(auth.user.staffRole, "staff.hashlists.manage"),
    lists: lists.map((l) => ({ id: l.id, slug: l.slug, name: l.name[language], isTest: l.isTest, liveCount: l.liveCount, lastSeq: l.lastSeq, updatedAt: l.updatedAt })),
    imports: imports.map(({ rejections: _rejections, ...i }) => ({ ...i, listSlug: slugs.get(i.listId) ?? String(i.listId) })),
    agreements: agreements.map((a) => ({ id: a.id, version: a.version, title: a.title[language], sha256: a.sha256, publishedAt: a.publishedAt })),
    stale,
    staleDays: getEnv().HASHLIST_STALE_DAYS,
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.hashlists.manage");
  return handleForm(args.request, createListSchema, async (input) => {
    const list = await createHashList(args.context.db, actorOf(args, auth.user), {
      slug: input.slug,
      name: { sv: input.nameSv, en: input.nameEn },
      description: input.descriptionSv || input.descriptionEn ? { sv: input.descriptionSv ?? "", en: input.descriptionEn ?? "" } : null,
    });
    return redirect(`/staff/hashlists/${list.id}?notice=hashlist_created`);
  });
}

export default function StaffHashlists() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(createListSchema, { reply, defaultValues: { intent: "create" } });
  return (
    <>
      <h1>{t("staffHashlists.title")}</h1>
      <p className="lead">{t("staffHashlists.intro")}</p>
      <Notice code={params.get("notice")} />

      <section aria-labelledby="lists">
        <h2 id="lists">{t("staffHashlists.lists")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("staffHashlists.name")}</th>
                <th scope="col">{t("staffHashlists.slug")}</th>
                <th scope="col">{t("staffHashlists.test")}</th>
                <th scope="col">{t("staffHashlists.liveCount")}</th>
                <th scope="col">{t("staffHashlists.checkpoint")}</th>
                <th scope="col">{t("staffHashlists.updatedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {d.lists.map((l) => (
                <tr key={l.id}>
                  <td>
                    <Link to={`/staff/hashlists/${l.id}`}>{l.name}</Link>
                  </td>
                  <td className="mono">{l.slug}</td>
                  <td>{l.isTest ? t("common.yes") : t("common.no")}</td>
                  <td>{l.liveCount.toLocaleString(i18n.language)}</td>
                  <td>{l.lastSeq}</td>
                  <td>{formatDateTime(l.updatedAt, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="imports">
        <h2 id="imports">{t("staffHashlists.latestImports")}</h2>
        <ImportsTable imports={d.imports} showList />
      </section>

      <section aria-labelledby="stale">
        <h2 id="stale">{t("jobs.staleTitle")}</h2>
        <p className="muted">{t("jobs.staleIntro", { days: d.staleDays })}</p>
        {d.stale.length === 0 ? (
          <p>{t("jobs.staleNone", { days: d.staleDays })}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("jobs.organisation")}</th>
                  <th scope="col">{t("jobs.lastSync")}</th>
                  <th scope="col">{t("jobs.activeSince")}</th>
                  <th scope="col">{t("jobs.activeKeys")}</th>
                </tr>
              </thead>
              <tbody>
                {d.stale.map((o) => (
                  <tr key={o.organisationId}>
                    <td>
                      <Link to={`/staff/organisations/${o.organisationId}`}>{o.name}</Link>
                    </td>
                    <td>{o.lastSyncAt === null ? t("jobs.never") : formatDateTime(o.lastSyncAt, i18n.language)}</td>
                    <td>{formatDate(o.activeSince, i18n.language)}</td>
                    <td>{o.activeKeys}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {d.canManage && (
        <section aria-labelledby="create">
          <h2 id="create">{t("staffHashlists.create")}</h2>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <input type="hidden" name="intent" value="create" />
            <InputField label={t("staffHashlists.slug")} hint={t("staffHashlists.slugHint")} required maxLength={40} registration={register("slug")} error={errorFor("slug")} />
            <InputField label={t("staffHashlists.nameSv")} required maxLength={200} registration={register("nameSv")} error={errorFor("nameSv")} />
            <InputField label={t("staffHashlists.nameEn")} required maxLength={200} registration={register("nameEn")} error={errorFor("nameEn")} />
            <Field label={t("staffHashlists.descriptionSv")} error={errorFor("descriptionSv")}>
              {(aria) => <textarea {...aria} {...register("descriptionSv")} maxLength={2000} />}
            </Field>
            <Field label={t("staffHashlists.descriptionEn")} error={errorFor("descriptionEn")}>
              {(aria) => <textarea {...aria} {...register("descriptionEn")} maxLength={2000} />}
            </Field>
            <div className="actions">
              <button type="submit">{t("staffHashlists.createSubmit")}</button>
            </div>
          </Form>
        </section>
      )}

      <section aria-labelledby="agreements">
        <h2 id="agreements">{t("staffHashlists.agreements")}</h2>
        <p className="muted">{t("staffHashlists.agreementsHint")}</p>
        {d.agreements.length === 0 ? (
          <p>{t("staffHashlists.noAgreements")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("staffHashlists.agreementVersion")}</th>
                  <th scope="col">{t("staffHashlists.agreementTitle")}</th>
                  <th scope="col">{t("staffHashlists.publishedAt")}</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {d.agreements.map((a) => (
                  <tr key={a.id}>
                    <td>{a.version}</td>
                    <td>{a.title}</td>
                    <td>{formatDateTime(a.publishedAt, i18n.language)}</td>
                    <td className="mono small">{a.sha256}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
