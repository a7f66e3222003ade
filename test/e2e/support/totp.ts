/**
 * An authenticator app for the tests. The portal refuses a code whose 30-second step was already
 * used (no replay), so each secret remembers the last step it gave a code for, and a second code in
 * the same step waits for the next step, as a person would.
 */
import { Secret, TOTP } from "otpauth";

const PERIOD_MS = 30_000;
const lastStep = new Map<string, number>();

const normalise = (secret: string) => secret.replace(/\s/g, "").toUpperCase();

function totp(secret: string) {
  return new TOTP({ secret: Secret.fromBase32(normalise(secret)), digits: 6, period: 30 });
}

const stepAt = (ms: number) => Math.floor(ms / PERIOD_MS);

/** A valid code from a time step not used before with this secret (waits for the next step if needed). */
export async function nextTotpCode(secret: string): Promise<string> {
  const key = normalise(secret);
  const last = lastStep.get(key);
  if (last !== undefined && stepAt(Date.now()) <= last) {
    const wait = (last + 1) * PERIOD_MS - Date.now() + 200;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  const now = Date.now();
  lastStep.set(key, stepAt(now));
  return totp(secret).generate({ timestamp: now });
}

/** Six digits that an authenticator with this secret shows neither now nor in the steps around now. */
export function wrongTotpCode(secret: string): string {
  const t = totp(secret);
  const now = Date.now();
  const near = new Set([-2, -1, 0, 1, 2].map((d) => t.generate({ timestamp: now + d * PERIOD_MS })));
  for (let n = 123_456; ; n = (n + 111_111) % 1_000_000) {
    const code = String(n).padStart(6, "0");
    if (!near.has(code)) return code;
  }
}
