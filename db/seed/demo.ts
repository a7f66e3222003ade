/**
 * A believable demo: NGO staff, eight companies across industries and every lifecycle state, and a
 * user for each persona. Development only: it refuses to run in production.
 */
import type { Db } from "#db/dialect";
import type { OrganisationStatus, Role } from "#db/schema";
import { recordAudit, systemActor, type Actor } from "~/modules/audit/audit.server";
import { hashPassword } from "~/modules/auth/password.server";
import { replaceRecoveryCodes } from "~/modules/auth/totp.server";
import { insertUser } from "~/modules/auth/users.server";
import { addMembership } from "~/modules/members/members.server";
import { decideOrganisation, type Decision } from "~/modules/organisations/organisations.server";
import type { Industry } from "~/modules/organisations/schema";
import { getCurrentFrameworks, publishMissingFrameworks } from "~/modules/frameworks/frameworks.server";
import { encrypt } from "~/utils/crypto.server";
import { seedDemoAssessments, type DemoAssessmentPlan } from "./demo-assessments";
import { seedDemoCollaboration } from "./demo-collaboration";
import { seedDemoHashlists } from "./demo-hashlists";
import { seedDemoReports } from "./demo-reports";
import { getEnv } from "~/utils/env.server";
import { newId } from "~/utils/ids";

export const DEMO_PASSWORD = "Partnerportalen-demo-2026";
/** The demo staff's authenticator key (base32). Add it to an app, or run `npm run totp -- <key>`. */
export const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/** Completes nine digits to a Swedish organisation number with its Luhn check digit. */
export function withCheckDigit(nine: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  const check = (10 - (sum % 10)) % 10;
  return `${nine.slice(0, 6)}-${nine.slice(6)}${check}`;
}

interface DemoCompany {
  name: string;
  number: string;
  industry: Industry;
  website: string;
  size: string;
  path: Decision[];
  reasons: string[];
  people: { name: string; email: string; roles: Role[] }[];
}

const DAY = 86_400_000;

const companies: DemoCompany[] = [
  {
    name: "Nordresor AB",
    number: "556712345",
    industry: "travel",
    website: "https://nordresor.example",
    size: "250-999",
    path: ["start_review", "approve"],
    reasons: ["Referenser kontrollerade.", "Godkänd: policy och kontaktpersoner på plats."],
    people: [
      { name: "Anna Admin", email: "admin@nordresor.example", roles: ["org_admin"] },
      { name: "Cecilia Compliance", email: "compliance@nordresor.example", roles: ["compliance_officer"] },
      { name: "Petra Partner", email: "partner@nordresor.example", roles: ["partner_manager"] },
      { name: "Erik Engineer", email: "engineer@nordresor.example", roles: ["engineer"] },
    ],
  },
  {
    name: "Fjällnät Hosting AB",
    number: "559001234",
    industry: "hosting",
    website: "https://fjallnat.example",
    size: "50-249",
    path: ["start_review", "approve"],
    reasons: ["Granskning påbörjad.", "Godkänd partner."],
    people: [{ name: "Hugo Holm", email: "hugo@fjallnat.example", roles: ["org_admin", "engineer"] }],
  },
  {
    name: "Klickbar Social AB",
    number: "559123456",
    industry: "online_platforms",
    website: "https://klickbar.example",
    size: "1000+",
    path: ["start_review"],
    reasons: ["Vi går igenom anmälningsflöden och moderering."],
    people: [{ name: "Sara Lind", email: "sara@klickbar.example", roles: ["org_admin", "compliance_officer"] }],
  },
  {
    name: "Norrsken Telekom AB",
    number: "556987654",
    industry: "telecom",
    website: "https://norrsken-telekom.example",
    size: "1000+",
    path: [],
    reasons: [],
    people: [{ name: "Olof Berg", email: "olof@norrsken.example", roles: ["org_admin"] }],
  },
  {
    name: "Betala Snabbt AB",
    number: "559234567",
    industry: "payments",
    website: "https://betalasnabbt.example",
    size: "10-49",
    path: ["approve", "suspend"],
    reasons: ["Godkänd.", "Avstängd i väntan på uppdaterat dataskyddsavtal."],
    people: [{ name: "Maja Ek", email: "maja@betalasnabbt.example", roles: ["org_admin", "partner_manager"] }],
  },
  {
    name: "Pixelspel Studio AB",
    number: "559345678",
    industry: "gaming",
    website: "https://pixelspel.example",
    size: "10-49",
    path: ["start_review", "reject"],
    reasons: ["Granskning påbörjad.", "Organisationsnumret hör till ett annat bolag. Ansök gärna igen med rätt uppgifter."],
    people: [{ name: "Viktor Sund", email: "viktor@pixelspel.example", roles: ["org_admin"] }],
  },
  {
    name: "Handelshuset Väst AB",
    number: "556345678",
    industry: "retail",
    website: "https://handelshuset.example",
    size: "250-999",
    path: ["approve", "offboard"],
    reasons: ["Godkänd.", "Partnerskapet avslutat på företagets begäran."],
    people: [{ name: "Lena Dahl", email: "lena@handelshuset.example", roles: ["org_admin"] }],
  },
  {
    name: "Omsorg i Norr AB",
    number: "556456789",
    industry: "employer",
    website: "https://omsorgnorr.example",
    size: "50-249",
    path: ["approve"],
    reasons: ["Godkänd partner."],
    people: [{ name: "Jonas Frisk", email: "jonas@omsorgnorr.example", roles: ["org_admin", "compliance_officer", "partner_manager"] }],
  },
];

