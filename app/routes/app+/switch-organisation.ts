import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guards.server";
import { setSessionOrganisation } from "~/modules/auth/session.server";
import { getMemberships } from "~/modules/members/members.server";
import { readForm } from "~/utils/forms.server";
import { httpError } from "~/utils/http.server";
import { z } from "~/utils/zod";

const schema = z.object({ organisationId: z.string().min(1).max(64) });

/** Chooses which of the user's organisations this session works in; only one they belong to. */
export async function action(args: ActionFunctionArgs) {
  const auth = await requireUser(args);
  // A resource route (the header's switcher posts here): refusals are error pages, not form replies.
  const form = schema.safeParse(await readForm(args.request).catch(() => ({})));
  const memberships = await getMemberships(args.context.db, auth.user.id);
  const target = form.success ? memberships.find((m) => m.organisation.id === form.data.organisationId) : undefined;
  if (!target) throw httpError(403, "forbidden");
  await setSessionOrganisation(args.context.db, auth.session.key, target.organisation.id);
  return redirect("/app");
}

export function loader() {
  return redirect("/app");
}
