import type { Db } from "#db/dialect";
import { upsert } from "#db/upsert";
import { getEnv } from "~/utils/env.server";
import { newId } from "~/utils/ids";

/**
 * Per-key rate limits, daily quotas, usage counts and the access log, without a database write on
 * the request path (docs/decisions/0013-api-usage-in-memory.md). Each app process counts in memory and
 * flushes every second: it adds its counts to the database and reads back the totals of all processes,
 * so limits hold across instances to within one second's traffic. A crash loses at most that second of
 * counts and log lines.
 */
const MINUTE = 60_000;

interface Window {
  /** Start of the current minute window. */
  start: number;
  /** Requests in this window by all processes, as of the last flush (including ours then). */
  global: number;
  /** Our requests in this window not yet flushed. */
  local: number;
}

interface Pending {
  day: string;
  ok: number;
  refused: number;
  matches: number;
}

export interface AccessLogLine {
  at: number;
  keyId: string | null;
  organisationId: string | null;
  ip: string | null;
  method: string;
  path: string;
  status: number;
  code: string | null;
  items: number | null;
  durationMs: number;
}

export interface RateDecision {
  allowed: boolean;
  code?: "rate_limited" | "quota_exceeded";
  headers: Record<string, string>;
}

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export class ApiUsage {
  private windows = new Map<string, Window>();
  /** Requests today by all processes as of the last flush, per key. */
  private dayTotals = new Map<string, { day: string; total: number }>();
  private pending = new Map<string, Pending>();
  private lastUse = new Map<string, { at: number; ip: string | null }>();
  private log: AccessLogLine[] = [];
  private flushing: Promise<void> | null = null;

  private override: { perMinute: number; perDay: number } | null = null;

  /** Per key: API_RATE_PER_MINUTE requests a minute and API_DAILY_QUOTA a day (× RATE_LIMIT_FACTOR). */
  limits() {
    if (this.override) return this.override;
    const env = getEnv();
    return { perMinute: Math.round(env.API_RATE_PER_MINUTE * env.RATE_LIMIT_FACTOR), perDay: Math.round(env.API_DAILY_QUOTA * env.RATE_LIMIT_FACTOR) };
  }

  /** Other limits for this process (the tests use small ones). */
  setLimits(limits: { perMinute: number; perDay: number } | null) {
    this.override = limits;
  }

  /** Counts a request against the key's minute window and day, and says whether it may proceed. */
  take(keyId: string, now = Date.now()): RateDecision {
    const { perMinute, perDay } = this.limits();
    const start = now - (now % MINUTE);
    let w = this.windows.get(keyId);
    if (!w || w.start !== start) {
      w = { start, global: 0, local: 0 };
      this.windows.set(keyId, w);
    }
    const day = dayOf(now);
    const totals = this.dayTotals.get(keyId);
    const today = (totals?.day === day ? totals.total : 0) + this.unflushedToday(keyId, day);
    const used = w.global + w.local;
    const reset = Math.ceil((start + MINUTE - now) / 1000);
    const headers: Record<string, string> = {
      "RateLimit-Policy": `${perMinute};w=60, ${perDay};w=86400;comment="daily quota"`,
      RateLimit: `limit=${perMinute}, remaining=${Math.max(0, perMinute - used - 1)}, reset=${reset}`,
    };
    if (today >= perDay) {
      const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      return { allowed: false, code: "quota_exceeded", headers: { ...headers, "Retry-After": String(Math.ceil((midnight - now) / 1000)) } };
    }
    if (used >= perMinute) return { allowed: false, code: "rate_limited", headers: { ...headers, "Retry-After": String(reset) } };
    w.local += 1;
    return { allowed: true, headers };
  }

  private unflushedToday(keyId: string, day: string): number {
    const p = this.pending.get(keyId);
    return p && p.day === day ? p.ok + p.refused : 0;
  }

  /** Records the outcome of a request (after `take`, or for a request refused before it). */
  record(line: AccessLogLine, outcome: { keyId: string | null; ok: boolean; matches?: number }) {
    this.log.push(line);
    if (!outcome.keyId) return;
    const day = dayOf(line.at);
    let p = this.pending.get(outcome.keyId);
    if (!p || p.day !== day) {
      p = { day, ok: 0, refused: 0, matches: 0 };
      this.pending.set(outcome.keyId, p);
    }
    if (outcome.ok) p.ok += 1;
    else p.refused += 1;
    p.matches += outcome.matches ?? 0;
    if (outcome.ok) this.lastUse.set(outcome.keyId, { at: line.at, ip: line.ip });
  }

  /** Writes what was counted and reads back the totals of every process. Safe to call concurrently. */
  flush(db: Db): Promise<void> {
    this.flushing ??= this.doFlush(db).finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async doFlush(db: Db) {
    const pending = this.pending;
    const lastUse = this.lastUse;
    const log = this.log;
    const windows = [...this.windows].filter(([, w]) => w.local > 0).map(([keyId, w]) => ({ keyId, start: w.start, local: w.local }));
    this.pending = new Map();
    this.lastUse = new Map();
    this.log = [];
    for (const w of windows) this.windows.get(w.keyId)!.local -= w.local;
    if (!pending.size && !log.length && !windows.length) return;

    await db.transaction().execute(async (trx) => {
      for (const [keyId, p] of pending) {
        await upsert(trx, "api_key_usage", { key_id: keyId, day: p.day, ok: p.ok, refused: p.refused, matches: p.matches }, ["key_id", "day"], (eb) => ({
          ok: eb("ok", "+", p.ok),
          refused: eb("refused", "+", p.refused),
          matches: eb("matches", "+", p.matches),
        }));
      }
      for (const [keyId, use] of lastUse) {
        await trx
          .updateTable("api_key")
          .set({ last_used_at: use.at, last_used_ip: use.ip?.slice(0, 64) ?? null })
          .where("id", "=", keyId)
          .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", use.at)]))
          .execute();
      }
      for (const w of windows) {
        const key = `api:${w.keyId}:${w.start}`;
        await upsert(trx, "rate_limit", { key, count: w.local, reset_at: w.start + MINUTE }, ["key"], (eb) => ({ count: eb("count", "+", w.local) }));
      }
      for (let i = 0; i < log.length; i += 500) {
        await trx
          .insertInto("api_access_log")
          .values(
            log.slice(i, i + 500).map((l) => ({
              id: newId(),
              at: l.at,
              key_id: l.keyId,
              organisation_id: l.organisationId,
              ip: l.ip?.slice(0, 64) ?? null,
              method: l.method,
              path: l.path.slice(0, 200),
              status: l.status,
              code: l.code,
              items: l.items,
              duration_ms: Math.round(l.durationMs),
            })),
          )
          .execute();
      }
    });

    // Read back every process's totals for the keys we counted.
    const keyIds = [...new Set([...pending.keys(), ...windows.map((w) => w.keyId)])];
    if (!keyIds.length) return;
    const now = Date.now();
    const day = dayOf(now);
    const usage = await db.selectFrom("api_key_usage").select(["key_id", "ok", "refused"]).where("day", "=", day).where("key_id", "in", keyIds).execute();
    for (const u of usage) this.dayTotals.set(u.key_id, { day, total: Number(u.ok) + Number(u.refused) });
    const start = now - (now % MINUTE);
    const counts = await db
      .selectFrom("rate_limit")
      .select(["key", "count"])
      .where(
        "key",
        "in",
        keyIds.map((k) => `api:${k}:${start}`),
      )
      .execute();
    for (const c of counts) {
      const keyId = c.key.split(":")[1]!;
      const w = this.windows.get(keyId);
      if (w && w.start === start) w.global = Number(c.count);
    }
  }
}
