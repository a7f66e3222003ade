import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { recordAudit } from "~/modules/audit/audit.server";
import { actorOf, getAuth } from "~/modules/auth/guards.server";
import { blankSessionCookie, endRequestSession } from "~/modules/auth/session.server";

export async function action(args: ActionFunctionArgs) {
  const { db } = args.context;
  const auth = await getAuth(args);
  await endRequestSession(db, args.request);
  if (auth) await recordAudit(db, actorOf(args, auth.user), { action: "auth.logout", targetType: "user", targetId: auth.user.id });
  return redirect("/?notice=signed_out", { headers: { "Set-Cookie": blankSessionCookie(db) } });
}

export function loader() {
  return redirect("/");
}
