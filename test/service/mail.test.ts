import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { deliverPendingMail, queueMail, renderMail } from "~/modules/mail/mail.server";
import { useTestDb } from "../support/db";
import { outbox } from "../support/factories";

const ctx = useTestDb();

describe("mail", () => {
  it("renders each mail in the recipient's language, escaping what it interpolates", async () => {
    const sv = await renderMail({ to: "a@b.se", language: "sv", template: "invitation", params: { organisation: "<b>Evil</b> AB", inviter: "Anna" }, link: "https://portal.test/x?token=abc" });
    expect(sv.subject).toBe("Inbjudan till <b>Evil</b> AB i Partnerportalen");
    expect(sv.html).toContain("&lt;b&gt;Evil&lt;/b&gt; AB");
    expect(sv.html).not.toContain("<b>Evil</b>");
    expect(sv.text).toContain("Visa inbjudan: https://portal.test/x?token=abc");
    const en = await renderMail({ to: "a@b.se", language: "en", template: "password_changed", params: { name: "Ada" } });
    expect(en.subject).toBe("Your password has been changed");
    expect(en.html).toContain('lang="en"');
  });

  it("delivers queued mail over a real nodemailer transport once, and keeps failures for retry", async () => {
    await queueMail(ctx.db, { to: "one@example.test", language: "sv", template: "password_changed", params: { name: "Ett" } });
    await queueMail(ctx.db, { to: "two@example.test", language: "en", template: "password_changed", params: { name: "Two" } });
    const sent: string[] = [];
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const recording = { sendMail: async (m: any) => { sent.push(m.to); return transport.sendMail(m); } } as any;
    expect(await deliverPendingMail(ctx.db, recording)).toBe(2);
    expect(sent.sort()).toEqual(["one@example.test", "two@example.test"]);
    // Nothing is sent twice.
    expect(await deliverPendingMail(ctx.db, recording)).toBe(0);
    expect((await outbox(ctx.db)).every((m) => m.sent_at !== null)).toBe(true);

    await queueMail(ctx.db, { to: "three@example.test", language: "sv", template: "password_changed", params: { name: "Tre" } });
    const failing = { sendMail: async () => { throw new Error("SMTP 451 try later"); } } as any;
    expect(await deliverPendingMail(ctx.db, failing)).toBe(0);
    const failed = (await outbox(ctx.db)).find((m) => m.to_address === "three@example.test")!;
    expect(failed).toMatchObject({ sent_at: null, attempts: 1, last_error: "SMTP 451 try later" });
    expect(Number(failed.next_attempt_at)).toBeGreaterThan(Date.now());
  });

  it("without SMTP the outbox is the destination", async () => {
    await queueMail(ctx.db, { to: "dev@example.test", language: "sv", template: "password_changed", params: { name: "Dev" } });
    expect(await deliverPendingMail(ctx.db)).toBe(0);
    expect((await outbox(ctx.db))[0]?.sent_at).toBeNull();
  });
});
