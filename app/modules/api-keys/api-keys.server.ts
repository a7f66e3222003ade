import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { recordAudit, systemActor, type Actor } from "~/modules/audit/audit.server";
import { getHashlistAccess } from "~/modules/hashlist/access.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { queueMail } from "~/modules/mail/mail.server";
import { getEnv } from "~/utils/env.server";
import { AppError } from "~/utils/errors";
import { newId } from "~/utils/ids";
import { parseCidr } from "./cidr.server";
import { generateApiKey } from "./key-format.server";

export const SCOPES = ["hashlist:read", "hashlist:match"] as const;
export type Scope = (typeof SCOPES)[number];
export const MAX_KEY_DAYS = 365;
export const MAX_GRACE_DAYS = 7;
export const MAX_CIDRS = 20;
const DAY = 86_400_000;

export interface ApiKeyInput {
  name: string;
  scopes: Scope[];
  listIds: number[];
  /** Days until the key expires: 1 to MAX_KEY_DAYS. */
  days: number;
  cidrs: string[];
}

/** Checks the input against what the organisation may use; returns normalised CIDR blocks. */
async function checkInput(db: Db, organisationId: string, input: ApiKeyInput): Promise<string[]> {
  const access = await getHashlistAccess(db, organisationId);
  if (!access.active) throw new AppError("hashlist_access_inactive", 409);
  if (!input.scopes.length || input.scopes.some((s) => !SCOPES.includes(s))) throw new AppError("invalid_form", 400, { fieldErrors: { scopes: "required" } });
  const usable = new Set(access.usable.map((l) => l.id));
  if (!input.listIds.length || input.listIds.some((id) => !usable.has(id))) throw new AppError("invalid_form", 400, { fieldErrors: { lists: "invalid_choice" } });
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_KEY_DAYS) throw new AppError("invalid_form", 400, { fieldErrors: { days: "key_expiry_range" } });
  if (input.cidrs.length > MAX_CIDRS) throw new AppError("invalid_form", 400, { fieldErrors: { cidrs: "too_many_cidrs" } });
  const cidrs: string[] = [];
  for (const c of input.cidrs) {
    const parsed = parseCidr(c);
    if (!parsed) throw new AppError("invalid_form", 400, { fieldErrors: { cidrs: "cidr_invalid" }, params: { value: c.slice(0, 50) } });
    cidrs.push(parsed.text);
  }
  return [...new Set(cidrs)];
}

async function insertKey(trx: Db, actor: Actor, organisationId: string, input: ApiKeyInput, cidrs: string[], now: number) {
  const id = newId();
  const { secret, sha256, display } = generateApiKey();
  await trx
    .insertInto("api_key")
    .values({
      id,
      organisation_id: organisationId,
      name: input.name,
      secret_sha256: sha256,
      display,
      scopes: [...new Set(input.scopes)].sort().join(" "),
      allowed_cidrs: cidrs.length ? toJson(cidrs) : null,
      created_at: now,
      created_by: actor.userId,
      expires_at: now + input.days * DAY,
      revoked_at: null,
      revoked_by: null,
      replaced_by: null,
      last_used_at: null,
      last_used_ip: null,
      expiry_warned_at: null,
    })
    .execute();
  await trx
    .insertInto("api_key_list")
    .values([...new Set(input.listIds)].map((list_id) => ({ key_id: id, list_id })))
    .execute();
  return { id, secret, display };
}

/** Creates a key. The secret is returned once, here, and never stored (only its SHA-256). */
export async function createApiKey(db: Db, actor: Actor, organisationId: string, input: ApiKeyInput): Promise<{ id: string; secret: string }> {
  return db.transaction().execute(async (trx) => {
    const cidrs = await checkInput(trx, organisationId, input);
    const now = Date.now();
    const key = await insertKey(trx, actor, organisationId, input, cidrs, now);
    await recordAudit(trx, actor, {
      action: "api_key.created",
      organisationId,
      targetType: "api_key",
      targetId: key.id,
      details: { name: input.name, display: key.display, scopes: input.scopes, lists: input.listIds, days: input.days, cidrs },
    });
    return { id: key.id, secret: key.secret };
  });
}

export interface ApiKeySummary {
  id: string;
  name: string;
  display: string;
  scopes: Scope[];
  lists: { id: number; slug: string; name: { sv: string; en: string } }[];
  cidrs: string[];
  createdAt: number;
  createdBy: string | null;
  expiresAt: number;
  revokedAt: number | null;
  replacedBy: string | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  state: "active" | "expired" | "revoked";
  /** Requests per UTC day for the last 30 days, oldest first. */
  usage: { day: string; ok: number; refused: number }[];
}

