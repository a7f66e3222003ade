import crypto from "node:crypto";
/**
 * The people of the authorization tests: one signed-in session per persona, seeded in a fresh
 * database, plus the helpers that prove "nothing was written".
 */
import type { Db } from "#db/dialect";
import type { OrganisationStatus, Role, StaffRole } from "#db/schema";
import { createSession } from "~/modules/auth/session.server";
import { addMembership, inviteMember } from "~/modules/members/members.server";
import { startAssessment } from "~/modules/assessments/assessments.server";
import { addEvidenceFile } from "~/modules/assessments/evidence.server";
import { createAction } from "~/modules/collaboration/collaboration.server";
import { issueReport } from "~/modules/reports/reports.server";
import { addActionFile } from "~/modules/collaboration/files.server";
import { createCompany, createUser, sessionCookie } from "./factories";
import { publishFixtures } from "./frameworks";

export type PersonaName =
  | "anonymous"
  | "a.org_admin"
  | "a.compliance_officer"
  | "a.partner_manager"
  | "a.engineer"
  | "suspended.org_admin"
  | "no_organisation"
  | "a.org_admin_second_factor_pending"
  | "staff"
  | "staff_admin";

/** Which organisation's data a persona may see: company A, company B or the suspended company. */
export type OrgKey = "a" | "b" | "suspended";

export interface Persona {
  name: PersonaName;
  /** The Cookie header of the persona's session; none for the anonymous visitor. */
  cookie?: string;
  userId?: string;
  email?: string;
  /** The organisation the session works in, its roles there and its status. */
  org?: OrgKey;
  roles: Role[];
  orgStatus?: OrganisationStatus;
  staffRole?: StaffRole;
  /** TOTP enrolled. */
  totp: boolean;
  /** Signed in with a password, second factor still owed. */
  secondFactorPending: boolean;
  /** A further session of the same user, to be spent by requests that end their session (sign-out). */
  spareCookie(): Promise<string | undefined>;
}

export type World = Awaited<ReturnType<typeof seedPersonas>>;

/**
 * Company A (approved) with one user per role, company B (approved, another tenant: its ids are
 * "foreign ids"), a suspended company, a user without any organisation, an admin of A who has not
 * given the second factor yet, and NGO staff (both staff roles, TOTP enrolled, second factor given).
 */
