import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guards.server";
import { setSessionOrganisation } from "~/modules/auth/session.server";
import { getMemberships } from "~/modules/members/members.server";
import { readForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";

/** Chooses which of the user's organisations this session works in; only one they belong to. */
export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  const form = await readForm(args.request);
  const memberships = await getMemberships(args.context.db, auth.user.id);
  const target = memberships.find((m) => m.organisation.id === form.organisationId);
  if (!target) throw httpError(403, "forbidden");
  await setSessionOrganisation(args.context.db, auth.session.key, target.organisation.id);
  return redirect("/app");
}

export function loader() {
  return redirect("/app");
}
