/**
 * handleForm (app/utils/forms.server.ts), the one way an action handles a form, against a real
 * database: what two people doing the same thing at once get when the database decides between them.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { handleForm } from "~/utils/forms.server";
import { z } from "~/utils/zod";
import { engine, useTestDb } from "../support/db";

const ctx = useTestDb();

const formRequest = () => new Request("http://localhost/", { method: "POST", body: new URLSearchParams({ note: "hej" }) });
const schema = z.object({ note: z.string() });
const statusOf = (result: unknown) => (result as { init?: { status?: number } }).init?.status ?? 200;
const formErrorOf = (result: unknown) => (result as { data?: { formError?: string } }).data?.formError;

describe("handleForm and the database", () => {
  it("answers a duplicate on a unique key with a translated conflict and the input kept", async () => {
    const insert = () => ctx.db.insertInto("rate_limit").values({ key: "same", count: 1, reset_at: Date.now() + 60_000 }).execute();
    const first = await handleForm(formRequest(), schema, async () => (await insert(), { ok: true as const }));
    const second = await handleForm(formRequest(), schema, async () => (await insert(), { ok: true as const }));
    expect(first).toEqual({ ok: true });
    expect(statusOf(second)).toBe(409);
    expect(formErrorOf(second)).toBe("conflict");
    expect((second as { data: { values: unknown } }).data.values).toEqual({ note: "hej" });
  });

  // SQLite has one writer at a time (and one connection per process here): it cannot deadlock.
  it.skipIf(engine === "sqlite")("answers a deadlock that MariaDB broke by rolling one back with a conflict, and writes nothing of it", async () => {
    const now = Date.now() + 60_000;
    await ctx.db
      .insertInto("rate_limit")
      .values([
        { key: "a", count: 0, reset_at: now },
        { key: "b", count: 0, reset_at: now },
      ])
      .execute();
    // Each transaction locks one row, waits until the other holds its own, then asks for the other's.
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    const lockInOrder = (first: string, second: string) =>
      ctx.db.transaction().execute(async (trx) => {
        await sql`UPDATE rate_limit SET count = count + 1 WHERE \`key\` = ${first}`.execute(trx);
        if (++arrived === 2) release();
        await bothHoldOne;
        await sql`UPDATE rate_limit SET count = count + 1 WHERE \`key\` = ${second}`.execute(trx);
        return { ok: true as const };
      });
    const results = await Promise.all([handleForm(formRequest(), schema, () => lockInOrder("a", "b")), handleForm(formRequest(), schema, () => lockInOrder("b", "a"))]);
    expect(results.map(statusOf).sort()).toEqual([200, 409]);
    expect(formErrorOf(results.find((r) => statusOf(r) === 409))).toBe("conflict");
    // The winner added one to each row; nothing of the loser's first update survived.
    const rows = await ctx.db.selectFrom("rate_limit").select(["key", "count"]).where("key", "in", ["a", "b"]).orderBy("key").execute();
    expect(rows.map((r) => Number(r.count))).toEqual([1, 1]);
  });
});
