import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, Field, FormAlert, InputField, Notice, SelectField, useAppForm } from "~/components/forms";
import { ImportsTable } from "~/components/staff-hashlists";
import { StatusBadge } from "~/components/status";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { staffCan } from "~/modules/auth/permissions";
import { getHashList, removeEntriesByStaff } from "~/modules/hashlist/lists.server";
import { removeEntrySchema } from "~/modules/hashlist/staff-schema";
import { importUpload, listStaffImports, organisationsGranted, UploadError } from "~/modules/hashlist/staff.server";
import { ALGORITHMS, parseValue, SOURCE_MAX_LENGTH } from "~/modules/hashlist/values";
import { AppError } from "~/utils/errors";
import { handleForm, reply as formReply } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { translateError } from "~/utils/zod";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, "staffHashlists.title", {}, data?.list.slug);

async function load(args: LoaderFunctionArgs) {
  const id = args.params.listId ?? "";
  const list = /^\d{1,9}$/.test(id) ? await getHashList(args.context.db, Number(id)) : null;
  if (!list) throw httpError(404, "not_found");
  return list;
}

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.hashlists.view");
  const list = await load(args);
  const { db } = args.context;
  const [imports, organisations] = await Promise.all([listStaffImports(db, list.id, 20), organisationsGranted(db, list.id)]);
  return {
    list,
    canManage: staffCan(auth.user.staffRole, "staff.hashlists.manage") && !list.isTest,
    imports: imports.map(({ rejections: _rejections, ...i }) => i),
    organisations,
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.hashlists.manage");
  const list = await load(args);
  const { db } = args.context;
  const actor = actorOf(args, auth.user);
  if ((args.request.headers.get("Content-Type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    // A file: streamed from the request into the import, never read whole (see importUpload).
    try {
      const report = await importUpload(db, actor, list, args.request);
      return redirect(`/staff/hashlists/imports/${report.id}?notice=${report.status === "done" ? "hashlist_imported" : "hashlist_import_failed"}`);
    } catch (error) {
      if (error instanceof UploadError) return formReply(error.status, { formError: error.code, fieldErrors: error.details.fieldErrors, values: error.values });
      throw error;
    }
  }
  return handleForm(args.request, removeEntrySchema, async (input) => {
    const value = parseValue(input.algorithm, input.value);
    if (!value.ok) throw new AppError(value.error, 400, { fieldErrors: { value: value.error } });
    const result = await removeEntriesByStaff(db, actor, list.id, [{ algorithm: input.algorithm, value: value.bytes }]);
    if (!result.removed) throw new AppError("hash_entry_not_live", 404, { fieldErrors: { value: "hash_entry_not_live" } });
    return redirect(`/staff/hashlists/${list.id}?notice=hash_entry_removed`);
  });
}

export default function StaffHashlist() {
  const { t, i18n } = useTranslation();
  const { list, canManage, imports, organisations } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const intent = reply?.values?.intent;
  const uploadReply = intent === "remove_entry" ? undefined : reply;
  const removeReply = intent === "remove_entry" ? reply : undefined;
  const remove = useAppForm(removeEntrySchema, { reply: removeReply, defaultValues: { intent: "remove_entry", algorithm: "sha256" } });
  const language = i18n.language === "en" ? "en" : "sv";
  const mode = uploadReply?.values?.mode === "remove" ? "remove" : "add";
  return (
    <>
      <p>
        <Link to="/staff/hashlists">← {t("staffHashlists.title")}</Link>
      </p>
      <h1>{list.name[language]}</h1>
      <Notice code={params.get("notice")} />
      <div className="panel">
        <dl className="facts">
          <dt>{t("staffHashlists.slug")}</dt>
          <dd className="mono">{list.slug}</dd>
          <dt>{t("staffHashlists.nameSv")}</dt>
          <dd>{list.name.sv}</dd>
          <dt>{t("staffHashlists.nameEn")}</dt>
          <dd>{list.name.en}</dd>
          <dt>{t("staffHashlists.description")}</dt>
          <dd>{list.description[language] ?? "–"}</dd>
          <dt>{t("staffHashlists.test")}</dt>
          <dd>{list.isTest ? t("common.yes") : t("common.no")}</dd>
          <dt>{t("staffHashlists.liveCount")}</dt>
          <dd>{list.liveCount.toLocaleString(i18n.language)}</dd>
          <dt>{t("staffHashlists.checkpoint")}</dt>
          <dd>
            {list.lastSeq} <span className="muted small">{t("staffHashlists.deltasFrom", { seq: list.minSeq })}</span>
          </dd>
          <dt>{t("staffHashlists.updatedAt")}</dt>
          <dd>{formatDateTime(list.updatedAt, i18n.language)}</dd>
        </dl>
      </div>
      {list.isTest && <p className="muted">{t("staffHashlists.testListFixed")}</p>}
      {!canManage && <FormAlert reply={reply} />}

      {canManage && (
        <section aria-labelledby="upload">
          <h2 id="upload">{t("staffHashlists.upload")}</h2>
          <p className="muted">{t("staffHashlists.uploadHint")}</p>
          <FormAlert reply={uploadReply} />
          {/* A plain HTML post (reloadDocument): the browser streams the file, however large. The fields come before the file: the server reads them first. */}
          <Form method="post" encType="multipart/form-data" reloadDocument className="stack">
            <input type="hidden" name="intent" value="import" />
            <fieldset aria-describedby={uploadReply?.fieldErrors?.mode ? "mode-error" : undefined}>
              <legend>{t("staffHashlists.mode")}</legend>
              <div className="checks">
                {(["add", "remove"] as const).map((m) => (
                  <div className="check" key={m}>
                    <input type="radio" id={`mode-${m}`} name="mode" value={m} defaultChecked={mode === m} />
                    <label htmlFor={`mode-${m}`}>
                      {t(`staffHashlists.modes.${m}`)} <span className="muted small">– {t(`staffHashlists.modeHints.${m}`)}</span>
                    </label>
                  </div>
                ))}
              </div>
              {uploadReply?.fieldErrors?.mode && (
                <span className="error" id="mode-error">
                  {translateError(t, uploadReply.fieldErrors.mode)}
                </span>
              )}
            </fieldset>
            <Field label={t("staffHashlists.source")} hint={t("staffHashlists.sourceHint")} error={uploadReply?.fieldErrors?.source}>
              {(aria) => <input {...aria} type="text" name="source" maxLength={SOURCE_MAX_LENGTH} defaultValue={typeof uploadReply?.values?.source === "string" ? uploadReply.values.source : ""} />}
            </Field>
            <Field label={t("staffHashlists.file")} hint={t("staffHashlists.fileHint")} error={uploadReply?.fieldErrors?.file}>
              {(aria) => <input {...aria} type="file" name="file" accept=".csv,.jsonl,.ndjson,.json,text/csv,application/x-ndjson" aria-required="true" />}
            </Field>
            <div className="actions">
              <button type="submit">{t("staffHashlists.uploadSubmit")}</button>
            </div>
          </Form>
        </section>
      )}

      <section aria-labelledby="imports">
        <h2 id="imports">{t("staffHashlists.imports")}</h2>
        <ImportsTable imports={imports} />
      </section>

      <section aria-labelledby="granted">
        <h2 id="granted">{t("staffHashlists.granted")}</h2>
        {list.isTest ? (
          <p className="muted">{t("staffHashlists.testListForAll")}</p>
        ) : organisations.length === 0 ? (
          <p className="muted">{t("staffHashlists.grantedNone")}</p>
        ) : (
          <ul>
            {organisations.map((o) => (
              <li key={o.id}>
                <Link to={`/staff/organisations/${o.id}`}>{o.name}</Link> <StatusBadge status={o.status} />{" "}
                <span className="muted small">{t("staffHashlists.grantedAt", { date: formatDateTime(o.grantedAt, i18n.language) })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canManage && (
        <section aria-labelledby="remove">
          <h2 id="remove">{t("staffHashlists.removeEntry")}</h2>
          <p className="muted">{t("staffHashlists.removeEntryHint")}</p>
          <FormAlert reply={removeReply} />
          <Form {...remove.formProps} className="stack">
            <input type="hidden" name="intent" value="remove_entry" />
            <SelectField
              label={t("staffHashlists.algorithm")}
              registration={remove.register("algorithm")}
              error={remove.errorFor("algorithm")}
              options={ALGORITHMS.map((a) => ({ value: a, label: a }))}
            />
            <InputField label={t("staffHashlists.value")} required maxLength={400} registration={remove.register("value")} error={remove.errorFor("value")} />
            <div className="actions">
              <button type="submit" className="danger">
                {t("staffHashlists.removeEntrySubmit")}
              </button>
            </div>
          </Form>
        </section>
      )}
    </>
  );
}
