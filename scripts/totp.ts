/** `npm run totp -- <base32 key>`: prints the current code for a key (for the demo's staff accounts). */
import { currentTotpCode } from "~/modules/auth/totp.server";

const key = process.argv[2];
if (!key) {
  console.error("Usage: npm run totp -- <base32 key>");
  process.exit(2);
}
console.log(currentTotpCode(key));
