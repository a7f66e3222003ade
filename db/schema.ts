/**
 * The Kysely database interface. Table and column names are snake_case.
 *
 * Portable representation (see docs/decisions/0003-portable-sql.md):
 * - ids are application-generated strings (UUIDv7), never auto-increment;
 * - instants are integers: milliseconds since the Unix epoch, UTC (`*_at` columns);
 * - booleans are 0/1 integers;
 * - JSON is stored as text and parsed in one place (db/json.ts).
 */
export type Role = "org_admin" | "compliance_officer" | "partner_manager" | "engineer";
export type StaffRole = "staff" | "staff_admin";
export type OrganisationStatus =
  | "applied"
  | "under_review"
  | "approved"
  | "suspended"
  | "offboarded"
  | "rejected";

export interface OrganisationTable {
  id: string;
  name: string;
  country: string;
  org_number: string;
  industry: string;
  website: string | null;
  size_band: string;
  status: OrganisationStatus;
  status_reason: string | null;
  status_changed_at: number;
  created_at: number;
  updated_at: number;
}

export interface OrganisationStatusEventTable {
  id: string;
  organisation_id: string;
  from_status: OrganisationStatus | null;
  to_status: OrganisationStatus;
  reason: string | null;
  actor_user_id: string | null;
  at: number;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified_at: number | null;
  locale: string;
  /** null for company users; staff members have a staff role. */
  staff_role: StaffRole | null;
  totp_secret: string | null;
  totp_enabled_at: number | null;
  totp_last_step: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MembershipTable {
  id: string;
  organisation_id: string;
  user_id: string;
  created_at: number;
}

export interface MembershipRoleTable {
  membership_id: string;
  role: Role;
}

export interface InvitationTable {
  id: string;
  organisation_id: string;
  email: string;
  /** JSON array of roles. */
  roles: string;
  token_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the session id held in the cookie; the id itself is never stored. */
  id: string;
  user_id: string;
  expires_at: number;
  created_at: number;
  two_factor_at: number | null;
  active_organisation_id: string | null;
  ip: string | null;
  user_agent: string | null;
}

export type TokenPurpose = "verify_email" | "reset_password" | "set_password";

export interface TokenTable {
  id: string;
  user_id: string;
  purpose: TokenPurpose;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface RateLimitTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface AuditEventTable {
  id: string;
  at: number;
  actor_user_id: string | null;
  actor_label: string | null;
  organisation_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object. */
  details: string | null;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  template: string;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export type AssessmentStatus = "draft" | "submitted" | "returned" | "approved";
export type ImprovementStatus = "open" | "in_progress" | "done" | "dropped";

export interface FrameworkVersionTable {
  id: string;
  framework_id: string;
  version: string;
  /** The validated framework file, as JSON. Never changed once published. */
  content: string;
  sha256: string;
  published_at: number;
  published_by: string | null;
}

export interface AssessmentTable {
  id: string;
  organisation_id: string;
  year: number;
  status: AssessmentStatus;
  previous_assessment_id: string | null;
  /** Overall score 0–100 and maturity level 0–4, fixed when submitted and when decided. */
  score: number | null;
  maturity_level: number | null;
  /** JSON: { sectionId: score }. */
  section_scores: string | null;
  row_version: number;
  started_by: string | null;
  submitted_at: number | null;
  submitted_by: string | null;
  decided_at: number | null;
  decided_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface AssessmentModuleTable {
  assessment_id: string;
  framework_id: string;
  framework_version_id: string;
}

export interface AssessmentAnswerTable {
  assessment_id: string;
  question_id: string;
  /** JSON. */
  value: string;
  carried_over: number;
  version: number;
  updated_at: number;
  updated_by: string | null;
}

export interface EvidenceFileTable {
  sha256: string;
  content: Buffer;
  size: number;
  created_at: number;
}

export interface AssessmentEvidenceTable {
  id: string;
  assessment_id: string;
  question_id: string;
  kind: "link" | "file";
  url: string | null;
  file_name: string | null;
  mime: string | null;
  size: number | null;
  sha256: string | null;
  created_at: number;
  created_by: string | null;
}

export interface AssessmentCommentTable {
  id: string;
  assessment_id: string;
  question_id: string | null;
  author_user_id: string | null;
  by_staff: number;
  body: string;
  created_at: number;
  resolved_at: number | null;
}

export interface ImprovementItemTable {
  id: string;
  organisation_id: string;
  source_assessment_id: string | null;
  question_id: string | null;
  action: string;
  owner_user_id: string | null;
  /** A calendar date, YYYY-MM-DD. */
  due_date: string | null;
  status: ImprovementStatus;
  version: number;
  created_at: number;
  created_by: string | null;
  updated_at: number;
}

export interface ImprovementNoteTable {
  id: string;
  item_id: string;
  author_user_id: string | null;
  body: string;
  created_at: number;
}

export interface Database {
  organisation: OrganisationTable;
  organisation_status_event: OrganisationStatusEventTable;
  user: UserTable;
  membership: MembershipTable;
  membership_role: MembershipRoleTable;
  invitation: InvitationTable;
  session: SessionTable;
  token: TokenTable;
  recovery_code: RecoveryCodeTable;
  rate_limit: RateLimitTable;
  audit_event: AuditEventTable;
  mail_outbox: MailOutboxTable;
  framework_version: FrameworkVersionTable;
  assessment: AssessmentTable;
  assessment_module: AssessmentModuleTable;
  assessment_answer: AssessmentAnswerTable;
  evidence_file: EvidenceFileTable;
  assessment_evidence: AssessmentEvidenceTable;
  assessment_comment: AssessmentCommentTable;
  improvement_item: ImprovementItemTable;
  improvement_note: ImprovementNoteTable;
}