export interface DemoLogins {
  staff: { email: string; role: string }[];
  company: { email: string; organisation: string; roles: Role[] }[];
}

export async function seedDemo(db: Db): Promise<DemoLogins> {
  if (getEnv().isProduction) throw new Error("The demo data must never be created in production.");
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const logins: DemoLogins = { staff: [], company: [] };

  const staffIds: string[] = [];
  for (const s of [
    { name: "Sofia Staffadmin", email: "staffadmin@ecpat.example", role: "staff_admin" as const },
    { name: "Karl Handläggare", email: "staff@ecpat.example", role: "staff" as const },
  ]) {
    const id = await insertUser(db, { email: s.email, name: s.name, passwordHash, locale: "sv", staffRole: s.role, emailVerified: true });
    await db
      .updateTable("user")
      .set({ totp_secret: encrypt(getEnv().APP_SECRET, "totp-secret", DEMO_TOTP_SECRET), totp_enabled_at: Date.now() })
      .where("id", "=", id)
      .execute();
    await replaceRecoveryCodes(db, id);
    staffIds.push(id);
    logins.staff.push({ email: s.email, role: s.role });
  }
  const staffActor: Actor = { ...systemActor(), userId: staffIds[1]!, label: "staff@ecpat.example" };

  const created = new Map<string, { id: string; industry: Industry; people: Map<string, string> }>();
  let age = companies.length * 40;
  for (const c of companies) {
    const createdAt = Date.now() - age * DAY;
    age -= 40;
    const organisationId = newId();
    await db
      .insertInto("organisation")
      .values({
        id: organisationId,
        name: c.name,
        country: "SE",
        org_number: withCheckDigit(c.number),
        industry: c.industry,
        website: c.website,
        size_band: c.size,
        status: "applied" satisfies OrganisationStatus,
        status_reason: null,
        status_changed_at: createdAt,
        created_at: createdAt,
        updated_at: createdAt,
      })
      .execute();
    await db
      .insertInto("organisation_status_event")
      .values({ id: newId(), organisation_id: organisationId, from_status: null, to_status: "applied", reason: null, actor_user_id: null, at: createdAt })
      .execute();
    const people = new Map<string, string>();
    for (const p of c.people) {
      const userId = await insertUser(db, { email: p.email, name: p.name, passwordHash, locale: "sv", emailVerified: true });
      await addMembership(db, organisationId, userId, p.roles);
      people.set(p.email, userId);
      logins.company.push({ email: p.email, organisation: c.name, roles: p.roles });
    }
    created.set(c.name, { id: organisationId, industry: c.industry, people });
    await recordAudit(db, systemActor("demo-seed"), { action: "organisation.registered", organisationId, targetType: "organisation", targetId: organisationId });
    for (const [i, decision] of c.path.entries()) {
      await decideOrganisation(db, staffActor, organisationId, decision, c.reasons[i] ?? "");
    }
  }

  // Self-assessments: two years of history in different states.
  await publishMissingFrameworks(db, systemActor("demo-seed"));
  if ((await getCurrentFrameworks(db)).has("core")) {
    const year = new Date().getUTCFullYear();
    const officer = (company: string, email: string): Actor => ({ ...systemActor(), userId: created.get(company)!.people.get(email)!, label: email });
    const plans: DemoAssessmentPlan[] = [
      { company: "Nordresor AB", email: "compliance@nordresor.example", years: [{ year: year - 1, quality: 0.5, state: "approved" as const }, { year, quality: 0.6, state: "draft" as const }] },
      { company: "Fjällnät Hosting AB", email: "hugo@fjallnat.example", years: [{ year: year - 1, quality: 0.55, state: "approved" as const }, { year, quality: 0.7, state: "submitted" as const }] },
      { company: "Omsorg i Norr AB", email: "jonas@omsorgnorr.example", years: [{ year, quality: 0.45, state: "returned" as const }] },
      { company: "Klickbar Social AB", email: "sara@klickbar.example", years: [{ year, quality: 0.35, state: "draft" as const }] },
    ].map((p) => ({ organisationId: created.get(p.company)!.id, industry: created.get(p.company)!.industry, officer: officer(p.company, p.email), years: p.years }));
    // Five more travel companies with approved assessments last year: enough for an industry median.
    for (const [i, name] of ["Fjordresor AB", "Solkusten Travel AB", "Lappland Adventures AB", "Citybreak Sverige AB", "Skärgårdsturer AB"].entries()) {
      const id = newId();
      const at = Date.now() - 400 * DAY;
      await db
        .insertInto("organisation")
        .values({ id, name, country: "SE", org_number: withCheckDigit(String(559400000 + i * 1117)), industry: "travel", website: null, size_band: "10-49", status: "approved", status_reason: null, status_changed_at: at, created_at: at, updated_at: at })
        .execute();
      const email = `compliance@peer${i + 1}.example`;
      const userId = await insertUser(db, { email, name: `Compliance ${name}`, passwordHash, locale: "sv", emailVerified: true });
      await addMembership(db, id, userId, ["org_admin", "compliance_officer"]);
      plans.push({ organisationId: id, industry: "travel", officer: { ...systemActor(), userId, label: email }, years: [{ year: year - 1, quality: 0.3 + i * 0.12, state: "approved" }] });
    }
    await seedDemoAssessments(db, staffActor, plans);
  }

  // Collaborative actions: two years for the active companies, in every state.
  const manager = (company: string, email: string): Actor => ({ ...systemActor(), userId: created.get(company)!.people.get(email)!, label: email });
  await seedDemoCollaboration(db, staffActor, [
    { organisationId: created.get("Nordresor AB")!.id, manager: manager("Nordresor AB", "partner@nordresor.example"), perYear: 9 },
    { organisationId: created.get("Fjällnät Hosting AB")!.id, manager: manager("Fjällnät Hosting AB", "hugo@fjallnat.example"), perYear: 6 },
    { organisationId: created.get("Omsorg i Norr AB")!.id, manager: manager("Omsorg i Norr AB", "jonas@omsorgnorr.example"), perYear: 4 },
    { organisationId: created.get("Klickbar Social AB")!.id, manager: manager("Klickbar Social AB", "sara@klickbar.example"), perYear: 3 },
  ]);

  // Hash lists: Nordresor has access (agreement accepted, lists granted); Handelshuset has accepted
  // the agreement but has no lists yet.
  const adminOf = (company: string, email: string) => ({ id: created.get(company)!.people.get(email)!, email, name: companies.find((c) => c.name === company)!.people.find((p) => p.email === email)!.name });
  await seedDemoHashlists(db, { ...systemActor(), userId: staffIds[0]!, label: "staffadmin@ecpat.example" }, [
    { organisationId: created.get("Nordresor AB")!.id, admin: adminOf("Nordresor AB", "admin@nordresor.example"), grant: true },
    { organisationId: created.get("Handelshuset Väst AB")!.id, admin: adminOf("Handelshuset Väst AB", "lena@handelshuset.example"), grant: false },
  ]);

  // Commitment reports: every approved company has signed and has a report that verifies.
  await seedDemoReports(db, DEMO_PASSWORD);
  return logins;
}
