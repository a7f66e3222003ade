import type { OrganisationStatus, Role, StaffRole } from "#db/schema";

export const ROLES = ["org_admin", "compliance_officer", "partner_manager", "engineer"] as const satisfies readonly Role[];
export const STAFF_ROLES = ["staff", "staff_admin"] as const satisfies readonly StaffRole[];

const ALL_ROLES = ROLES;
const STAFF: StaffRole[] = ["staff", "staff_admin"];

/**
 * The one permission table: role × action. The server's guards and the UI's navigation both read
 * it. `write` actions change data and are refused while the organisation cannot act (suspended,
 * offboarded or rejected): such an organisation can sign in and read, but change nothing.
 */
export const PERMISSIONS = {
  "organisation.view": { roles: ALL_ROLES, write: false },
  "organisation.edit": { roles: ["org_admin"], write: true },
  "members.view": { roles: ALL_ROLES, write: false },
  "members.manage": { roles: ["org_admin"], write: true },
  "audit.view": { roles: ["org_admin"], write: false },
  "assessment.view": { roles: ALL_ROLES, write: false },
  "assessment.edit": { roles: ["compliance_officer"], write: true },
  "plan.view": { roles: ALL_ROLES, write: false },
  "plan.manage": { roles: ["compliance_officer"], write: true },
  "hashlist.view": { roles: ALL_ROLES, write: false },
  "agreement.accept": { roles: ["org_admin"], write: true },
  "apikeys.view": { roles: ["engineer", "org_admin"], write: false },
  "apikeys.manage": { roles: ["engineer"], write: true },
  "collab.view": { roles: ALL_ROLES, write: false },
  "collab.manage": { roles: ["partner_manager", "org_admin"], write: true },
  "commitment.sign": { roles: ["compliance_officer", "org_admin"], write: true },
  "reports.view": { roles: ALL_ROLES, write: false },
  "reports.issue": { roles: ["compliance_officer", "org_admin", "partner_manager"], write: true },
} as const satisfies Record<string, { roles: readonly Role[]; write: boolean }>;

export const STAFF_PERMISSIONS = {
  "staff.organisations.view": { roles: STAFF },
  "staff.organisations.decide": { roles: STAFF },
  "staff.audit.view": { roles: STAFF },
  "staff.accounts.manage": { roles: ["staff_admin"] },
  "staff.assessments.review": { roles: STAFF },
  "staff.frameworks.view": { roles: STAFF },
  "staff.frameworks.publish": { roles: ["staff_admin"] },
  "staff.hashlists.view": { roles: STAFF },
  "staff.hashlists.manage": { roles: ["staff_admin"] },
  "staff.hashlists.grant": { roles: STAFF },
  "staff.collab.review": { roles: STAFF },
  "staff.status.view": { roles: STAFF },
  "staff.reports.view": { roles: STAFF },
  "staff.reports.withdraw": { roles: STAFF },
} as const satisfies Record<string, { roles: readonly StaffRole[] }>;

export type Permission = keyof typeof PERMISSIONS;
export type StaffPermission = keyof typeof STAFF_PERMISSIONS;

/** Statuses in which an organisation may change its own data. */
export const ACTIVE_STATUSES: OrganisationStatus[] = ["applied", "under_review", "approved"];

export function can(roles: readonly Role[], permission: Permission, status?: OrganisationStatus): boolean {
  const rule = PERMISSIONS[permission];
  if (!roles.some((r) => (rule.roles as readonly Role[]).includes(r))) return false;
  if (rule.write && status && !ACTIVE_STATUSES.includes(status)) return false;
  return true;
}

export function staffCan(role: StaffRole | null | undefined, permission: StaffPermission): boolean {
  return !!role && (STAFF_PERMISSIONS[permission].roles as readonly StaffRole[]).includes(role);
}
