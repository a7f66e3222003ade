import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "~/modules/auth/password.server";
import { AppError } from "~/utils/errors";

describe("bounded password hashing", () => {
  it("queues at most HASH_QUEUE_LIMIT hashes and refuses the rest at once with 'busy'", async () => {
    const hash = await hashPassword("a long enough passphrase");
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => verifyPassword(hash, "a long enough passphrase")));
    const busy = results.filter((r) => r.status === "rejected" && r.reason instanceof AppError && r.reason.code === "busy" && r.reason.status === 503);
    const verified = results.filter((r) => r.status === "fulfilled" && r.value === true);
    // One per core runs, 64 (the default limit) wait; everything else is refused without hashing.
    expect(busy.length).toBeGreaterThan(0);
    expect(verified.length + busy.length).toBe(100);
    expect(verified.length).toBeGreaterThanOrEqual(64);
    // Once the queue has drained, hashing works again.
    expect(await verifyPassword(hash, "a long enough passphrase")).toBe(true);
  });
});