export function usageDays(now = Date.now(), days = 30): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * DAY).toISOString().slice(0, 10));
}

export async function listApiKeys(db: Db, organisationId: string, now = Date.now()): Promise<ApiKeySummary[]> {
  const rows = await db
    .selectFrom("api_key as k")
    .leftJoin("user as u", "u.id", "k.created_by")
    .select(["k.id", "k.name", "k.display", "k.scopes", "k.allowed_cidrs", "k.created_at", "k.expires_at", "k.revoked_at", "k.replaced_by", "k.last_used_at", "k.last_used_ip", "u.name as creator"])
    .where("k.organisation_id", "=", organisationId)
    .orderBy("k.created_at", "desc")
    .orderBy("k.id", "desc")
    .execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const days = usageDays(now);
  const [lists, usage] = await Promise.all([
    db.selectFrom("api_key_list as kl").innerJoin("hash_list as l", "l.id", "kl.list_id").select(["kl.key_id", "l.id", "l.slug", "l.name_sv", "l.name_en"]).where("kl.key_id", "in", ids).orderBy("l.slug").execute(),
    db.selectFrom("api_key_usage").select(["key_id", "day", "ok", "refused"]).where("key_id", "in", ids).where("day", ">=", days[0]!).execute(),
  ]);
  return rows.map((r) => {
    const byDay = new Map(usage.filter((u) => u.key_id === r.id).map((u) => [u.day, u]));
    const revokedAt = r.revoked_at === null ? null : Number(r.revoked_at);
    const expiresAt = Number(r.expires_at);
    return {
      id: r.id,
      name: r.name,
      display: r.display,
      scopes: r.scopes.split(" ") as Scope[],
      lists: lists.filter((l) => l.key_id === r.id).map((l) => ({ id: Number(l.id), slug: l.slug, name: { sv: l.name_sv, en: l.name_en } })),
      cidrs: fromJson<string[]>(r.allowed_cidrs, []) ?? [],
      createdAt: Number(r.created_at),
      createdBy: r.creator,
      expiresAt,
      revokedAt,
      replacedBy: r.replaced_by,
      lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
      lastUsedIp: r.last_used_ip,
      state: revokedAt !== null && revokedAt <= now ? "revoked" : expiresAt <= now ? "expired" : "active",
      usage: days.map((day) => ({ day, ok: Number(byDay.get(day)?.ok ?? 0), refused: Number(byDay.get(day)?.refused ?? 0) })),
    };
  });
}

async function getOwnKey(trx: Db, organisationId: string, keyId: string) {
  const key = await trx.selectFrom("api_key").selectAll().where("id", "=", keyId).where("organisation_id", "=", organisationId).executeTakeFirst();
  if (!key) throw new AppError("not_found", 404);
  return key;
}

/** Revokes a key: the very next request with it is refused. False when it already was revoked. */
export async function revokeApiKey(db: Db, actor: Actor, organisationId: string, keyId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const key = await getOwnKey(trx, organisationId, keyId);
    const now = Date.now();
    if (key.revoked_at !== null && Number(key.revoked_at) <= now) return false;
    // Conditional on what was read (not revoked, or stopping later after a roll): of two revocations
    // at once only one writes and is audited; the other finds the key revoked, as if it came second.
    const result = await trx
      .updateTable("api_key")
      .set({ revoked_at: now, revoked_by: actor.userId })
      .where("id", "=", keyId)
      .where((eb) => (key.revoked_at === null ? eb("revoked_at", "is", null) : eb("revoked_at", "=", key.revoked_at)))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await recordAudit(trx, actor, { action: "api_key.revoked", organisationId, targetType: "api_key", targetId: keyId, details: { name: key.name, display: key.display } });
    return true;
  });
}

/**
 * Rolls a key: a new key with the same name, scopes, lists and addresses, valid as long as the old one
 * was meant to be (at most a year), while the old one lives on for `graceDays` (0–7) and then stops.
 */
