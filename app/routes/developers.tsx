import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PROBLEMS } from "~/modules/api/problem.server";
import { KEY_PATTERN } from "~/modules/api-keys/key-format.server";
import { getEnv } from "~/utils/env.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "developers.title");

/** Public documentation for engineers: how to get access, keep a copy of a list and match hashes. */
export function loader() {
  const problems = Object.entries(PROBLEMS).map(([code, p]) => ({ code, status: p.status }));
  return { base: getEnv().APP_URL, keyPattern: KEY_PATTERN.source, problems };
}

function Code({ children }: { children: string }) {
  return (
    <pre className="code">
      <code>{children}</code>
    </pre>
  );
}

export default function Developers() {
  const { t } = useTranslation();
  const { base, keyPattern, problems } = useLoaderData<typeof loader>();
  const api = `${base}/api/v1`;
  return (
    <>
      <h1>{t("developers.title")}</h1>
      <p className="lead">{t("developers.lead")}</p>
      <nav aria-label={t("developers.contents")}>
        <ul>
          {(["access", "keys", "sync", "match", "test", "errors"] as const).map((id) => (
            <li key={id}>
              <a href={`#${id}`}>{t(`developers.${id}.title`)}</a>
            </li>
          ))}
          <li>
            <a href="/api/v1/openapi.json">{t("developers.openapi")}</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="access">
        <h2 id="access">{t("developers.access.title")}</h2>
        <p>{t("developers.access.text")}</p>
        <ol>
          <li>{t("developers.access.approved")}</li>
          <li>{t("developers.access.agreement")}</li>
          <li>{t("developers.access.granted")}</li>
        </ol>
        <p>{t("developers.access.lapse")}</p>
      </section>

      <section aria-labelledby="keys">
        <h2 id="keys">{t("developers.keys.title")}</h2>
        <p>{t("developers.keys.text")}</p>
        <p>{t("developers.keys.format")}</p>
        <Code>{keyPattern}</Code>
        <p>{t("developers.keys.limits")}</p>
      </section>

      <section aria-labelledby="sync">
        <h2 id="sync">{t("developers.sync.title")}</h2>
        <p>{t("developers.sync.text")}</p>
        <Code>{`KEY=pphl_…\ncurl -sS -H "Authorization: Bearer $KEY" ${api}/lists\ncurl -sS -D headers.txt -o test.csv -H "Authorization: Bearer $KEY" ${api}/lists/test/snapshot\ntail -n +2 test.csv | cut -d, -f1,2 | sha256sum\ncurl -sS -H "Authorization: Bearer $KEY" "${api}/lists/test/changes?since=20"`}</Code>
        <p>{t("developers.sync.checksum")}</p>
        <p>{t("developers.sync.client")}</p>
        <Code>{`PARTNERPORTALEN_API_KEY=$KEY npm run hashlist:sync -- --url ${base} --list test --dir ./hashlists`}</Code>
      </section>

      <section aria-labelledby="match">
        <h2 id="match">{t("developers.match.title")}</h2>
        <p>{t("developers.match.text")}</p>
        <Code>{`curl -sS -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\\n  -d '{"hashes":[{"algorithm":"sha256","value":"'$(printf partnerportalen-canary-1 | sha256sum | cut -c1-64)'"}]}' \\\n  ${api}/match`}</Code>
        <p>{t("developers.match.privacy")}</p>
      </section>

      <section aria-labelledby="test">
        <h2 id="test">{t("developers.test.title")}</h2>
        <p>{t("developers.test.text")}</p>
      </section>

      <section aria-labelledby="errors">
        <h2 id="errors">{t("developers.errors.title")}</h2>
        <p>{t("developers.errors.text")}</p>
        <table>
          <caption className="visually-hidden">{t("developers.errors.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("developers.errors.status")}</th>
              <th scope="col">{t("developers.errors.code")}</th>
              <th scope="col">{t("developers.errors.meaning")}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p) => (
              <tr key={p.code} id={`problem-${p.code}`}>
                <td>{p.status}</td>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>{t(`developers.problems.${p.code}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
