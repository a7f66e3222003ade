import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, Notice } from "~/components/forms";
import { actorOf, requireStaff } from "~/modules/auth/guards.server";
import { staffCan } from "~/modules/auth/permissions";
import { SCORED_TYPES } from "~/modules/frameworks/framework-schema";
import { compareFrameworkFiles, listFrameworkVersions, publishFramework } from "~/modules/frameworks/frameworks.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/time";
import { z } from "~/utils/zod";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "frameworks.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireStaff(args, "staff.frameworks.view");
  const language = toLanguage(await getLanguage(args.request));
  const [versions, files] = await Promise.all([listFrameworkVersions(args.context.db), compareFrameworkFiles(args.context.db)]);
  return {
    canPublish: staffCan(auth.user.staffRole, "staff.frameworks.publish"),
    versions,
    files: files.map((f) => {
      const questions = f.framework?.sections.flatMap((s) => s.questions) ?? [];
      return {
        file: f.file,
        id: f.framework?.id ?? f.file.replace(/\.json$/, ""),
        title: f.framework?.title[language] ?? f.file,
        version: f.framework?.version ?? null,
        state: f.state,
        questions: questions.length,
        scored: questions.filter((q) => SCORED_TYPES.includes(q.type)).length,
        problems: f.problems.slice(0, 20),
      };
    }),
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireStaff(args, "staff.frameworks.publish");
  return handleForm(args.request, z.object({ frameworkId: z.string().regex(/^[a-z_]{2,40}$/) }), async ({ frameworkId }) => {
    await publishFramework(args.context.db, actorOf(args, auth.user), frameworkId);
    return redirect("/staff/frameworks?notice=framework_published");
  });
}

export default function Frameworks() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  return (
    <>
      <h1>{t("frameworks.title")}</h1>
      <p className="lead">{t("frameworks.intro")}</p>
      <Notice code={params.get("notice")} />
      <FormAlert reply={reply} />
      <section aria-labelledby="files">
        <h2 id="files">{t("frameworks.files")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("frameworks.framework")}</th>
                <th scope="col">{t("frameworks.version")}</th>
                <th scope="col">{t("frameworks.questions")}</th>
                <th scope="col">{t("fields.status")}</th>
              </tr>
            </thead>
            <tbody>
              {d.files.map((f) => (
                <tr key={f.file}>
                  <td>
                    {f.title} <span className="mono small muted">{f.file}</span>
                  </td>
                  <td>{f.version ?? "–"}</td>
                  <td>{t("frameworks.questionCount", { count: f.questions, scored: f.scored })}</td>
                  <td>
                    {t(`frameworks.state.${f.state}`)}
                    {f.state === "new_version" && d.canPublish && (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="frameworkId" value={f.id} />
                        <button type="submit">{t("frameworks.publish", { version: f.version })}</button>
                      </Form>
                    )}
                    {f.problems.length > 0 && (
                      <ul className="small">
                        {f.problems.map((p, i) => (
                          <li key={i}>
                            <span className="mono">{p.path}</span>: {p.message}
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
      </section>
      <section aria-labelledby="versions">
        <h2 id="versions">{t("frameworks.published")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("frameworks.framework")}</th>
                <th scope="col">{t("frameworks.version")}</th>
                <th scope="col">{t("frameworks.publishedAt")}</th>
                <th scope="col">{t("frameworks.inUse")}</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {d.versions.map((v) => (
                <tr key={v.id}>
                  <td>{v.frameworkId}</td>
                  <td>{v.version}</td>
                  <td>
                    {formatDateTime(v.publishedAt, i18n.language)}
                    {v.publishedBy && ` · ${v.publishedBy}`}
                  </td>
                  <td>{v.assessments}</td>
                  <td className="mono small">{v.sha256.slice(0, 16)}…</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
