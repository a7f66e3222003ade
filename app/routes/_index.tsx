import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useRouteLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import type { RootData } from "~/root";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, null);

export async function loader(_args: LoaderFunctionArgs) {
  return null;
}

export default function Index() {
  const { t } = useTranslation();
  const root = useRouteLoaderData<RootData>("root");
  const brand = root?.brand.name ?? "";
  const user = root?.user;
  const [params] = useSearchParams();
  return (
    <>
      <Notice code={params.get("notice")} />
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{t("landing.title")}</h1>
        <p className="lead">{t("landing.lead", { brand })}</p>
        <div className="actions">
          {user ? (
            <Link className="button" to={user.staffRole ? "/staff" : "/app"}>
              {t("landing.toPortal")}
            </Link>
          ) : (
            <>
              <Link className="button" to="/register">
                {t("landing.register")}
              </Link>
              <Link className="button secondary" to="/login">
                {t("landing.login")}
              </Link>
            </>
          )}
        </div>
      </section>

      <section aria-labelledby="why">
        <h2 id="why">{t("landing.whyTitle")}</h2>
        <p>{t("landing.why1")}</p>
        <p>{t("landing.why2", { brand })}</p>
      </section>

      <section aria-labelledby="what">
        <h2 id="what">{t("landing.whatTitle")}</h2>
        <div className="cards">
          {(["assessment", "hashlist", "actions", "report"] as const).map((k) => (
            <div className="card" key={k}>
              <h3>{t(`landing.what.${k}.title`)}</h3>
              <p>{t(`landing.what.${k}.text`)}</p>
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="how">
        <h2 id="how">{t("landing.howTitle")}</h2>
        <ol className="steps">
          <li>{t("landing.how1")}</li>
          <li>{t("landing.how2", { brand })}</li>
          <li>{t("landing.how3")}</li>
          <li>{t("landing.how4")}</li>
        </ol>
      </section>

      <section aria-labelledby="who">
        <h2 id="who">{t("landing.whoTitle")}</h2>
        <p>{t("landing.who")}</p>
        <p className="muted">{t("landing.hotlineNote", { brand })}</p>
      </section>
    </>
  );
}
