/**
 * The Kysely database interface. Table and column names are snake_case.
 *
 * Portable representation (see docs/decisions/0003-portable-sql.md):
 * - ids are application-generated strings (UUIDv7), never auto-increment;
 * - instants are integers: milliseconds since the Unix epoch, UTC (`*_at` columns);
 * - booleans are 0/1 integers;
 * - JSON is stored as text and parsed in one place (db/json.ts).
 */
import type { Generated } from "kysely";

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
  /** Optimistic concurrency of the profile form (name, industry, website, size); default 1. */
  profile_version: Generated<number>;
  /** Optimistic concurrency of staff's hash-list grants form (hashlist_grant rows); default 1. */
  grants_version: Generated<number>;
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
  /** Optimistic concurrency of staff admins' changes (staff role, disabled); default 1. */
  staff_version: Generated<number>;
}

export interface MembershipTable {
  id: string;
  organisation_id: string;
  user_id: string;
  created_at: number;
  /** Optimistic concurrency of the member's roles (membership_role); default 1. */
  version: Generated<number>;
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

export interface AgreementVersionTable {
  id: string;
  kind: AgreementKind;
  version: string;
  title_sv: string;
  title_en: string;
  text_sv: string;
  text_en: string;
  sha256: string;
  published_at: number;
  published_by: string | null;
}
export type AgreementKind = "data_use" | "commitment";

export interface AgreementAcceptanceTable {
  id: string;
  organisation_id: string;
  agreement_version_id: string;
  accepted_by: string | null;
  accepted_by_name: string;
  language: string;
  accepted_at: number;
  ip: string | null;
}

/** Hash lists use small integer ids: they key millions of entries (docs/decisions/0012-hash-list-storage.md). */
export interface HashListTable {
  id: number;
  slug: string;
  name_sv: string;
  name_en: string;
  description_sv: string | null;
  description_en: string | null;
  is_test: number;
  last_seq: number;
  min_seq: number;
  /** When min_seq was last raised (ms; 0 = never): tombstones behind it are deleted an hour later at the earliest. */
  min_seq_raised_at: number;
  live_count: number;
  created_at: number;
  updated_at: number;
}

export interface HashEntryTable {
  list_id: number;
  added_seq: number;
  /** ALGORITHM_CODE of app/modules/hashlist/values.ts. */
  algorithm: number;
  value: Uint8Array;
  quality: number | null;
  category: string;
  source: string | null;
  added_at: number;
  removed_seq: number | null;
  removed_at: number | null;
  /** 1 while the entry is on the list, NULL once removed. */
  live: number | null;
}

export interface HashSnapshotTable {
  list_id: number;
  seq: number;
  algorithm: number;
  entries: number;
  sha256: string;
  created_at: number;
}

export interface HashImportTable {
  id: string;
  list_id: number;
  file_name: string;
  format: "csv" | "jsonl";
  mode: "add" | "remove";
  status: "running" | "done" | "failed";
  lines: number;
  added: number;
  removed: number;
  duplicates: number;
  rejected: number;
  rejections: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
  started_by: string | null;
}

export interface HashlistGrantTable {
  organisation_id: string;
  list_id: number;
  granted_at: number;
  granted_by: string | null;
}

export interface ApiKeyTable {
  id: string;
  organisation_id: string;
  name: string;
  secret_sha256: string;
  display: string;
  /** Space-separated scopes. */
  scopes: string;
  allowed_cidrs: string | null;
  created_at: number;
  created_by: string | null;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  replaced_by: string | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  expiry_warned_at: number | null;
}

export interface ApiKeyListTable {
  key_id: string;
  list_id: number;
}

export interface ApiKeyUsageTable {
  key_id: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  ok: number;
  refused: number;
  matches: number;
}

export interface ApiAccessLogTable {
  id: string;
  at: number;
  key_id: string | null;
  organisation_id: string | null;
  ip: string | null;
  method: string;
  path: string;
  status: number;
  code: string | null;
  items: number | null;
  duration_ms: number;
}

export type CollabConfirmation = "none" | "requested" | "changes_requested" | "confirmed";

/** A collaborative action (db/migrations/0005_collaboration.ts). */
export interface CollabActionTable {
  id: string;
  organisation_id: string;
  type: string;
  title: string;
  /** Calendar dates, YYYY-MM-DD. */
  starts_on: string;
  ends_on: string | null;
  /** The year of `starts_on`. */
  year: number;
  description: string;
  people_company: string | null;
  people_ngo: string | null;
  people_trained: number | null;
  reach: number | null;
  /** Whole units of `currency`. */
  amount: number | null;
  currency: string | null;
  reports_handled: number | null;
  items_taken_down: number | null;
  status: "planned" | "in_progress" | "done" | "cancelled";
  /** JSON array of URLs. */
  links: string | null;
  confirmation: CollabConfirmation;
  revision: number;
  requested_at: number | null;
  confirmed_revision: number | null;
  confirmed_at: number | null;
  confirmed_by: string | null;
  /** 1 when NGO staff recorded it for the company. */
  on_behalf: number;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  updated_by: string | null;
}

export interface CollabRevisionTable {
  action_id: string;
  revision: number;
  /** JSON: the action's content at this revision. */
  content: string;
  /** JSON: [{ field, from, to }] against the revision before. */
  changes: string;
  by_user_id: string | null;
  by_staff: number;
  at: number;
}

export interface CollabTargetTable {
  action_id: string;
  kind: "plan_item" | "assessment_gap";
  target_id: string;
  created_at: number;
}

export interface CollabFileTable {
  id: string;
  action_id: string;
  file_name: string;
  mime: string;
  size: number;
  sha256: string;
  created_at: number;
  created_by: string | null;
}

export interface CollabCommentTable {
  id: string;
  action_id: string;
  kind: "comment" | "changes_requested" | "confirmed";
  author_user_id: string | null;
  by_staff: number;
  body: string;
  created_at: number;
}

export interface CommitmentSignatureTable {
  id: string;
  organisation_id: string;
  /** The calendar year signed for. */
  period: number;
  agreement_version_id: string;
  language: string;
  /** The title and text exactly as shown when signing. */
  title: string;
  text: string;
  sha256: string;
  signer_user_id: string | null;
  signer_name: string;
  signer_title: string;
  method: "password" | "totp";
  signed_at: number;
  ip: string | null;
}

export type ReportStatus = "valid" | "withdrawn";
export type ReportTrigger = "request" | "assessment_approved";

export interface ReportTable {
  /** Random, unguessable: the public verification address. */
  id: string;
  organisation_id: string;
  period: number;
  language: string;
  trigger: ReportTrigger;
  sha256: string;
  size: number;
  pages: number;
  /** JSON: the ReportData the PDF was rendered from. */
  data: string;
  content: Buffer;
  issued_at: number;
  issued_by: string | null;
  issued_by_name: string | null;
  status: ReportStatus;
  withdrawn_at: number | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
}

/** A scheduled job and its lease (db/migrations/0007_jobs.ts, app/modules/jobs). */
export interface JobTable {
  name: string;
  next_due_at: number;
  /** The instance holding the lease while it runs the job, and until when. */
  locked_by: string | null;
  locked_until: number | null;
  /** The job_run row of the run holding the lease. */
  run_id: string | null;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_outcome: "ok" | "failed" | null;
  last_error: string | null;
  updated_at: number;
}

export interface JobRunTable {
  id: string;
  job_name: string;
  instance: string;
  started_at: number;
  finished_at: number | null;
  outcome: "running" | "ok" | "failed" | "abandoned";
  error: string | null;
  /** JSON object of counts. */
  counts: string | null;
}

/** A notification sent once per (kind, subject, period); the primary key is the guarantee. */
export interface NoticeTable {
  kind: string;
  subject_id: string;
  period: string;
  organisation_id: string | null;
  recipients: number;
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
  agreement_version: AgreementVersionTable;
  agreement_acceptance: AgreementAcceptanceTable;
  hash_list: HashListTable;
  hash_entry: HashEntryTable;
  hash_snapshot: HashSnapshotTable;
  hash_import: HashImportTable;
  hashlist_grant: HashlistGrantTable;
  api_key: ApiKeyTable;
  api_key_list: ApiKeyListTable;
  api_key_usage: ApiKeyUsageTable;
  api_access_log: ApiAccessLogTable;
  collab_action: CollabActionTable;
  collab_revision: CollabRevisionTable;
  collab_target: CollabTargetTable;
  collab_file: CollabFileTable;
  collab_comment: CollabCommentTable;
  commitment_signature: CommitmentSignatureTable;
  report: ReportTable;
  job: JobTable;
  job_run: JobRunTable;
  notice: NoticeTable;
}
