import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, CheckboxGroup, FormAlert, Notice, SelectField, useAppForm } from "~/components/forms";
import { AssessmentStatusBadge, ScoreText } from "~/components/assessment";
import { listAssessments, startAssessment, yearRange } from "~/modules/assessments/assessments.server";
import { startAssessmentSchema } from "~/modules/assessments/schema";
import { actorOf, requireOrg } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { getCurrentFrameworks } from "~/modules/frameworks/frameworks.server";
import { INDUSTRIES } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "assessments.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireOrg(args, "assessment.view");
  const { db } = args.context;
  const [assessments, frameworks] = await Promise.all([listAssessments(db, auth.organisation.id), getCurrentFrameworks(db)]);
  const { min, max } = yearRange();
  const taken = new Set(assessments.map((a) => a.year));
  const years = [max, max - 1, min].filter((y) => y >= min && !taken.has(y)).sort((a, b) => b - a);
  return {
    assessments,
    canEdit: can(auth.membership.roles, "assessment.edit", auth.organisation.status),
    ownIndustry: auth.organisation.industry,
    modules: INDUSTRIES.filter((i) => i !== auth.organisation.industry && frameworks.has(i)),
    frameworksReady: frameworks.has("core"),
    years,
    defaultYear: years.includes(new Date().getUTCFullYear()) ? new Date().getUTCFullYear() : years[0],
  };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireOrg(args, "assessment.edit");
  return handleForm(args.request, startAssessmentSchema, async (input) => {
    const { id } = await startAssessment(args.context.db, actorOf(args, auth.user), auth.organisation.id, input);
    return redirect(`/app/assessments/${id}?notice=assessment_started`);
  });
}

export default function Assessments() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const reply = asReply(useActionData<typeof action>());
  const { register, checked, formProps, errorFor } = useAppForm(startAssessmentSchema, {
    reply,
    defaultValues: { intent: "start", year: String(data.defaultYear ?? ""), extraModules: [] },
  });
  return (
    <>
      <h1>{t("assessments.title")}</h1>
      <p className="lead">{t("assessments.intro")}</p>
      <Notice code={params.get("notice")} />
      {data.assessments.length === 0 ? (
        <p>{t("assessments.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("assessments.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("assessments.year")}</th>
                <th scope="col">{t("fields.status")}</th>
                <th scope="col">{t("assessments.score")}</th>
                <th scope="col">{t("assessments.maturity")}</th>
              </tr>
            </thead>
            <tbody>
              {data.assessments.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/app/assessments/${a.id}`}>{t("assessments.ofYear", { year: a.year })}</Link>
                  </td>
                  <td>
                    <AssessmentStatusBadge status={a.status} />
                  </td>
                  <td>
                    <ScoreText score={a.score} />
                  </td>
                  <td>{a.maturityLevel === null ? "–" : t(`maturity.${a.maturityLevel}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <Link to="/app/plan">{t("plan.title")}</Link>
      </p>

      {data.canEdit && data.frameworksReady && data.years.length > 0 && (
        <section aria-labelledby="start">
          <h2 id="start">{t("assessments.start")}</h2>
          <p className="muted">{t("assessments.startHint", { industry: t(`industries.${data.ownIndustry}`) })}</p>
          <FormAlert reply={reply} />
          <Form {...formProps} className="stack">
            <input type="hidden" name="intent" value="start" />
            <SelectField label={t("assessments.year")} registration={register("year")} error={errorFor("year")} options={data.years.map((y) => ({ value: String(y), label: String(y) }))} />
            {data.modules.length > 0 && (
              <CheckboxGroup
                legend={t("assessments.extraModules")}
                hint={t("assessments.extraModulesHint")}
                registration={register("extraModules", "checkbox")}
                defaultChecked={checked("extraModules")}
                error={errorFor("extraModules")}
                options={data.modules.map((m) => ({ value: m, label: t(`industries.${m}`) }))}
              />
            )}
            <div className="actions">
              <button type="submit">{t("assessments.startSubmit")}</button>
            </div>
          </Form>
        </section>
      )}
      {!data.frameworksReady && <p className="muted">{t("assessments.noFrameworks")}</p>}
      {!data.canEdit && <p className="muted">{t("assessments.readOnly")}</p>}
    </>
  );
}
