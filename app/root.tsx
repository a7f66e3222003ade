import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SiteFooter, SiteHeader } from "~/components/layout";
import { useNonce } from "~/components/nonce";
import { getCompleteAuth, getOrgContext } from "~/modules/auth/guards.server";
import { getLanguage } from "~/modules/i18n/i18n.server";
import { getEnv } from "~/utils/env.server";
import stylesHref from "~/styles/app.css";
import { pageTitle } from "~/utils/meta";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ matches, error }) => {
  if (!error) return pageTitle(matches, null);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return pageTitle(matches, status === 404 ? "errorPage.notFoundTitle" : status === 403 ? "errorPage.forbiddenTitle" : "errorPage.title");
};

export async function loader(args: LoaderFunctionArgs) {
  const env = getEnv();
  const language = await getLanguage(args.request);
  // A session that still owes its second factor is not signed in yet as far as navigation goes.
  const complete = await getCompleteAuth(args);
  const org = complete && !complete.user.staffRole ? await getOrgContext(args, complete) : null;
  return {
    language,
    brand: {
      name: env.BRAND_NAME,
      contactEmail: env.BRAND_CONTACT_EMAIL,
      hotlineUrl: env.BRAND_HOTLINE_URL,
      websiteUrl: env.BRAND_WEBSITE_URL,
    },
    user: complete ? { name: complete.user.name, email: complete.user.email, staffRole: complete.user.staffRole } : null,
    org: org
      ? {
          id: org.organisation.id,
          name: org.organisation.name,
          status: org.organisation.status,
          roles: org.membership.roles,
          all: org.memberships.map((m) => ({ id: m.organisation.id, name: m.organisation.name })),
        }
      : null,
    showOutbox: !env.isProduction,
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  const { i18n } = useTranslation();
  const language = data?.language ?? i18n.language ?? "sv";
  return (
    <html lang={language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader data={data} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <SiteFooter data={data} />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const code = isRouteErrorResponse(error) && typeof error.data?.code === "string" ? error.data.code : null;
  const title = status === 404 ? t("errorPage.notFoundTitle") : status === 403 ? t("errorPage.forbiddenTitle") : t("errorPage.title");
  const text =
    code && code !== "forbidden" && code !== "not_found"
      ? t(`errors.${code}`)
      : status === 404
        ? t("errorPage.notFound")
        : status === 403
          ? t("errorPage.forbidden")
          : t("errorPage.text");
  return (
    <>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <a href="/">{t("errorPage.home")}</a>
      </p>
    </>
  );
}
