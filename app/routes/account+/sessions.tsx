import type { MetaFunction } from "@remix-run/node";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { actorOf, requireUser } from "~/modules/auth/guards.server";
import { sessionsSchema } from "~/modules/auth/schema";
import { endOtherSessions, endSession } from "~/modules/auth/auth.server";
import { listUserSessions } from "~/modules/auth/session.server";
import { AppError } from "~/utils/errors";
import { handleForm } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.title");

export async function loader(args: LoaderFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  const sessions = await listUserSessions(args.context.db, auth.user.id);
  return { sessions: sessions.map((s) => ({ ...s, current: s.key === auth.session.key })) };
}

export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args, { allowStaffWithout2fa: true });
  const { db } = args.context;
  return handleForm(args.request, sessionsSchema, async (input) => {
    const actor = actorOf(args, auth.user);
    if (input.intent === "end") {
      // Only one of the user's own sessions can be ended: another user's key matches nothing.
      if (!(await endSession(db, actor, auth.user.id, input.key))) throw new AppError("not_found", 404);
      return redirect(input.key === auth.session.key ? "/login" : "/account/sessions?notice=session_ended");
    }
    await endOtherSessions(db, actor, auth.user.id, auth.session.key);
    return redirect("/account/sessions?notice=sessions_ended");
  });
}

function describeAgent(ua: string | null): string {
  if (!ua) return "–";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : ua.slice(0, 40);
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser}, ${os}` : browser;
}

export default function Sessions() {
  const { t, i18n } = useTranslation();
  const { sessions } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/account">← {t("account.back")}</Link>
      </p>
      <h1>{t("sessions.title")}</h1>
      <p>{t("sessions.intro")}</p>
      <Notice code={params.get("notice")} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("sessions.device")}</th>
              <th scope="col">{t("sessions.address")}</th>
              <th scope="col">{t("sessions.started")}</th>
              <th scope="col">{t("sessions.expires")}</th>
              <th scope="col">{t("sessions.end")}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.key}>
                <td>
                  {describeAgent(s.userAgent)}
                  {s.current && <strong> ({t("sessions.current")})</strong>}
                </td>
                <td className="mono">{s.ip ?? "–"}</td>
                <td>{formatDateTime(s.createdAt, i18n.language)}</td>
                <td>{formatDateTime(s.expiresAt, i18n.language)}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="end" />
                    <input type="hidden" name="key" value={s.key} />
                    <button type="submit" className="secondary">
                      {s.current ? t("sessions.signOutHere") : t("sessions.endThis")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.length > 1 && (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="end_others" />
          <button type="submit" className="danger">
            {t("sessions.endOthers")}
          </button>
        </Form>
      )}
    </>
  );
}
