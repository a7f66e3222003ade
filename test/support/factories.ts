import type { Db } from "#db/dialect";
import type { OrganisationStatus, Role, StaffRole } from "#db/schema";
import { withCheckDigit } from "#db/seed/demo";
import { hashPassword } from "~/modules/auth/password.server";
import { createSession } from "~/modules/auth/session.server";
import { insertUser } from "~/modules/auth/users.server";
import { addMembership } from "~/modules/members/members.server";
import { encrypt } from "~/utils/crypto.server";
import { getEnv } from "~/utils/env.server";
import { newId } from "~/utils/ids";

export const PASSWORD = "correct horse battery staple";
export const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

let passwordHash: Promise<string> | undefined;
const hashed = () => (passwordHash ??= hashPassword(PASSWORD));

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface TestUser {
  id: string;
  email: string;
  name: string;
}

export async function createUser(
  db: Db,
  options: { email?: string; name?: string; staffRole?: StaffRole; totp?: boolean; verified?: boolean; locale?: "sv" | "en" } = {},
): Promise<TestUser> {
  const email = options.email ?? `user-${unique()}@example.test`;
  const name = options.name ?? "Test Person";
  const id = await insertUser(db, {
    email,
    name,
    passwordHash: await hashed(),
    locale: options.locale ?? "sv",
    staffRole: options.staffRole ?? null,
    emailVerified: options.verified ?? true,
  });
  if (options.totp ?? !!options.staffRole) {
    await db
      .updateTable("user")
      .set({ totp_secret: encrypt(getEnv().APP_SECRET, "totp-secret", TOTP_SECRET), totp_enabled_at: Date.now() })
      .where("id", "=", id)
      .execute();
  }
  return { id, email, name };
}

let orgNumber = 100_000_000;
export function nextOrgNumber(): string {
  orgNumber += 7;
  return withCheckDigit(String(556_000_000 + (orgNumber % 1_000_000)));
}

export async function createOrganisation(
  db: Db,
  options: { name?: string; status?: OrganisationStatus; industry?: string } = {},
): Promise<{ id: string; name: string }> {
  const id = newId();
  const now = Date.now();
  const name = options.name ?? `Company ${unique()} AB`;
  await db
    .insertInto("organisation")
    .values({
      id,
      name,
      country: "SE",
      org_number: nextOrgNumber(),
      industry: options.industry ?? "hosting",
      website: null,
      size_band: "10-49",
      status: options.status ?? "approved",
      status_reason: null,
      status_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto("organisation_status_event")
    .values({ id: newId(), organisation_id: id, from_status: null, to_status: options.status ?? "approved", reason: null, actor_user_id: null, at: now })
    .execute();
  return { id, name };
}

/** An organisation with one user per role (and a membership id for each). */
export async function createCompany(db: Db, options: { status?: OrganisationStatus; name?: string } = {}) {
  const organisation = await createOrganisation(db, options);
  const members = {} as Record<Role, TestUser & { membershipId: string }>;
  for (const role of ["org_admin", "compliance_officer", "partner_manager", "engineer"] as Role[]) {
    const user = await createUser(db, { name: `${role} ${organisation.name}` });
    const membershipId = await addMembership(db, organisation.id, user.id, [role]);
    members[role] = { ...user, membershipId };
  }
  return { organisation, members };
}

/** A Cookie header value for a new session of the user (second factor given unless told otherwise). */
export async function sessionCookie(db: Db, userId: string, options: { twoFactor?: boolean; organisationId?: string } = {}): Promise<string> {
  const { cookie } = await createSession(db, userId, {
    ip: "198.51.100.7",
    userAgent: "vitest",
    twoFactorAt: options.twoFactor === false ? null : Date.now(),
    activeOrganisationId: options.organisationId ?? null,
  });
  return cookie.split(";")[0]!;
}

export async function outbox(db: Db) {
  return db.selectFrom("mail_outbox").selectAll().orderBy("created_at").orderBy("id").execute();
}

export function linkIn(text: string): string {
  const match = /https?:\/\/\S+/.exec(text);
  if (!match) throw new Error(`No link in mail:\n${text}`);
  return match[0];
}

export async function auditActions(db: Db, organisationId?: string): Promise<string[]> {
  let q = db.selectFrom("audit_event").select("action").orderBy("at").orderBy("id");
  if (organisationId) q = q.where("organisation_id", "=", organisationId);
  return (await q.execute()).map((r) => r.action);
}

/** Counts every row of every table: "nothing was written" means this did not change. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = ["organisation", "organisation_status_event", "user", "membership", "membership_role", "invitation", "session", "token", "recovery_code", "audit_event", "mail_outbox"] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}
