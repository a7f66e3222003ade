import type { Db } from "#db/dialect";
import { fromJson, toJson } from "#db/json";
import { like } from "#db/like";
import { newId } from "~/utils/ids";

/** Who did something and from where. `null` user means the system itself (a script or a job). */
export interface Actor {
  userId: string | null;
  label: string;
  ip: string | null;
  userAgent: string | null;
}

export const systemActor = (label = "system"): Actor => ({ userId: null, label, ip: null, userAgent: null });

export interface AuditInput {
  action: string;
  organisationId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The one audit helper. Call it with the transaction that makes the change, so that the event and
 * the change are committed together or not at all. The table is append-only (enforced by triggers).
 */
export async function recordAudit(db: Db, actor: Actor, event: AuditInput): Promise<void> {
  await db
    .insertInto("audit_event")
    .values({
      id: newId(),
      at: Date.now(),
      actor_user_id: actor.userId,
      actor_label: actor.label.slice(0, 254),
      organisation_id: event.organisationId ?? null,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      ip: actor.ip?.slice(0, 64) ?? null,
      user_agent: actor.userAgent?.slice(0, 255) ?? null,
      details: event.details ? toJson(event.details) : null,
    })
    .execute();
}

export interface AuditFilter {
  organisationId?: string;
  action?: string;
  actor?: string;
  from?: number;
  to?: number;
  /** Keyset cursor: the `at` and `id` of the last event of the previous page. */
  before?: { at: number; id: string };
  limit?: number;
}

export interface AuditEntry {
  id: string;
  at: number;
  actorUserId: string | null;
  actorLabel: string | null;
  actorIsStaff: boolean;
  organisationId: string | null;
  organisationName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/** Newest first, in keyset pages. Returns one page and the cursor of the next, if any. */
export async function listAuditEvents(db: Db, filter: AuditFilter) {
  const limit = Math.min(filter.limit ?? 50, 200);
  let query = db
    .selectFrom("audit_event as a")
    .leftJoin("organisation as o", "o.id", "a.organisation_id")
    .leftJoin("user as u", "u.id", "a.actor_user_id")
    .select([
      "a.id",
      "a.at",
      "a.actor_user_id",
      "a.actor_label",
      "u.staff_role as actor_staff_role",
      "a.organisation_id",
      "o.name as organisation_name",
      "a.action",
      "a.target_type",
      "a.target_id",
      "a.ip",
      "a.user_agent",
      "a.details",
    ]);
  if (filter.organisationId) query = query.where("a.organisation_id", "=", filter.organisationId);
  if (filter.action) query = query.where(like("a.action", filter.action, "prefix"));
  if (filter.actor) query = query.where(like("a.actor_label", filter.actor.toLowerCase()));
  if (filter.from !== undefined) query = query.where("a.at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("a.at", "<", filter.to);
  if (filter.before) {
    const { at, id } = filter.before;
    query = query.where((eb) => eb.or([eb("a.at", "<", at), eb.and([eb("a.at", "=", at), eb("a.id", "<", id)])]));
  }
  const rows = await query.orderBy("a.at", "desc").orderBy("a.id", "desc").limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const entries: AuditEntry[] = page.map((r) => ({
    id: r.id,
    at: Number(r.at),
    actorUserId: r.actor_user_id,
    actorLabel: r.actor_label,
    actorIsStaff: r.actor_staff_role !== null,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    details: fromJson<Record<string, unknown>>(r.details, {}),
  }));
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? `${Number(last.at)}_${last.id}` : null;
  return { entries, next };
}

export function parseAuditCursor(value: string | null | undefined) {
  const match = /^(\d{1,15})_([0-9a-f-]{36})$/.exec(value ?? "");
  return match ? { at: Number(match[1]), id: match[2]! } : undefined;
}
