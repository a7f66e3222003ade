/**
 * Sessions. The only module that imports lucia (see docs/decisions/0002-sessions-lucia-behind-one-module.md):
 * routes and other modules use the functions below, so that Lucia 3 (deprecated upstream) can be
 * replaced by the current Lucia guide's own session code without touching anything else.
 *
 * The cookie holds a random session id (200 bits); the database holds only its SHA-256, so a leaked
 * database or backup cannot be used to take over a session.
 */
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import type { Db } from "#db/dialect";
import type { SessionTable } from "#db/schema";
import { sha256Hex } from "~/utils/crypto.server";
import { getEnv } from "~/utils/env.server";
import { currentUserColumns, toCurrentUser, type CurrentUser } from "./users.server";

type SessionAttributes = Pick<SessionTable, "created_at" | "two_factor_at" | "active_organisation_id" | "ip" | "user_agent">;
type UserAttributes = { user: CurrentUser };

declare module "lucia" {
  interface Register {
    Lucia: Lucia<SessionAttributes, UserAttributes>;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: UserAttributes;
  }
}

/** Our Kysely adapter: one migration for both engines, times as epoch milliseconds, ids hashed. */
class HashedSessionAdapter implements Adapter {
  constructor(private readonly db: Db) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    // One query for the session and its (active) user.
    const row = await this.db
      .selectFrom("session")
      .innerJoin("user", "user.id", "session.user_id")
      .select([
        "session.user_id",
        "session.expires_at",
        "session.created_at",
        "session.two_factor_at",
        "session.active_organisation_id",
        "session.ip",
        "session.user_agent",
        ...currentUserColumns.map((c) => `user.${c}` as const),
      ])
      .where("session.id", "=", sha256Hex(sessionId))
      .where("user.disabled_at", "is", null)
      .executeTakeFirst();
    if (!row) return [null, null];
    return [
      {
        id: sessionId,
        userId: row.user_id,
        expiresAt: new Date(Number(row.expires_at)),
        attributes: {
          created_at: Number(row.created_at),
          two_factor_at: row.two_factor_at === null ? null : Number(row.two_factor_at),
          active_organisation_id: row.active_organisation_id,
          ip: row.ip,
          user_agent: row.user_agent,
        },
      },
      { id: row.user_id, attributes: { user: toCurrentUser(row) } },
    ];
  }

  // Required by Lucia's interface; we list sessions with listUserSessions (ids are hashes here).
  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db.selectFrom("session").selectAll().where("user_id", "=", userId).execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      expiresAt: new Date(Number(r.expires_at)),
      attributes: {
        created_at: Number(r.created_at),
        two_factor_at: r.two_factor_at === null ? null : Number(r.two_factor_at),
        active_organisation_id: r.active_organisation_id,
        ip: r.ip,
        user_agent: r.user_agent,
      },
    }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    await this.db
      .insertInto("session")
      .values({ id: sha256Hex(session.id), user_id: session.userId, expires_at: session.expiresAt.getTime(), ...session.attributes })
      .execute();
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable("session").set({ expires_at: expiresAt.getTime() }).where("id", "=", sha256Hex(sessionId)).execute();
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("session").where("id", "=", sha256Hex(sessionId)).execute();
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom("session").where("user_id", "=", userId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.deleteFrom("session").where("expires_at", "<=", Date.now()).execute();
  }
}

const instances = new WeakMap<Db, Lucia<SessionAttributes, UserAttributes>>();

function lucia(db: Db) {
  let instance = instances.get(db);
  if (!instance) {
    const env = getEnv();
    instance = new Lucia(new HashedSessionAdapter(db), {
      // Idle lifetime: the expiry slides forward while the session is used (Lucia renews it when
      // less than half remains); the absolute lifetime is enforced in validateSession below.
      sessionExpiresIn: new TimeSpan(env.SESSION_IDLE_MINUTES, "m"),
      sessionCookie: {
        name: sessionCookieName(),
        // Validity is decided on the server; see browserSessionCookie for the cookie's own lifetime.
        expires: false,
        attributes: { secure: env.isProduction, sameSite: "lax" },
      },
      getSessionAttributes: (attributes) => attributes,
      getUserAttributes: (attributes) => attributes,
    });
    instances.set(db, instance);
  }
  return instance;
}

/**
 * The cookie ends when the browser closes (no Max-Age; Lucia's "expires: false" would keep it for
 * 400 days), so a shared computer does not stay signed in; the server enforces the idle and
 * absolute lifetimes either way.
 */
