/**
 * What a commitment report says: everything the PDF shows, gathered once from the database
 * (`report-data.server.ts`) and stored with the issued report. The renderer (`pdf/`) is a pure
 * function of this value, so the same data gives the same bytes. Texts that come from data (section
 * titles, questions, plan items, actions) are already in the report's language; the renderer adds
 * only its own labels. Dates are epoch milliseconds (UTC) or calendar dates `YYYY-MM-DD`.
 */
import type { Language } from "~/modules/i18n/i18n";

export const REPORT_DATA_VERSION = 1;

export interface ReportData {
  version: typeof REPORT_DATA_VERSION;
  /** The unguessable report identifier shown in the verification block. */
  id: string;
  language: Language;
  /** Issue time: the PDF's creation date and the date shown on the cover. */
  issuedAt: number;
  /** `${APP_URL}/verify/${id}`: printed and encoded in the QR code. */
  verifyUrl: string;
  /** The calendar year the report covers. */
  period: number;
  organisation: {
    name: string;
    orgNumber: string;
    /** Localised industry name. */
    industry: string;
    country: string;
    /** When the NGO approved the organisation as a partner (null if never). */
    approvedAt: number | null;
  };
  /** The commitment signed for the period, exactly as shown to the signer; null if none is signed. */
  commitment: {
    title: string;
    version: string;
    text: string;
    signerName: string;
    signerTitle: string;
    signedAt: number;
    /** How the signer re-confirmed: their password or their second factor. */
    method: "password" | "totp";
    /** SHA-256 of the signed title and text. */
    sha256: string;
  } | null;
  /** The assessment of the period (the latest submitted or approved); null if there is none. */
  assessment: {
    year: number;
    status: "submitted" | "approved" | "returned";
    /** 0–100. */
    score: number | null;
    /** 0–4, with its localised name. */
    maturity: { level: number; label: string } | null;
    sections: { id: string; title: string; score: number | null; industryMedian: number | null }[];
    /** Earlier years and this one, oldest first (submitted, returned or approved). */
    trend: { year: number; score: number }[];
    /** The industry median, shown only when enough peers exist; else only the count. */
    comparison: { available: true; peers: number; overall: number | null } | { available: false; peers: number };
    /** The main gaps, most important first (at most 10). */
    gaps: { section: string; question: string; recommendation: string | null }[];
    /** The NGO's review: who decided and when (only when approved). */
    review: { decidedAt: number; reviewerName: string } | null;
  } | null;
  plan: {
    items: { action: string; status: string; statusLabel: string; dueDate: string | null }[];
    /** Counts per localised status label, in the order of the statuses. */
    counts: { status: string; label: string; count: number }[];
    done: number;
    total: number;
  };
  actions: {
    items: {
      title: string;
      typeLabel: string;
      startsOn: string;
      endsOn: string | null;
      statusLabel: string;
      confirmed: boolean;
      /** Localised figure name and value, e.g. "People trained: 40". */
      figures: { label: string; value: string }[];
    }[];
    totals: {
      count: number;
      confirmed: number;
      /** Sums over the period's actions, localised label and formatted value. */
      figures: { label: string; value: string }[];
    };
  };
  hashlist: {
    /** Localised access state, e.g. "Active" / "Not requested". */
    state: string;
    active: boolean;
    lists: string[];
    activeKeys: number;
    lastSyncAt: number | null;
  };
  /** The NGO's confirmation: a sentence in the report's language, and the confirming body. */
  confirmation: {
    ngoName: string;
    /** Whether the NGO has confirmed the assessment of the period (approved it). */
    assessmentConfirmed: boolean;
    confirmedActions: number;
  };
}
