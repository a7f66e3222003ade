import type { Db } from "#db/dialect";
import { startOfDay } from "~/utils/time";
import { listAuditEvents, parseAuditCursor } from "./audit.server";
import { auditQuerySchema } from "./schema";

/**
 * One page of the audit log for the filters in a URL. `organisationId` fixes the organisation (an
 * organisation admin sees only their own); staff may filter by any.
 */
export async function loadAuditPage(db: Db, url: URL, scope: { organisationId?: string }) {
  const parsed = auditQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const filters = parsed.success ? parsed.data : {};
  const { entries, next } = await listAuditEvents(db, {
    organisationId: scope.organisationId ?? (filters.organisation || undefined),
    action: filters.action || undefined,
    actor: filters.actor || undefined,
    from: filters.from ? startOfDay(filters.from) : undefined,
    to: filters.to ? startOfDay(filters.to) + 86_400_000 : undefined,
    before: parseAuditCursor(filters.before),
  });
  return {
    // A company sees that NGO staff acted, not who they are or where they were.
    entries: entries.map((e) => ({
      id: e.id,
      at: e.at,
      actor: scope.organisationId && e.actorIsStaff ? null : e.actorLabel,
      actorIsStaff: e.actorIsStaff,
      organisationName: e.organisationName,
      organisationId: e.organisationId,
      action: e.action,
      target: e.targetType ? `${e.targetType}${e.targetId ? ` ${e.targetId}` : ""}` : null,
      ip: scope.organisationId && e.actorIsStaff ? null : e.ip,
      details: Object.keys(e.details).length ? JSON.stringify(e.details) : null,
    })),
    next,
    filters: { action: filters.action ?? "", actor: filters.actor ?? "", organisation: filters.organisation ?? "", from: filters.from ?? "", to: filters.to ?? "" },
    invalid: !parsed.success,
  };
}

export type AuditPage = Awaited<ReturnType<typeof loadAuditPage>>;