function browserSessionCookie(db: Db, sessionId: string): string {
  const cookie = lucia(db).createSessionCookie(sessionId);
  delete cookie.attributes.maxAge;
  delete cookie.attributes.expires;
  return cookie.serialize();
}

export function sessionCookieName(): string {
  return getEnv().isProduction ? "__Host-pp_session" : "pp_session";
}

export interface AuthSession {
  /** The SHA-256 of the session id: how the session is named in lists and in the database. */
  key: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  twoFactorAt: number | null;
  activeOrganisationId: string | null;
}

export interface NewSessionMeta {
  ip: string | null;
  userAgent: string | null;
  twoFactorAt?: number | null;
  activeOrganisationId?: string | null;
}

/** Creates a session and returns the Set-Cookie header that carries it. */
export async function createSession(db: Db, userId: string, meta: NewSessionMeta): Promise<{ cookie: string; session: AuthSession }> {
  const now = Date.now();
  const s = await lucia(db).createSession(userId, {
    created_at: now,
    two_factor_at: meta.twoFactorAt ?? null,
    active_organisation_id: meta.activeOrganisationId ?? null,
    ip: meta.ip?.slice(0, 64) ?? null,
    user_agent: meta.userAgent?.slice(0, 255) ?? null,
  });
  return {
    cookie: browserSessionCookie(db, s.id),
    session: {
      key: sha256Hex(s.id),
      userId,
      createdAt: now,
      expiresAt: s.expiresAt.getTime(),
      twoFactorAt: meta.twoFactorAt ?? null,
      activeOrganisationId: meta.activeOrganisationId ?? null,
    },
  };
}

/** Validates the request's session (idle and absolute lifetimes, sliding renewal); with its user. */
export async function validateSession(db: Db, request: Request): Promise<{ session: AuthSession; user: CurrentUser } | null> {
  const sessionId = lucia(db).readSessionCookie(request.headers.get("Cookie") ?? "");
  if (!sessionId) return null;
  const { session, user } = await lucia(db).validateSession(sessionId);
  if (!session) return null;
  const absoluteMs = getEnv().SESSION_ABSOLUTE_HOURS * 3_600_000;
  if (Date.now() - session.created_at > absoluteMs) {
    await lucia(db).invalidateSession(sessionId);
    return null;
  }
  return {
    session: {
      key: sha256Hex(sessionId),
      userId: session.userId,
      createdAt: session.created_at,
      expiresAt: session.expiresAt.getTime(),
      twoFactorAt: session.two_factor_at,
      activeOrganisationId: session.active_organisation_id,
    },
    user: user.user,
  };
}

export function blankSessionCookie(db: Db): string {
  return lucia(db).createBlankSessionCookie().serialize();
}

/** Ends the session the request carries (if any). */
export async function endRequestSession(db: Db, request: Request): Promise<void> {
  const sessionId = lucia(db).readSessionCookie(request.headers.get("Cookie") ?? "");
  if (sessionId) await lucia(db).invalidateSession(sessionId);
}

/** Ends every session of a user, optionally keeping one (by key). */
export async function endUserSessions(db: Db, userId: string, exceptKey?: string): Promise<number> {
  let q = db.deleteFrom("session").where("user_id", "=", userId);
  if (exceptKey) q = q.where("id", "!=", exceptKey);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends one of a user's sessions by key; a key of another user's session does nothing. */
export async function endUserSession(db: Db, userId: string, key: string): Promise<boolean> {
  const result = await db.deleteFrom("session").where("user_id", "=", userId).where("id", "=", key).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function listUserSessions(db: Db, userId: string) {
  const rows = await db
    .selectFrom("session")
    .select(["id", "created_at", "expires_at", "ip", "user_agent", "two_factor_at"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", Date.now())
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((r) => ({
    key: r.id,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    ip: r.ip,
    userAgent: r.user_agent,
    twoFactor: r.two_factor_at !== null,
  }));
}

export async function setSessionOrganisation(db: Db, key: string, organisationId: string | null): Promise<void> {
  await db.updateTable("session").set({ active_organisation_id: organisationId }).where("id", "=", key).execute();
}

export async function markSessionTwoFactor(db: Db, key: string, at = Date.now()): Promise<void> {
  await db.updateTable("session").set({ two_factor_at: at }).where("id", "=", key).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await lucia(db).deleteExpiredSessions();
}
