import type { MetaFunction } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listOutbox } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { httpError } from "~/utils/http.server";
import { formatDateTime } from "~/utils/time";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "outbox.title");

/**
 * Development only: the mail that would have been sent. In production this page does not exist
 * (404), whatever the mail configuration.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  if (getEnv().isProduction) throw httpError(404, "not_found");
  const mails = await listOutbox(context.db, 50);
  return {
    mails: mails.map((m) => ({
      id: m.id,
      to: m.to_address,
      subject: m.subject,
      text: m.text_body,
      createdAt: Number(m.created_at),
      links: [...m.text_body.matchAll(/https?:\/\/\S+/g)].map((x) => x[0]),
    })),
  };
}

export default function Outbox() {
  const { t, i18n } = useTranslation();
  const { mails } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("outbox.title")}</h1>
      <p className="lead">{t("outbox.intro")}</p>
      {mails.length === 0 && <p>{t("outbox.empty")}</p>}
      {mails.map((m) => (
        <article className="panel" key={m.id} aria-labelledby={`mail-${m.id}`}>
          <h2 id={`mail-${m.id}`}>{m.subject}</h2>
          <p className="muted small">
            {t("outbox.to")}: <span className="mono">{m.to}</span> · {formatDateTime(m.createdAt, i18n.language)}
          </p>
          <pre className="mono small">
            {m.text}
          </pre>
          {m.links.map((link) => (
            <p key={link}>
              <a href={link} data-mail-to={m.to}>
                {link}
              </a>
            </p>
          ))}
        </article>
      ))}
    </>
  );
}
