import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { actorOf, getAuth } from "~/modules/auth/guards.server";
import { setUserLocale } from "~/modules/auth/auth.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { languageCookie } from "~/modules/i18n/i18n.server";
import { readForm } from "~/utils/forms.server";
import { safeRedirectPath } from "~/utils/http.server";

/** The language switch: remembered in a cookie, and on the account so e-mails follow it. */
export async function action(args: ActionFunctionArgs) {
  const form = await readForm(args.request).catch(() => ({}) as Record<string, unknown>);
  const language = toLanguage(form.lng);
  const auth = await getAuth(args);
  if (auth && auth.user.locale !== language) await setUserLocale(args.context.db, actorOf(args, auth.user), auth.user.id, language);
  return redirect(safeRedirectPath(form.redirectTo, "/"), {
    headers: { "Set-Cookie": await languageCookie.serialize(language) },
  });
}

export function loader() {
  return redirect("/");
}
