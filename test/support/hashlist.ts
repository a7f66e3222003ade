import { acceptAgreement, getCurrentAgreement, publishMissingAgreements } from "~/modules/agreements/agreements.server";
import { createApiKey, type ApiKeyInput } from "~/modules/api-keys/api-keys.server";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import { setHashlistGrants } from "~/modules/hashlist/access.server";
import { addEntries, createHashList, ensureTestList, getHashList } from "~/modules/hashlist/lists.server";
import type { HashEntry } from "~/modules/hashlist/values";
import type { Db } from "#db/dialect";
import { createCompany } from "./factories";

const staff = systemActor("test staff");

/** The agreement from db/agreements, the test list and an industry list with a few entries. */
export async function setUpHashLists(db: Db) {
  await publishMissingAgreements(db, staff);
  const test = await ensureTestList(db, staff);
  const industry = (await getHashList(db, "industry")) ?? (await createHashList(db, staff, { slug: "industry", name: { sv: "Branschlistan", en: "Industry list" } }));
  return { test, industry };
}

export async function addToList(db: Db, listId: number, entries: HashEntry[]) {
  return db.transaction().execute((trx) => addEntries(trx, listId, entries));
}

/** An approved company with hash-list access: the agreement accepted by its admin and lists granted. */
export async function companyWithAccess(db: Db, listIds: number[], options: { name?: string } = {}) {
  const company = await createCompany(db, { status: "approved", name: options.name });
  const admin = company.members.org_admin;
  const agreement = (await getCurrentAgreement(db, "data_use"))!;
  await acceptAgreement(db, { ...staff, userId: admin.id, label: admin.email }, company.organisation.id, { kind: "data_use", versionId: agreement.id, name: admin.name, language: "sv" });
  await setHashlistGrants(db, staff, company.organisation.id, listIds);
  return company;
}

export function engineerActor(company: Awaited<ReturnType<typeof createCompany>>): Actor {
  const e = company.members.engineer;
  return { userId: e.id, label: e.email, ip: "127.0.0.1", userAgent: "test" };
}

export async function keyFor(db: Db, company: Awaited<ReturnType<typeof createCompany>>, input: Partial<ApiKeyInput> & { listIds: number[] }) {
  return createApiKey(db, engineerActor(company), company.organisation.id, { name: "CI", scopes: ["hashlist:read", "hashlist:match"], days: 90, cidrs: [], ...input });
}
