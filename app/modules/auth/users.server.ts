import type { Db } from "#db/dialect";
import type { StaffRole, UserTable } from "#db/schema";
import { toLanguage, type Language } from "~/modules/i18n/i18n";
import { newId } from "~/utils/ids";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  locale: Language;
  staffRole: StaffRole | null;
  emailVerified: boolean;
  totpEnabled: boolean;
}

export const currentUserColumns = ["id", "email", "name", "locale", "staff_role", "email_verified_at", "totp_enabled_at"] as const;

type CurrentUserRow = Pick<UserTable, (typeof currentUserColumns)[number]>;

export function toCurrentUser(row: CurrentUserRow): CurrentUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: toLanguage(row.locale),
    staffRole: row.staff_role,
    emailVerified: row.email_verified_at !== null,
    totpEnabled: row.totp_enabled_at !== null,
  };
}

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom("user").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
}

export async function insertUser(
  db: Db,
  input: { email: string; name: string; passwordHash: string | null; locale: Language; staffRole?: StaffRole | null; emailVerified?: boolean },
): Promise<string> {
  const id = newId();
  const now = Date.now();
  await db
    .insertInto("user")
    .values({
      id,
      email: input.email.trim().toLowerCase(),
      name: input.name,
      password_hash: input.passwordHash,
      email_verified_at: input.emailVerified ? now : null,
      locale: input.locale,
      staff_role: input.staffRole ?? null,
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
