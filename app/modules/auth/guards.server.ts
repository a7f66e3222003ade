import { redirect, type AppLoadContext } from "@remix-run/node";
import type { Organisation } from "~/modules/organisations/organisations.server";
import { getMemberships, type MembershipSummary } from "~/modules/members/members.server";
import type { Actor } from "~/modules/audit/audit.server";
import { getEnv } from "~/utils/env.server";
import { httpError } from "~/utils/http.server";
import { can, staffCan, type Permission, type StaffPermission } from "./permissions";
import { validateSession, type AuthSession } from "./session.server";
import type { CurrentUser } from "./users.server";

export interface GuardArgs {
  request: Request;
  context: AppLoadContext;
}

export interface Auth {
  user: CurrentUser;
  session: AuthSession;
}

const cache = new WeakMap<AppLoadContext, Promise<Auth | null>>();

/** The signed-in user and session of this request, or null; looked up once per request. */
export function getAuth({ request, context }: GuardArgs): Promise<Auth | null> {
  let pending = cache.get(context);
  if (!pending) {
    pending = (async () => {
      return validateSession(context.db, request);
    })();
    cache.set(context, pending);
  }
  return pending;
}

/** Forget this request's cached sign-in state (after an action signs in or out). */
export function forgetAuth(context: AppLoadContext) {
  cache.delete(context);
  orgCache.delete(context);
}

/** True while a session still owes its second factor: signed in with the password only. */
export function awaitsSecondFactor(auth: Auth): boolean {
  return auth.user.totpEnabled && auth.session.twoFactorAt === null;
}

/** The request's sign-in when it is complete (second factor given where enrolled), else null. */
export async function getCompleteAuth(args: GuardArgs): Promise<Auth | null> {
  const auth = await getAuth(args);
  return auth && !awaitsSecondFactor(auth) ? auth : null;
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
  return redirect(`/login?${params}`);
}

/**
 * A signed-in user whose sign-in is complete: second factor given when enrolled, and enrolled at
 * all when they are NGO staff (for whom it is mandatory).
 */
export async function requireUser(args: GuardArgs, options: { allowStaffWithout2fa?: boolean } = {}): Promise<Auth> {
  const auth = await getAuth(args);
  if (!auth) throw loginRedirect(args.request);
  if (awaitsSecondFactor(auth)) {
    const url = new URL(args.request.url);
    throw redirect(`/login/two-factor?${new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })}`);
  }
  if (auth.user.staffRole && !auth.user.totpEnabled && !options.allowStaffWithout2fa) {
    throw redirect("/account/two-factor?required=1");
  }
  return auth;
}

export async function requireStaff(args: GuardArgs, permission: StaffPermission): Promise<Auth> {
  const auth = await requireUser(args);
  if (!auth.user.staffRole) throw httpError(403, "forbidden");
  if (!staffCan(auth.user.staffRole, permission)) throw httpError(403, "forbidden");
  return auth;
}

export interface OrgAuth extends Auth {
  organisation: Organisation;
  membership: MembershipSummary;
  memberships: MembershipSummary[];
}

const orgCache = new WeakMap<AppLoadContext, Promise<Omit<OrgAuth, keyof Auth> | null>>();

/** The user's active organisation: the one chosen in this session, else their first (once per request). */
export function getOrgContext(args: GuardArgs, auth: Auth): Promise<Omit<OrgAuth, keyof Auth> | null> {
  let pending = orgCache.get(args.context);
  if (!pending) {
    pending = (async () => {
      const memberships = await getMemberships(args.context.db, auth.user.id);
      const membership = memberships.find((m) => m.organisation.id === auth.session.activeOrganisationId) ?? memberships[0];
      if (!membership) return null;
      return { organisation: membership.organisation, membership, memberships };
    })();
    orgCache.set(args.context, pending);
  }
  return pending;
}

/**
 * A member of an organisation whose roles allow `permission` (one table: permissions.ts). Write
 * permissions are refused while the organisation is suspended, offboarded or rejected.
 */
export async function requireOrg(args: GuardArgs, permission: Permission): Promise<OrgAuth> {
  const auth = await requireUser(args);
  if (auth.user.staffRole) throw redirect("/staff");
  const org = await getOrgContext(args, auth);
  if (!org) throw redirect("/app");
  if (!can(org.membership.roles, permission)) throw httpError(403, "forbidden");
  if (!can(org.membership.roles, permission, org.organisation.status)) throw httpError(403, "organisation_inactive");
  return { ...auth, ...org };
}

/**
 * Sensitive actions need a second factor given within the last STEP_UP_MINUTES. Without one the
 * user is sent to confirm it and brought back.
 */
export function requireFreshSecondFactor(args: GuardArgs, auth: Auth): void {
  const fresh = auth.session.twoFactorAt !== null && Date.now() - auth.session.twoFactorAt < getEnv().STEP_UP_MINUTES * 60_000;
  if (fresh) return;
  const url = new URL(args.request.url);
  if (!auth.user.totpEnabled) throw redirect(`/account/two-factor?required=1&redirectTo=${encodeURIComponent(url.pathname)}`);
  throw redirect(`/login/step-up?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

export function actorOf(args: GuardArgs, user?: { id: string; email: string } | null): Actor {
  return {
    userId: user?.id ?? null,
    label: user?.email ?? "anonymous",
    ip: args.context.clientIp,
    userAgent: args.request.headers.get("User-Agent"),
  };
}
