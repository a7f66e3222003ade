import type { Db } from "#db/dialect";
import { fromJson } from "#db/json";
import { ApiProblem } from "~/modules/api/problem.server";
import { ipAllowed } from "./cidr.server";
import { hashApiKey, isWellFormedApiKey } from "./key-format.server";
import type { Scope } from "./api-keys.server";

export interface ApiList {
  id: number;
  slug: string;
  isTest: boolean;
  lastSeq: number;
  minSeq: number;
  liveCount: number;
}

export interface ApiKeyAuth {
  keyId: string;
  organisationId: string;
  scopes: Scope[];
  /** The lists this key may use now: its own lists that are granted (or the test list). */
  lists: ApiList[];
}

/** The bearer token of an Authorization header, or null. */
export function bearerOf(header: string | null): string | null {
  const match = header ? /^Bearer[ ]+([^\s]+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

/**
 * What the database says of a key, kept for a moment by the server that asked (docs/decisions/0013):
 * every check is still made on every request (expiry and revocation against the time of the request),
 * only the database's answer may be up to `ttlMs` old. Unknown keys are never kept. The server empties
 * it whenever it has handled a change (any form it was sent), so a key revoked, an organisation
 * suspended or a grant withdrawn holds from the very next request on that server, and within `ttlMs`
 * on any other. `ttlMs` 0 asks the database every time.
 */
export class VerifiedKeys {
  private readonly answers = new Map<string, { at: number; rows: KeyRow[] }>();

  constructor(
    readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(sha256: string, now: number): KeyRow[] | null {
    const kept = this.answers.get(sha256);
    if (!kept) return null;
    if (now - kept.at < this.ttlMs && now >= kept.at) return kept.rows;
    this.answers.delete(sha256);
    return null;
  }

  set(sha256: string, rows: KeyRow[], now: number) {
    if (this.ttlMs <= 0) return;
    if (this.answers.size >= this.max) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(sha256, { at: now, rows });
  }

  clear() {
    this.answers.clear();
  }
}

type KeyRow = Awaited<ReturnType<typeof readKey>>[number];

/** The key (by its SHA-256) with its organisation, lists and grants, and the agreement and any grant. */
function readKey(db: Db, sha256: string) {
  return db
    .selectFrom("api_key as k")
    .innerJoin("organisation as o", "o.id", "k.organisation_id")
    .leftJoin("api_key_list as kl", "kl.key_id", "k.id")
    .leftJoin("hash_list as l", "l.id", "kl.list_id")
    .leftJoin("hashlist_grant as g", (join) => join.onRef("g.organisation_id", "=", "k.organisation_id").onRef("g.list_id", "=", "kl.list_id"))
    .select((eb) => [
      "k.id",
      "k.organisation_id",
      "k.scopes",
      "k.allowed_cidrs",
      "k.expires_at",
      "k.revoked_at",
      "o.status",
      "l.id as list_id",
      "l.slug",
      "l.is_test",
      "l.last_seq",
      "l.min_seq",
      "l.live_count",
      "g.list_id as granted",
      eb
        .exists(
          eb
            .selectFrom("agreement_acceptance as a")
            .select("a.id")
            .whereRef("a.organisation_id", "=", "k.organisation_id")
            .where("a.agreement_version_id", "=", (sub) =>
              sub.selectFrom("agreement_version as v").select("v.id").where("v.kind", "=", "data_use").orderBy("v.published_at", "desc").orderBy("v.id", "desc").limit(1),
            ),
        )
        .as("accepted"),
      eb.exists(eb.selectFrom("hashlist_grant as any_grant").select("any_grant.list_id").whereRef("any_grant.organisation_id", "=", "k.organisation_id")).as("has_grant"),
    ])
    .where("k.secret_sha256", "=", sha256)
    .execute();
}

/**
 * Checks an API key and everything that gates it: the key (its SHA-256), not expired or revoked, the
 * address allowlist, the organisation approved, the data-use agreement in force accepted, some list
 * granted, and the scope – one query, which also gives the lists' checkpoints the request works from.
 * With a `cache`, its kept answer may stand in for that query; the checkpoints are then read afresh
 * (the one round trip the request needs anyway), so a client never sees a list older than it is. 401
 * says nothing about why a key is refused; 403 names what is not allowed.
 */
export async function verifyApiKey(db: Db, authorization: string | null, ip: string | null, scope: Scope, now = Date.now(), cache?: VerifiedKeys): Promise<ApiKeyAuth> {
  const secret = bearerOf(authorization);
  // The checksum refuses made-up and mistyped keys without touching the database.
  if (!secret || !isWellFormedApiKey(secret)) throw new ApiProblem("invalid_key");
  const sha256 = hashApiKey(secret);
  const kept = cache?.get(sha256, now) ?? null;
  const rows = kept ?? (await readKey(db, sha256));
  if (!kept && rows.length) cache?.set(sha256, rows, now);
  const key = rows[0];
  if (!key) throw new ApiProblem("invalid_key");
  if (Number(key.expires_at) <= now || (key.revoked_at !== null && Number(key.revoked_at) <= now)) throw new ApiProblem("invalid_key");
  const cidrs = fromJson<string[]>(key.allowed_cidrs, []);
  if (cidrs.length && !ipAllowed(ip, cidrs)) throw new ApiProblem("address_not_allowed");
  if (key.status !== "approved" || !Number(key.accepted) || !Number(key.has_grant)) throw new ApiProblem("access_inactive");
  const scopes = key.scopes.split(" ") as Scope[];
  if (!scopes.includes(scope)) throw new ApiProblem("scope_not_allowed", `This operation needs the scope ${scope}.`);
  let lists: ApiList[] = rows
    .filter((r) => r.list_id !== null && (Number(r.is_test) === 1 || r.granted !== null))
    .map((r) => ({ id: Number(r.list_id), slug: r.slug!, isTest: Number(r.is_test) === 1, lastSeq: Number(r.last_seq), minSeq: Number(r.min_seq), liveCount: Number(r.live_count) }));
  if (kept && lists.length) {
    const heads = await db.selectFrom("hash_list").select(["id", "last_seq", "min_seq", "live_count"]).where("id", "in", lists.map((l) => l.id)).execute();
    const byId = new Map(heads.map((h) => [Number(h.id), h]));
    lists = lists.flatMap((l) => {
      const h = byId.get(l.id);
      return h ? [{ ...l, lastSeq: Number(h.last_seq), minSeq: Number(h.min_seq), liveCount: Number(h.live_count) }] : [];
    });
  }
  return { keyId: key.id, organisationId: key.organisation_id, scopes, lists };
}
