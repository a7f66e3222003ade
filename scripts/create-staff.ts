/**
 * `npm run create-staff -- --email anna@ngo.se --name "Anna Andersson" [--admin] [--lang en]`
 *
 * Creates an NGO staff account and prints the single-use link where the person chooses a password
 * (the same link is e-mailed). Two-factor enrolment is then required at first sign-in.
 */
import { parseArgs } from "node:util";
import { createDb } from "#db/dialect";
import { migrateToLatest } from "#db/migrate";
import { systemActor } from "~/modules/audit/audit.server";
import { toLanguage } from "~/modules/i18n/i18n";
import { createStaffAccount } from "~/modules/staff/staff.server";
import { AppError } from "~/utils/errors";
import { email as emailSchema, text, z } from "~/utils/zod";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string" },
    admin: { type: "boolean", default: false },
    lang: { type: "string", default: "sv" },
  },
});

const input = z.object({ email: emailSchema(), name: text(200) }).safeParse(values);
if (!input.success) {
  console.error('Usage: npm run create-staff -- --email <address> --name "<full name>" [--admin] [--lang sv|en]');
  process.exit(2);
}

const db = createDb(process.env.DATABASE_URL);
try {
  await migrateToLatest(db);
  const { link } = await createStaffAccount(db, systemActor("cli:create-staff"), {
    email: input.data.email,
    name: input.data.name,
    role: values.admin ? "staff_admin" : "staff",
    locale: toLanguage(values.lang),
  });
  console.log(`Created ${values.admin ? "staff admin" : "staff"} ${input.data.email}.`);
  console.log(`Set-password link (valid 72 hours, also e-mailed):\n${link}`);
} catch (error) {
  console.error(error instanceof AppError ? `Refused: ${error.code}` : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