export async function seedPersonas(db: Db) {
  const a = await createCompany(db, { name: "Alfa Matrix Hosting AB" });
  const b = await createCompany(db, { name: "Beta Matrix Cloud AB" });
  const suspended = await createCompany(db, { name: "Gamma Matrix Travel AB", status: "suspended" });
  const bAdmin = b.members.org_admin;
  const bInvitationEmail = "invitee-of-beta@example.test";
  const bInvitationId = await inviteMember(
    db,
    { userId: bAdmin.id, label: bAdmin.email, ip: null, userAgent: null },
    b.organisation.id,
    { email: bInvitationEmail, roles: ["engineer"] },
    { name: bAdmin.name, language: "sv" },
  );
  const bAdminSession = await createSession(db, bAdmin.id, { ip: null, userAgent: "vitest", twoFactorAt: Date.now() });

  // Self-assessments of both companies, each with an evidence file: the ids of B's are foreign ids.
  await publishFixtures(db);
  const year = new Date().getUTCFullYear();
  const assessmentOf = async (company: typeof a) => {
    const actor = { userId: company.members.compliance_officer.id, label: company.members.compliance_officer.email, ip: null, userAgent: null };
    const { id } = await startAssessment(db, actor, company.organisation.id, { year, extraModules: [] });
    const evidence = await addEvidenceFile(db, actor, company.organisation.id, id, "core.policy.has", { name: `${company.organisation.name}.pdf`, bytes: new TextEncoder().encode(`%PDF-1.4 ${company.organisation.id}`) });
    return { assessmentId: id, evidenceId: evidence.id };
  };
  const aAssessment = await assessmentOf(a);
  const bAssessment = await assessmentOf(b);

  // A collaborative action of each company, with a supporting file: B's ids are foreign ids.
  const collabOf = async (company: typeof a, title: string) => {
    const manager = company.members.partner_manager;
    const actor = { userId: manager.id, label: manager.email, ip: null, userAgent: null };
    const actionId = await createAction(db, actor, company.organisation.id, {
      type: "training",
      title,
      startsOn: `${year}-03-02`,
      endsOn: null,
      description: `${title}: two half days for customer service.`,
      peopleCompany: null,
      peopleNgo: null,
      peopleTrained: 12,
      reach: null,
      amount: null,
      currency: null,
      reportsHandled: null,
      itemsTakenDown: null,
      status: "done",
      links: [],
    }, []);
    const file = await addActionFile(db, actor, company.organisation.id, actionId, { name: `${title}.pdf`, bytes: new TextEncoder().encode(`%PDF-1.4 ${title}`) });
    return { actionId, fileId: file.id, title };
  };
  const aCollab = await collabOf(a, "Alfa matrix training");
  const bCollab = await collabOf(b, "Beta confidential workshop");

  // An issued commitment report of each company: B's id is a foreign id.
  const reportOf = async (company: typeof a) => {
    const admin = company.members.org_admin;
    return (await issueReport(db, { userId: admin.id, label: admin.email, ip: null, userAgent: null }, company.organisation.id, { period: year, language: "sv", trigger: "request" })).id;
  };
  const aReport = await reportOf(a);
  const bReport = await reportOf(b);

  const staff = await createUser(db, { staffRole: "staff", name: "Matrix Staff" });
  const staffAdmin = await createUser(db, { staffRole: "staff_admin", name: "Matrix Staff Admin" });
  const orphan = await createUser(db, { name: "Matrix Orphan" });
  const pending = await createUser(db, { name: "Matrix Pending", totp: true });
  await addMembership(db, a.organisation.id, pending.id, ["org_admin"]);

  type Spec = Omit<Persona, "cookie" | "spareCookie"> & { twoFactor?: boolean };
  const specs: Spec[] = [
    { name: "anonymous", roles: [], totp: false, secondFactorPending: false },
    ...(["org_admin", "compliance_officer", "partner_manager", "engineer"] as const).map(
      (role): Spec => ({
        name: `a.${role}`,
        userId: a.members[role].id,
        email: a.members[role].email,
        org: "a",
        roles: [role],
        orgStatus: "approved",
        totp: false,
        secondFactorPending: false,
      }),
    ),
    {
      name: "suspended.org_admin",
      userId: suspended.members.org_admin.id,
      email: suspended.members.org_admin.email,
      org: "suspended",
      roles: ["org_admin"],
      orgStatus: "suspended",
      totp: false,
      secondFactorPending: false,
    },
    { name: "no_organisation", userId: orphan.id, email: orphan.email, roles: [], totp: false, secondFactorPending: false },
    {
      name: "a.org_admin_second_factor_pending",
      userId: pending.id,
      email: pending.email,
      org: "a",
      roles: ["org_admin"],
      orgStatus: "approved",
      totp: true,
      secondFactorPending: true,
      twoFactor: false,
    },
    { name: "staff", userId: staff.id, email: staff.email, roles: [], staffRole: "staff", totp: true, secondFactorPending: false },
    { name: "staff_admin", userId: staffAdmin.id, email: staffAdmin.email, roles: [], staffRole: "staff_admin", totp: true, secondFactorPending: false },
  ];

  const personas: Persona[] = [];
  for (const { twoFactor, ...spec } of specs) {
    const newCookie = () => (spec.userId ? sessionCookie(db, spec.userId, { twoFactor }) : Promise.resolve(undefined));
    personas.push({ ...spec, cookie: await newCookie(), spareCookie: newCookie });
  }

  return {
    a,
    b,
    suspended,
    staff,
    staffAdmin,
    personas,
    bInvitationId,
    aAssessment,
    bAssessment,
    aCollab,
    bCollab,
    aReport,
    bReport,
    bAdminSessionKey: bAdminSession.session.key,
    /** What only company B (and staff) may ever see: its name and its people's addresses. */
    bSecrets: [b.organisation.name, ...Object.values(b.members).map((m) => m.email), bInvitationEmail, b.organisation.id, bCollab.title],
  };
}

/**
 * A stand-in for the test's database that always forwards to the current one, so that one HTTP
 * server can serve a whole file although useTestDb() hands every test a fresh database.
 */
export function followDb(holder: { db: Db }): Db {
  return new Proxy({} as Db, {
    get(_target, key) {
      const value = Reflect.get(holder.db, key, holder.db);
      return typeof value === "function" ? value.bind(holder.db) : value;
    },
  });
}

const TABLES = [
  "organisation",
  "organisation_status_event",
  "user",
  "membership",
  "membership_role",
  "invitation",
  "session",
  "token",
  "recovery_code",
  "audit_event",
  "mail_outbox",
  "collab_action",
  "collab_revision",
  "collab_target",
  "collab_file",
  "collab_comment",
  "commitment_signature",
  "report",
] as const;

export type Snapshot = Record<(typeof TABLES)[number], string[]>;

/** A row's value as the snapshot keeps it: binary content (files, PDFs) by its SHA-256, to stay small. */
function snapshotValue(this: Record<string, unknown>, key: string, value: unknown) {
  const raw = this[key];
  if (raw instanceof Uint8Array) return `sha256:${crypto.createHash("sha256").update(raw).digest("hex")}`;
  return typeof value === "bigint" ? Number(value) : value;
}

/** Every row of every table (rate_limit aside: refused requests may count against a limit). */
export async function dbSnapshot(db: Db): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r, snapshotValue)).sort();
  }
  return out;
}

/** The tables whose rows differ, e.g. "membership_role (6 → 5 rows, 2 changed)"; [] when none. */
export function changedTables(before: Snapshot, after: Snapshot, ignore: readonly string[] = []): string[] {
  const changes: string[] = [];
  for (const table of TABLES) {
    if (ignore.includes(table)) continue;
    const was = new Set(before[table]);
    const now = new Set(after[table]);
    const gone = [...was].filter((r) => !now.has(r)).length;
    const added = [...now].filter((r) => !was.has(r)).length;
    if (gone || added) changes.push(`${table} (${was.size} → ${now.size} rows; ${gone} removed or changed, ${added} added or changed)`);
  }
  return changes;
}
