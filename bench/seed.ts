/**
 * Benchmark data: N organisations (default 1,000) with several members each, status histories,
 * invitations in every state, audit events and some live sessions, written in batches with Kysely in
 * one transaction (about a quarter of a second for 1,000 organisations). The same seed gives the
 * same names, counts and states (ids and token hashes are random). One password hash (the app's own
 * hashPassword, argon2id) is computed once and shared by every account, so the failed-login
 * benchmark verifies against a real hash.
 *
 * Further down, what several benchmarks add to that: hash-list entries, a throwaway MariaDB
 * database, list access with an API key, and collaborative actions.
 */
import crypto from "node:crypto";
import { sql, type Insertable } from "kysely";
import { createDb, type Db } from "#db/dialect";
import { toJson } from "#db/json";
import type { Database, OrganisationStatus, Role } from "#db/schema";
import { withCheckDigit } from "#db/seed/demo";
import { acceptAgreement, getCurrentAgreement } from "~/modules/agreements/agreements.server";
import { createApiKey } from "~/modules/api-keys/api-keys.server";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { ROLES } from "~/modules/auth/permissions";
import { ACTION_STATUSES, ACTION_TYPES, FIGURES_BY_TYPE } from "~/modules/collaboration/types";
import { setHashlistGrants } from "~/modules/hashlist/access.server";
import { getHashList } from "~/modules/hashlist/lists.server";
import { ALGORITHM_CODE, type Algorithm, type HashEntry } from "~/modules/hashlist/values";
import { INDUSTRIES, SIZE_BANDS } from "~/modules/organisations/schema";
import { newId } from "~/utils/ids";
import { fmt, log } from "./lib";
import { mulberry32, mulberry32Unit } from "../test/support/prng";

const DAY = 86_400_000;
const INVITATION_LIFETIME_MS = 7 * DAY;

/** The benchmark's signed-in company user (org admin of an approved organisation, no 2FA yet). */
export const BENCH_USER_EMAIL = "bench.admin@benchmark.example";
export const BENCH_PASSWORD = "Bench-password-2026-correct";

export interface SeedResult {
  user: { email: string; name: string };
  organisation: { id: string; name: string };
  counts: Record<string, number>;
  ms: number;
}

