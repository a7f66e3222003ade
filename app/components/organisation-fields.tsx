import { useTranslation } from "react-i18next";
import { INDUSTRIES, SIZE_BANDS } from "~/modules/organisations/schema";
import { InputField, SelectField, type AppRegister } from "./forms";

/** The organisation's fields, shared by registration and the profile page. */
export function OrganisationFields({
  register,
  errorFor,
  countries,
}: {
  register: AppRegister;
  errorFor: (name: string) => string | undefined;
  /** With the identity fields (country and number): the options from countryOptions, sent by the loader. */
  countries?: { code: string; name: string }[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <InputField label={t("fields.organisationName")} autoComplete="organization" required registration={register("organisationName")} error={errorFor("organisationName")} />
      {countries && (
        <div className="grid-2">
          <SelectField
            label={t("fields.country")}
            required
            registration={register("country")}
            error={errorFor("country")}
            options={countries.map((c) => ({ value: c.code, label: c.name }))}
          />
          <InputField label={t("fields.orgNumber")} hint={t("fields.orgNumberHint")} required registration={register("orgNumber")} error={errorFor("orgNumber")} />
        </div>
      )}
      <SelectField
        label={t("fields.industry")}
        hint={t("fields.industryHint")}
        required
        placeholder={t("fields.choose")}
        registration={register("industry")}
        error={errorFor("industry")}
        options={INDUSTRIES.map((i) => ({ value: i, label: t(`industries.${i}`) }))}
      />
      <div className="grid-2">
        <InputField label={t("fields.website")} type="url" autoComplete="url" registration={register("website")} error={errorFor("website")} />
        <SelectField
          label={t("fields.sizeBand")}
          required
          placeholder={t("fields.choose")}
          registration={register("sizeBand")}
          error={errorFor("sizeBand")}
          options={SIZE_BANDS.map((s) => ({ value: s, label: t("sizeBands.label", { band: s }) }))}
        />
      </div>
    </>
  );
}
