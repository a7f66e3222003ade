import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asReply, FormAlert, useAppForm } from "~/components/forms";
import { OrganisationFields } from "~/components/organisation-fields";
import { actorOf, requireUser } from "~/modules/auth/guards.server";
import { setSessionOrganisation } from "~/modules/auth/session.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { countryOptions } from "~/modules/organisations/countries";
import { registerAdditionalOrganisation } from "~/modules/organisations/organisations.server";
import { additionalOrganisationSchema } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "registerOrganisation.title");

/** A signed-in company user registers another company; they become its organisation admin. */
export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args);
  if (auth.user.staffRole) throw httpError(403, "forbidden");
  return { countries: countryOptions(await getLanguage(args.request)) };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  if (auth.user.staffRole) throw httpError(403, "forbidden");
  return handleForm(args.request, additionalOrganisationSchema, async (input) => {
    const organisationId = await registerAdditionalOrganisation(args.context.db, { ...actorOf(args, auth.user), userId: auth.user.id }, input);
    await setSessionOrganisation(args.context.db, auth.session.key, organisationId);
    return redirect("/app?notice=organisation_registered");
  });
}

export default function RegisterOrganisation() {
  const { t } = useTranslation();
  const { countries } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const { register, formProps, errorFor } = useAppForm(additionalOrganisationSchema, { reply, defaultValues: { country: "SE", industry: "", sizeBand: "" } });
  return (
    <>
      <h1>{t("registerOrganisation.title")}</h1>
      <p className="lead">{t("registerOrganisation.intro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <OrganisationFields register={register} errorFor={errorFor} countries={countries} />
        <div className="actions">
          <button type="submit">{t("registerOrganisation.submit")}</button>
        </div>
      </Form>
    </>
  );
}
