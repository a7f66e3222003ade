import type { UseFormRegister, FieldValues } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { countryOptions } from "~/modules/organisations/countries";
import { INDUSTRIES, SIZE_BANDS } from "~/modules/organisations/schema";
import { InputField, SelectField } from "./forms";

/** The organisation's fields, shared by registration and the profile page. */
export function OrganisationFields({
  register,
  errorFor,
  withIdentity = false,
}: {
  register: UseFormRegister<FieldValues>;
  errorFor: (name: string) => string | undefined;
  withIdentity?: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <InputField label={t("fields.organisationName")} autoComplete="organization" required registration={register("organisationName")} error={errorFor("organisationName")} />
      {withIdentity && (
        <div className="grid-2">
          <SelectField
            label={t("fields.country")}
            required
            registration={register("country")}
            error={errorFor("country")}
            options={countryOptions(i18n.language).map((c) => ({ value: c.code, label: c.name }))}
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