export async function rollApiKey(db: Db, actor: Actor, organisationId: string, keyId: string, graceDays: number): Promise<{ id: string; secret: string }> {
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) throw new AppError("invalid_form", 400, { fieldErrors: { graceDays: "grace_range" } });
  return db.transaction().execute(async (trx) => {
    const old = await getOwnKey(trx, organisationId, keyId);
    const now = Date.now();
    if ((old.revoked_at !== null && Number(old.revoked_at) <= now) || Number(old.expires_at) <= now || old.replaced_by) throw new AppError("api_key_not_active", 409);
    const lists = await trx.selectFrom("api_key_list").select("list_id").where("key_id", "=", keyId).execute();
    const lifetimeDays = Math.min(MAX_KEY_DAYS, Math.max(1, Math.round((Number(old.expires_at) - Number(old.created_at)) / DAY)));
    const input: ApiKeyInput = {
      name: old.name,
      scopes: old.scopes.split(" ") as Scope[],
      listIds: lists.map((l) => Number(l.list_id)),
      days: lifetimeDays,
      cidrs: fromJson<string[]>(old.allowed_cidrs, []) ?? [],
    };
    const cidrs = await checkInput(trx, organisationId, input);
    const fresh = await insertKey(trx, actor, organisationId, input, cidrs, now);
    const until = now + graceDays * DAY;
    // Conditional on what was read: of two rolls (or a roll and a revocation) at once, one wins and the
    // other is refused, its new key rolled back with it.
    const claimed = await trx
      .updateTable("api_key")
      .set({ replaced_by: fresh.id, revoked_at: Math.min(until, Number(old.expires_at)), revoked_by: actor.userId })
      .where("id", "=", keyId)
      .where("replaced_by", "is", null)
      .where((eb) => (old.revoked_at === null ? eb("revoked_at", "is", null) : eb("revoked_at", "=", old.revoked_at)))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError("api_key_not_active", 409);
    await recordAudit(trx, actor, {
      action: "api_key.rolled",
      organisationId,
      targetType: "api_key",
      targetId: keyId,
      details: { name: old.name, old: old.display, new: fresh.display, newId: fresh.id, graceDays, oldStopsAt: new Date(until).toISOString() },
    });
    return { id: fresh.id, secret: fresh.secret };
  });
}

/**
 * E-mails the organisation's engineers (and the key's creator) about each active key that expires
 * within `days` (API_KEY_EXPIRY_WARNING_DAYS, default 14), once per key. Safe on several instances:
 * each key is claimed with a conditional update before its mail is queued, in the same transaction.
 * Run by the scheduled job "api-key-expiry" (app/modules/jobs).
 */
export async function warnExpiringKeys(db: Db, now = Date.now(), days = getEnv().API_KEY_EXPIRY_WARNING_DAYS): Promise<number> {
  const due = await db
    .selectFrom("api_key as k")
    .innerJoin("organisation as o", "o.id", "k.organisation_id")
    .select(["k.id", "k.name", "k.display", "k.organisation_id", "k.created_by", "k.expires_at", "o.name as organisation"])
    .where("k.expiry_warned_at", "is", null)
    .where("k.revoked_at", "is", null)
    .where("k.expires_at", ">", now)
    .where("k.expires_at", "<=", now + days * DAY)
    .execute();
  let warned = 0;
  for (const key of due) {
    await db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable("api_key").set({ expiry_warned_at: now }).where("id", "=", key.id).where("expiry_warned_at", "is", null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      const people = await trx
        .selectFrom("membership")
        .innerJoin("user", "user.id", "membership.user_id")
        .leftJoin("membership_role", (join) => join.onRef("membership_role.membership_id", "=", "membership.id").on("membership_role.role", "=", "engineer"))
        .select(["user.id", "user.email", "user.name", "user.locale"])
        .where("membership.organisation_id", "=", key.organisation_id)
        .where("user.disabled_at", "is", null)
        .where((eb) => eb.or([eb("membership_role.role", "=", "engineer"), eb("user.id", "=", key.created_by ?? "")]))
        .execute();
      const seen = new Set<string>();
      for (const p of people) {
        if (seen.has(p.email)) continue;
        seen.add(p.email);
        await queueMail(trx, {
          to: p.email,
          language: toLanguage(p.locale),
          template: "api_key_expiring",
          params: { name: p.name, key: key.name, display: key.display, organisation: key.organisation, date: new Date(Number(key.expires_at)).toISOString().slice(0, 10) },
          link: `${getEnv().APP_URL}/app/api-keys`,
        });
      }
      await recordAudit(trx, systemActor("jobs"), { action: "api_key.expiry_warned", organisationId: key.organisation_id, targetType: "api_key", targetId: key.id, details: { name: key.name, expiresAt: Number(key.expires_at) } });
      warned++;
    });
  }
  return warned;
}
