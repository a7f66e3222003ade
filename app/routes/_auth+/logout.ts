import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/modules/auth/auth.server";
import { actorOf, getAuth } from "~/modules/auth/guards.server";
import { blankSessionCookie, endRequestSession } from "~/modules/auth/session.server";

export async function action(args: ActionFunctionArgs) {
  const { db } = args.context;
  const auth = await getAuth(args);
  if (auth) await endSession(db, actorOf(args, auth.user), auth.user.id, auth.session.key, "auth.logout");
  else await endRequestSession(db, args.request);
  return redirect("/?notice=signed_out", { headers: { "Set-Cookie": blankSessionCookie(db) } });
}

export function loader() {
  return redirect("/");
}