/** Seeded random choices (the data is the same on every run). */
export function prng(seed: number) {
  const next = mulberry32Unit(seed);
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

const FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Sara", "Johan", "Eva", "Per", "Lena", "Mikael", "Emma", "Nils", "Ida", "Oskar", "Elin", "Gustav", "Maja", "Viktor", "Linnea", "Hugo", "Sofia", "Axel"];
const LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Holm", "Berg", "Ek", "Dahl", "Sund", "Frisk"];
const WORD_A = ["Nord", "Fjäll", "Sol", "Skog", "Havs", "Berg", "Älv", "Stjärn", "Is", "Ljus", "Vind", "Sten", "Löv", "Granit", "Polar", "Kust"];
const WORD_B = ["resor", "nät", "data", "handel", "spel", "betal", "tele", "media", "logistik", "moln", "system", "omsorg", "bygg", "energi"];
const FORM = ["AB", "AB", "AB", "Sverige AB", "Group AB", "& Co AB"];

/** Status paths ending in each state, as the staff would have decided them. */
const PATHS: Record<OrganisationStatus, OrganisationStatus[]> = {
  applied: ["applied"],
  under_review: ["applied", "under_review"],
  approved: ["applied", "under_review", "approved"],
  suspended: ["applied", "under_review", "approved", "suspended"],
  offboarded: ["applied", "approved", "offboarded"],
  rejected: ["applied", "under_review", "rejected"],
};
const REASONS: Partial<Record<OrganisationStatus, string>> = {
  under_review: "Granskning påbörjad.",
  approved: "Godkänd: policy och kontaktpersoner på plats.",
  suspended: "Avstängd i väntan på uppdaterat dataskyddsavtal.",
  offboarded: "Partnerskapet avslutat på företagets begäran.",
  rejected: "Organisationsnumret hör till ett annat bolag.",
};

/** The staff decision that leads to each state (audit actions are `organisation.<decision>`). */
const DECISIONS: Partial<Record<OrganisationStatus, string>> = {
  under_review: "start_review",
  approved: "approve",
  suspended: "suspend",
  offboarded: "offboard",
  rejected: "reject",
};

/** Weighted: most partners are approved; every state occurs. */
function pickStatus(r: ReturnType<typeof prng>): OrganisationStatus {
  const x = r.next();
  if (x < 0.55) return "approved";
  if (x < 0.7) return "under_review";
  if (x < 0.82) return "applied";
  if (x < 0.9) return "suspended";
  if (x < 0.95) return "offboarded";
  return "rejected";
}

const slugOf = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

const randomHex = () => crypto.randomBytes(32).toString("hex");

type Rows = { [T in keyof Database]: Insertable<Database[T]>[] };

/** Inserts rows in batches small enough for SQLite's bound-parameter limit (and MySQL's packet size). */
export async function insertBatched<T extends keyof Database>(db: Db, table: T, rows: Insertable<Database[T]>[]) {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.floor(4_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

export async function seedBench(db: Db, options: { organisations: number; passwordHash: string; seed?: number }): Promise<SeedResult> {
  const started = performance.now();
  const r = prng(options.seed ?? 2026);
  const now = Date.now();
  const rows: Rows = {
    organisation: [],
    organisation_status_event: [],
    user: [],
    membership: [],
    membership_role: [],
    invitation: [],
    session: [],
    token: [],
    recovery_code: [],
    rate_limit: [],
    audit_event: [],
    mail_outbox: [],
    framework_version: [],
    assessment: [],
    assessment_module: [],
    assessment_answer: [],
    evidence_file: [],
    assessment_evidence: [],
    assessment_comment: [],
    improvement_item: [],
    improvement_note: [],
    agreement_version: [],
    agreement_acceptance: [],
    hash_list: [],
    hash_entry: [],
    hash_snapshot: [],
    hash_import: [],
    hashlist_grant: [],
    api_key: [],
    api_key_list: [],
    api_key_usage: [],
    api_access_log: [],
    collab_action: [],
    collab_revision: [],
    collab_target: [],
    collab_file: [],
    collab_comment: [],
    commitment_signature: [],
    report: [],
    job: [],
    job_run: [],
    notice: [],
  };

  const user = (email: string, name: string, createdAt: number, extra: Partial<Insertable<Database["user"]>> = {}) => {
    const id = newId();
    rows.user.push({
      id,
      email,
      name,
      password_hash: options.passwordHash,
      email_verified_at: createdAt + 3_600_000,
      locale: r.chance(0.85) ? "sv" : "en",
      staff_role: null,
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      disabled_at: null,
      created_at: createdAt,
      updated_at: createdAt,
      ...extra,
    });
    return id;
  };

  // NGO staff: the actors of the status decisions.
  const staff = [
    { email: "staffadmin@ecpat.example", name: "Sofia Staffadmin", role: "staff_admin" as const },
    { email: "staff@ecpat.example", name: "Karl Handläggare", role: "staff" as const },
    { email: "staff2@ecpat.example", name: "Lisa Granskare", role: "staff" as const },
  ].map((s) => ({ email: s.email, id: user(s.email, s.name, now - 800 * DAY, { staff_role: s.role, locale: "sv" }) }));

  // The benchmark's organisation sits in the middle of the table, not first or last.
  const benchIndex = Math.floor(options.organisations / 2);
  let bench: SeedResult | undefined;
  const usedNames = new Set<string>();

  for (let i = 0; i < options.organisations; i++) {
    const isBench = i === benchIndex;
    let name = `${r.pick(WORD_A)}${r.pick(WORD_B)} ${r.pick(FORM)}`;
    if (usedNames.has(name)) name = `${name.replace(/ AB$/, "")} ${i} AB`;
    usedNames.add(name);
    const domain = `${slugOf(name)}-${i}.example`;
    const createdAt = now - r.int(30, 730) * DAY;
    const status: OrganisationStatus = isBench ? "approved" : pickStatus(r);
    const path = PATHS[status];
    const organisationId = newId();

    // Status history: one event per step, a few days to weeks apart, decided by staff.
    let at = createdAt;
    let from: OrganisationStatus | null = null;
    for (const [step, to] of path.entries()) {
      if (step > 0) at = Math.min(now - DAY, at + r.int(2, 60) * DAY);
      const actor = step === 0 ? null : r.pick(staff);
      rows.organisation_status_event.push({ id: newId(), organisation_id: organisationId, from_status: from, to_status: to, reason: REASONS[to] ?? null, actor_user_id: actor?.id ?? null, at });
      rows.audit_event.push({
        id: newId(),
        at,
        actor_user_id: actor?.id ?? null,
        actor_label: actor?.email ?? "anonymous",
        organisation_id: organisationId,
        action: step === 0 ? "organisation.registered" : `organisation.${DECISIONS[to]}`,
        target_type: "organisation",
        target_id: organisationId,
        ip: null,
        user_agent: null,
        details: step === 0 ? null : toJson({ from, to, reason: REASONS[to] ?? "" }),
      });
      from = to;
    }
    rows.organisation.push({
      id: organisationId,
      name,
      country: "SE",
      org_number: withCheckDigit(String(556_000_000 + i * 97)),
      industry: r.pick(INDUSTRIES),
      website: r.chance(0.8) ? `https://${domain}` : null,
      size_band: r.pick(SIZE_BANDS),
      status,
      status_reason: REASONS[status] ?? null,
      status_changed_at: at,
      created_at: createdAt,
      updated_at: at,
    });

    // Members: 2–7 people; the first is the org admin (often with a second role), the others have
    // one role, sometimes a second one (now and then org_admin). A few have two-factor sign-in, a
    // few are disabled, about one in ten has a live session.
    const memberCount = isBench ? 6 : r.int(2, 7);
    const memberIds: string[] = [];
    let adminEmail = "";
    for (let m = 0; m < memberCount; m++) {
      const first = r.pick(FIRST);
      const last = r.pick(LAST);
      const isBenchUser = isBench && m === 0;
      const email = isBenchUser ? BENCH_USER_EMAIL : `${slugOf(first)}.${slugOf(last)}.${m}@${domain}`;
      const personName = isBenchUser ? "Bengt Benchmark" : `${first} ${last}`;
      const joined = Math.min(now - DAY, createdAt + m * r.int(0, 40) * DAY);
      const totp = !isBenchUser && r.chance(0.3);
      const userId = user(email, personName, joined, {
        totp_secret: totp ? "bench-not-a-real-secret" : null,
        totp_enabled_at: totp ? joined + DAY : null,
        disabled_at: !isBenchUser && m > 0 && r.chance(0.03) ? now - r.int(1, 20) * DAY : null,
        ...(isBenchUser ? { locale: "sv" } : {}),
      });
      memberIds.push(userId);
      if (m === 0) adminEmail = email;
      const membershipId = newId();
      rows.membership.push({ id: membershipId, organisation_id: organisationId, user_id: userId, created_at: joined });
      let roles: Role[];
      if (m === 0) roles = r.chance(0.4) ? ["org_admin", r.pick(ROLES.slice(1))] : ["org_admin"];
      else roles = [...new Set([r.pick(ROLES.slice(1)), ...(r.chance(0.25) ? [r.pick(ROLES)] : [])])];
      if (isBench) roles = m === 0 ? ["org_admin"] : [ROLES[1 + (m % 3)]!];
      for (const role of roles) rows.membership_role.push({ membership_id: membershipId, role });
      rows.audit_event.push({
        id: newId(),
        at: joined,
        actor_user_id: memberIds[0]!,
        actor_label: adminEmail,
        organisation_id: organisationId,
        action: m === 0 ? "user.registered" : "member.joined",
        target_type: "user",
        target_id: userId,
        ip: "198.51.100.7",
        user_agent: "Mozilla/5.0",
        details: toJson({ roles }),
      });
      if (!isBenchUser && r.chance(0.1)) {
        rows.session.push({
          id: randomHex(),
          user_id: userId,
          expires_at: now + r.int(10, 110) * 60_000,
          created_at: now - r.int(1, 300) * 60_000,
          two_factor_at: totp ? now - 60_000 : null,
          active_organisation_id: organisationId,
          ip: "198.51.100.7",
          user_agent: "Mozilla/5.0",
        });
      }
    }

    // Invitations: accepted and revoked ones in the history, and pending ones (some expired).
    const invitations = isBench ? 4 : r.chance(0.45) ? r.int(1, 4) : 0;
    for (let k = 0; k < invitations; k++) {
      const kind = isBench ? (["pending", "pending", "expired", "accepted"] as const)[k]! : r.pick(["pending", "expired", "accepted", "accepted", "revoked"] as const);
      const created = kind === "pending" ? now - r.int(1, 5) * DAY : now - r.int(10, 300) * DAY;
      rows.invitation.push({
        id: newId(),
        organisation_id: organisationId,
        email: `invitee.${k}@${domain}`,
        roles: toJson([r.pick(ROLES.slice(1))]),
        token_hash: randomHex(),
        invited_by: memberIds[0]!,
        created_at: created,
        expires_at: created + INVITATION_LIFETIME_MS,
        accepted_at: kind === "accepted" ? created + DAY : null,
        revoked_at: kind === "revoked" ? created + 2 * DAY : null,
      });
    }

    if (isBench) {
      bench = { user: { email: BENCH_USER_EMAIL, name: "Bengt Benchmark" }, organisation: { id: organisationId, name }, counts: {}, ms: 0 };
    }
  }

  await db.transaction().execute(async (trx) => {
    // Parents before children (foreign keys are on).
    for (const table of ["organisation", "organisation_status_event", "user", "membership", "membership_role", "invitation", "session", "audit_event"] as const) {
      await insertBatched(trx, table, rows[table]);
    }
  });
  const counts = Object.fromEntries(Object.entries(rows).filter(([, v]) => v.length).map(([k, v]) => [k, v.length]));
  return { ...bench!, counts, ms: Math.round(performance.now() - started) };
}

// ---------------------------------------------------------------------------------------------
// Hash lists: synthetic entries, a throwaway MariaDB database, access and an API key (bench/hashlist.ts, bench/scale.ts).

export type Rand = ReturnType<typeof mulberry32>;

export function randomBytes(rand: Rand, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE(rand(), i);
  return b;
}

/** sha256 50 %, md5 20 %, sha1 10 %, pdq 20 %. */
const MIX: Algorithm[] = ["sha256", "sha256", "sha256", "sha256", "sha256", "md5", "md5", "sha1", "pdq", "pdq"];
export const BYTES: Record<Algorithm, number> = { md5: 16, sha1: 20, sha256: 32, pdq: 32, photodna: 144 };
const CATEGORIES = ["A", "B", "C", "unknown"] as const;

export function syntheticEntry(rand: Rand): HashEntry & { value: Buffer } {
  const algorithm = MIX[rand() % MIX.length]!;
  const value = randomBytes(rand, BYTES[algorithm]);
  return { algorithm, value, text: "", quality: algorithm === "pdq" ? 50 + (rand() % 51) : null, category: CATEGORIES[rand() % 4]!, source: "bench" };
}

export interface Sample {
  algorithm: Algorithm;
  value: Buffer;
}

/**
 * Writes `count` entries after the list's checkpoint, in transactions of 50,000 and inserts of 2,000 rows
 * (straight into hash_entry: the services would take minutes); every `sampleEvery`-th is kept in `samples`.
 */
export async function bulkLoad(db: Db, listId: number, count: number, rand: Rand, samples: Sample[], sampleEvery: number): Promise<number> {
  const started = performance.now();
  const list = (await getHashList(db, listId))!;
  let seq = list.lastSeq;
  const end = seq + count;
  const now = Date.now();
  let reported = performance.now();
  while (seq < end) {
    const n = Math.min(50_000, end - seq);
    await db.transaction().execute(async (trx) => {
      for (let k = 0; k < n; k += 2000) {
        const rows = [];
        for (let j = 0; j < Math.min(2000, n - k); j++) {
          const e = syntheticEntry(rand);
          seq++;
          if (seq % sampleEvery === 0) samples.push({ algorithm: e.algorithm, value: e.value });
          rows.push({ list_id: listId, added_seq: seq, algorithm: ALGORITHM_CODE[e.algorithm], value: e.value, quality: e.quality, category: e.category, source: e.source, added_at: now, removed_seq: null, removed_at: null, live: 1 });
        }
        await trx.insertInto("hash_entry").values(rows).execute();
      }
      await trx
        .updateTable("hash_list")
        .set((eb) => ({ last_seq: seq, live_count: eb("live_count", "+", n), updated_at: now }))
        .where("id", "=", listId)
        .execute();
    });
    if (performance.now() - reported > 15_000) {
      reported = performance.now();
      log(`    … ${fmt(seq - list.lastSeq)} of ${fmt(count)} entries written (${fmt((performance.now() - started) / 1000, 0)} s)`);
    }
  }
  return performance.now() - started;
}

/**
 * A fresh MariaDB/MySQL database `pp_bench_<random>` on the server of `baseUrl`; `drop()` removes it
 * (kept with BENCH_KEEP=1).
 */
export async function createBenchDatabase(baseUrl: string): Promise<{ name: string; url: URL; drop: () => Promise<void> }> {
  const name = `pp_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = createDb(baseUrl, { poolSize: 1 });
  try {
    await sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).execute(admin);
  } finally {
    await admin.destroy();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    if (process.env.BENCH_KEEP === "1") return log(`Kept the MariaDB database ${name}.`);
    const a = createDb(baseUrl, { poolSize: 1 });
    try {
      await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(a);
    } finally {
      await a.destroy();
    }
  };
  return { name, url, drop };
}

/**
 * Gives an organisation access to a list as the NGO would: its admin accepts the data-use agreement,
 * the staff grant the list, and `keyOwner` creates an API key (scopes hashlist:read and
 * hashlist:match, that list, 30 days). Returns the key's secret.
 */
export async function grantListWithKey(db: Db, organisationId: string, admin: Actor & { userId: string }, keyOwner: Actor, listId: number): Promise<string> {
  const agreement = await getCurrentAgreement(db, "data_use");
  if (!agreement) throw new Error("No data-use agreement was published (db/agreements/).");
  await acceptAgreement(db, admin, organisationId, { kind: "data_use", versionId: agreement.id, name: "Bench admin", language: "sv" });
  await setHashlistGrants(db, systemActor("bench"), organisationId, [listId]);
  const key = await createApiKey(db, keyOwner, organisationId, { name: "bench", scopes: ["hashlist:read", "hashlist:match"], listIds: [listId], days: 30, cidrs: [] });
  return key.secret;
}

// ---------------------------------------------------------------------------------------------
// Collaborative actions (bench/collaboration.ts, bench/scale.ts).

const TITLES = ["Utbildning för kundtjänst", "Informationskampanj till resenärer", "Bidrag till hotlinens arbete", "Rapporter från moderatorteamet", "Borttagning av rapporterade adresser", "Genomgång av rapporteringsfunktionen", "Anonymiserad statistik", "Frukostseminarium om sextortion"];

/**
 * Collaborative actions (and their first revisions) for the organisations, over `years` years up to
 * this one: the first `companyActions` are the benchmark company's, the rest spread over the others.
 * (Bulk rows: the services would take minutes for this many; the service tests cover the rules.)
 */
export function actionRows(organisationIds: string[], benchOrganisationId: string, userId: string, options: { actions: number; companyActions: number; years: number }) {
  const YEAR = new Date().getUTCFullYear();
  const { next } = prng(5);
  const actions: Insertable<Database["collab_action"]>[] = [];
  const revisions: Insertable<Database["collab_revision"]>[] = [];
  const others = organisationIds.filter((id) => id !== benchOrganisationId);
  for (let i = 0; i < options.actions; i++) {
    const organisationId = i < options.companyActions ? benchOrganisationId : others[Math.floor(next() * others.length)]!;
    const t = Math.floor(next() * ACTION_TYPES.length);
    const type = ACTION_TYPES[t]!;
    const year = YEAR - Math.floor(next() * options.years);
    const startsOn = `${year}-${String(1 + Math.floor(next() * 12)).padStart(2, "0")}-${String(1 + Math.floor(next() * 28)).padStart(2, "0")}`;
    const status = year < YEAR ? (next() < 0.93 ? "done" : "cancelled") : ACTION_STATUSES[Math.floor(next() * ACTION_STATUSES.length)]!;
    const roll = next();
    const confirmation = status !== "done" ? "none" : roll < 0.7 ? "confirmed" : roll < 0.8 ? "requested" : roll < 0.9 ? "changes_requested" : "none";
    const fits = FIGURES_BY_TYPE[type];
    const at = Date.parse(`${startsOn}T12:00:00Z`);
    const action = {
      id: newId(),
      organisation_id: organisationId,
      type,
      title: `${TITLES[t % TITLES.length]} ${year} #${i}`,
      starts_on: startsOn,
      ends_on: null,
      year,
      description: "Två halvdagar om att känna igen och rapportera misstänkt övergreppsmaterial, med övningar och uppföljning.",
      people_company: "Kundtjänst och moderatorer",
      people_ngo: "Två utbildare från hotlinen",
      people_trained: fits.includes("peopleTrained") ? Math.floor(next() * 120) : null,
      reach: fits.includes("reach") ? Math.floor(next() * 100_000) : null,
      amount: type === "donation" ? 25_000 * (1 + Math.floor(next() * 10)) : null,
      currency: type === "donation" ? "SEK" : null,
      reports_handled: fits.includes("reportsHandled") ? Math.floor(next() * 80) : null,
      items_taken_down: fits.includes("itemsTakenDown") ? Math.floor(next() * 60) : null,
      status,
      links: null,
      confirmation,
      revision: 1,
      requested_at: confirmation === "none" ? null : at + 86_400_000,
      confirmed_revision: confirmation === "confirmed" ? 1 : null,
      confirmed_at: confirmation === "confirmed" ? at + 2 * 86_400_000 : null,
      confirmed_by: null,
      on_behalf: next() < 0.05 ? 1 : 0,
      created_at: at,
      created_by: organisationId === benchOrganisationId ? userId : null,
      updated_at: at,
      updated_by: null,
    } satisfies Insertable<Database["collab_action"]>;
    actions.push(action);
    revisions.push({ action_id: action.id, revision: 1, content: toJson({ type, title: action.title, startsOn }), changes: "[]", by_user_id: action.created_by, by_staff: 0, at });
  }
  return { actions, revisions };
}
