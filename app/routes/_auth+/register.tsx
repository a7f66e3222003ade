import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrganisationFields } from "~/components/organisation-fields";
import { asReply, FormAlert, InputField, useAppForm } from "~/components/forms";
import { actorOf, getAuth } from "~/modules/auth/guards.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { countryOptions } from "~/modules/organisations/countries";
import { registerOrganisation } from "~/modules/organisations/organisations.server";
import { registrationSchema } from "~/modules/organisations/schema";
import { handleForm } from "~/utils/forms.server";
import { translateError } from "~/utils/zod";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "register.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await getAuth(args);
  if (auth) throw redirect(auth.user.staffRole ? "/staff" : "/app/register-organisation");
  return { countries: countryOptions(await getLanguage(args.request)) };
}

export async function action(args: ActionFunctionArgs) {
  const language = await getLanguage(args.request);
  return handleForm(args.request, registrationSchema, async (input) => {
    await registerOrganisation(args.context.db, actorOf(args), input, language);
    return redirect("/verify-email?sent=1");
  });
}

export default function Register() {
  const { t } = useTranslation();
  const { countries } = useLoaderData<typeof loader>();
  const reply = asReply(useActionData<typeof action>());
  const navigation = useNavigation();
  const { register, checked, formProps, errorFor } = useAppForm(registrationSchema, {
    reply,
    defaultValues: { country: "SE", industry: "", sizeBand: "" },
  });
  return (
    <>
      <h1>{t("register.title")}</h1>
      <p className="lead">{t("register.intro")}</p>
      <FormAlert reply={reply} />
      <Form {...formProps} className="stack">
        <fieldset>
          <legend>{t("register.organisation")}</legend>
          <OrganisationFields register={register} errorFor={errorFor} countries={countries} />
        </fieldset>
        <fieldset>
          <legend>{t("register.you")}</legend>
          <p className="muted small">{t("register.youHint")}</p>
          <InputField label={t("fields.name")} autoComplete="name" required registration={register("name")} error={errorFor("name")} />
          <InputField label={t("fields.workEmail")} type="email" autoComplete="email" required registration={register("email")} error={errorFor("email")} />
          <InputField
            label={t("fields.newPassword")}
            hint={t("fields.passwordHint")}
            type="password"
            autoComplete="new-password"
            required
            registration={register("password")}
            error={errorFor("password")}
          />
        </fieldset>
        <div className="field">
          <div className="check">
            <input type="checkbox" id="confirm" value="on" aria-invalid={errorFor("confirm") ? true : undefined} aria-describedby={errorFor("confirm") ? "confirm-error" : undefined} defaultChecked={checked("confirm").includes("on")} {...register("confirm", "checkbox")} />
            <label htmlFor="confirm">{t("register.confirm")}</label>
          </div>
          {errorFor("confirm") && (
            <span className="error" id="confirm-error">
              {translateError(t, errorFor("confirm"))}
            </span>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={navigation.state === "submitting"}>
            {t("register.submit")}
          </button>
          <Link to="/login">{t("register.haveAccount")}</Link>
        </div>
      </Form>
    </>
  );
}
