/**
 * Report data for the PDF tests and the benchmark (`sampleReportData`): a company with no data yet, or
 * one with years of history (a signed commitment, four assessed years, ~30 plan items, ~100
 * collaborative actions of which most are confirmed, 10 gaps, active hash-list access), in Swedish or
 * English. Deterministic: the same options give the same data (mulberry32 from test/support/prng.ts).
 * Texts are in the report's language, as the data assembly delivers them.
 */
import crypto from "node:crypto";
import type { Language } from "~/modules/i18n/i18n";
import { REPORT_DATA_VERSION, type ReportData } from "~/modules/reports/types";
import { mulberry32Unit } from "./prng";

export interface SampleOptions {
  kind: "empty" | "history";
  language?: Language;
  id?: string;
  issuedAt?: number;
  period?: number;
  /** Collaborative actions of the period (history only; default 100). */
  actions?: number;
  /** Improvement-plan items (history only; default 30). */
  planItems?: number;
  seed?: number;
}

export const SAMPLE_ID = "rpt-7Q2mX9kLp4Vb8NcRdT3w";
export const SAMPLE_ISSUED_AT = Date.UTC(2027, 0, 20, 9, 30, 0);
export const SAMPLE_PERIOD = 2026;
export const verifyUrlOf = (id: string) => `https://partner.example.org/verify/${id}`;

/** Texts the tests look for, per fixture and language. */
export const SAMPLE_TEXT = {
  history: {
    company: "Nordlys Resor & Co AB",
    orgNumber: "556677-8899",
    commitmentPhrase: { sv: "aldrig tolerera sexuell exploatering av barn", en: "never tolerate the sexual exploitation of children" },
    /** The first action (a title short enough to stay on one line of its table cell). */
    actionTitle: { sv: "Utbildning för kundtjänst nr 1", en: "Customer service training no. 1" },
    gapQuestion: { sv: "Finns en rutin för att rapportera misstänkt material till hotlinen?", en: "Is there a routine for reporting suspected material to the hotline?" },
  },
  empty: {
    company: "Nystart Digital AB",
    orgNumber: "559123-4567",
  },
} as const;

const L = (language: Language, sv: string, en: string) => (language === "en" ? en : sv);

const SECTIONS: [string, string][] = [
  ["Styrning och ansvar", "Governance and accountability"],
  ["Policy och uppförandekod", "Policy and code of conduct"],
  ["Riskbedömning", "Risk assessment"],
  ["Utbildning av personal", "Staff training"],
  ["Rapportering och hotline", "Reporting and hotline"],
  ["Leverantörer och partner", "Suppliers and partners"],
  ["Teknisk upptäckt", "Technical detection"],
  ["Uppföljning och redovisning", "Follow-up and reporting"],
];

const GAPS: [string, string, string | null][] = [
  ["Finns en rutin för att rapportera misstänkt material till hotlinen?", "Is there a routine for reporting suspected material to the hotline?", "Skriv en rutin och utbilda de som tar emot rapporter."],
  ["Har styrelsen fattat beslut om policyn?", "Has the board adopted the policy?", "Låt styrelsen anta policyn och följ upp den årligen."],
  ["Ingår barnrättsfrågor i riskbedömningen?", "Are children's rights part of the risk assessment?", "Lägg till barnrättsrisker i den årliga riskbedömningen."],
  ["Får nyanställda utbildning inom tre månader?", "Are new employees trained within three months?", "Gör utbildningen till en del av introduktionen."],
  ["Ställs krav på leverantörer i avtal?", "Do supplier contracts include requirements?", null],
  ["Används hashlistan i alla uppladdningsflöden?", "Is the hash list used in every upload flow?", "Koppla alla uppladdningsflöden till hashlistan."],
  ["Mäts antalet rapporter som hanteras?", "Is the number of reports handled measured?", "För statistik över rapporter och handläggningstid."],
  ["Finns en ansvarig för frågorna i ledningen?", "Is someone in management responsible?", "Utse en ansvarig i ledningsgruppen."],
  ["Redovisas arbetet i hållbarhetsrapporten?", "Is the work reported in the sustainability report?", "Beskriv arbetet i nästa hållbarhetsrapport."],
  ["Har personalen tillgång till stöd efter svåra ärenden?", "Do staff have support after difficult cases?", "Erbjud samtalsstöd till de som granskar material."],
];

const RECOMMENDATIONS_EN: Record<string, string> = {
  "Skriv en rutin och utbilda de som tar emot rapporter.": "Write a routine and train those who receive reports.",
  "Låt styrelsen anta policyn och följ upp den årligen.": "Have the board adopt the policy and follow it up yearly.",
  "Lägg till barnrättsrisker i den årliga riskbedömningen.": "Add children's rights risks to the yearly risk assessment.",
  "Gör utbildningen till en del av introduktionen.": "Make the training part of onboarding.",
  "Koppla alla uppladdningsflöden till hashlistan.": "Connect every upload flow to the hash list.",
  "För statistik över rapporter och handläggningstid.": "Keep statistics of reports and handling times.",
  "Utse en ansvarig i ledningsgruppen.": "Appoint someone responsible in the management team.",
  "Beskriv arbetet i nästa hållbarhetsrapport.": "Describe the work in the next sustainability report.",
  "Erbjud samtalsstöd till de som granskar material.": "Offer counselling to those who review material.",
};

const ACTION_TYPES: [string, string, string, string][] = [
  // [sv title, en title, sv type, en type]
  ["Utbildning för kundtjänst", "Customer service training", "Utbildning eller workshop", "Training or workshop"],
  ["Informationskampanj till resenärer", "Awareness campaign for travellers", "Informationskampanj", "Awareness campaign"],
  ["Bidrag till hotlinens arbete", "Donation to the hotline", "Gåva eller sponsring", "Donation or sponsorship"],
  ["Rapporter till hotlinen", "Reports to the hotline", "Hänvisning eller rapport till hotlinen", "Referral or report to the hotline"],
  ["Borttagning av rapporterade adresser", "Takedown of reported addresses", "Samarbete om borttagning", "Takedown cooperation"],
];

const PLAN_STATUSES: [string, string, string][] = [
  ["open", "Inte påbörjad", "Not started"],
  ["in_progress", "Pågår", "In progress"],
  ["done", "Klar", "Done"],
  ["dropped", "Struken", "Dropped"],
];

function commitmentText(language: Language): { title: string; text: string } {
  if (language === "en") {
    return {
      title: "Commitment to protect children from sexual exploitation",
      text: [
        "We will never tolerate the sexual exploitation of children in our operations, our services or our supply chain.",
        "We will assess the risks our business poses to children every year, train our staff to recognise and report suspected abuse, and report every suspicion to the hotline and the police.",
        "We will use the hash list to stop known abuse material from being uploaded to or shared through our services, and we will report openly on what we have done.",
        "This commitment is signed by the company's management and applies to every part of the company.",
      ].join("\n\n"),
    };
  }
  return {
    title: "Åtagande om att skydda barn mot sexuell exploatering",
    text: [
      "Vi kommer aldrig tolerera sexuell exploatering av barn i vår verksamhet, våra tjänster eller vår leverantörskedja.",
      "Vi bedömer varje år vilka risker verksamheten innebär för barn, utbildar personalen i att känna igen och rapportera misstänkta övergrepp, och rapporterar varje misstanke till hotlinen och polisen.",
      "Vi använder hashlistan för att stoppa känt övergreppsmaterial från att laddas upp till eller spridas genom våra tjänster, och vi redovisar öppet vad vi har gjort.",
      "Åtagandet är undertecknat av företagets ledning och gäller alla delar av företaget.",
    ].join("\n\n"),
  };
}

export function sampleReportData(options: SampleOptions): ReportData {
  const language = options.language ?? "sv";
  const id = options.id ?? SAMPLE_ID;
  const issuedAt = options.issuedAt ?? SAMPLE_ISSUED_AT;
  const period = options.period ?? SAMPLE_PERIOD;
  const base = {
    version: REPORT_DATA_VERSION,
    id,
    language,
    issuedAt,
    verifyUrl: verifyUrlOf(id),
    period,
  } as const;
  const ngoName = "ECPAT Sverige";
  if (options.kind === "empty") {
    return {
      ...base,
      organisation: { name: SAMPLE_TEXT.empty.company, orgNumber: SAMPLE_TEXT.empty.orgNumber, industry: L(language, "Digitala tjänster", "Digital services"), country: L(language, "Sverige", "Sweden"), approvedAt: null },
      commitment: null,
      assessment: null,
      plan: { items: [], counts: [], done: 0, total: 0 },
      actions: { items: [], totals: { count: 0, confirmed: 0, figures: [] } },
      hashlist: { state: L(language, "Inte begärd", "Not requested"), active: false, lists: [], activeKeys: 0, lastSyncAt: null },
      confirmation: { ngoName, assessmentConfirmed: false, confirmedActions: 0 },
    };
  }

  const random = mulberry32Unit(options.seed ?? 20_26);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const number = new Intl.NumberFormat(language === "en" ? "en-GB" : "sv-SE");
  const { title, text } = commitmentText(language);
  const sections = SECTIONS.map(([sv, en], i) => ({
    id: `s${i + 1}`,
    title: L(language, sv, en),
    score: i === 6 ? null : Math.round(30 + random() * 65),
    industryMedian: i === 5 ? null : Math.round(35 + random() * 45),
  }));
  const trend = [3, 2, 1, 0].map((back) => ({ year: period - back, score: Math.round(45 + (3 - back) * 8 + random() * 6) }));
  const score = trend[trend.length - 1]!.score;

  const planCount = options.planItems ?? 30;
  const planItems = Array.from({ length: planCount }, (_, i) => {
    const [status, sv, en] = PLAN_STATUSES[i % 3 === 0 ? 2 : Math.floor(random() * PLAN_STATUSES.length)]!;
    const gap = GAPS[i % GAPS.length]!;
    return {
      action: L(language, `Åtgärd ${i + 1}: ${gap[2] ?? "Ställ krav på leverantörer i nya avtal."}`, `Action ${i + 1}: ${gap[2] ? RECOMMENDATIONS_EN[gap[2]]! : "Add requirements to new supplier contracts."}`),
      status,
      statusLabel: L(language, sv, en),
      dueDate: i % 7 === 3 ? null : `${period + (i % 2)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    };
  });
  const counts = PLAN_STATUSES.map(([status, sv, en]) => ({ status, label: L(language, sv, en), count: planItems.filter((p) => p.status === status).length }));
  const done = planItems.filter((p) => p.status === "done").length;

  const actionCount = options.actions ?? 100;
  let trained = 0;
  let reach = 0;
  let donated = 0;
  const actionItems = Array.from({ length: actionCount }, (_, i) => {
    const type = i === 0 ? ACTION_TYPES[0]! : pick(ACTION_TYPES);
    const month = 1 + Math.floor((i * 12) / Math.max(1, actionCount));
    const day = 1 + Math.floor(random() * 27);
    const startsOn = `${period}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    const confirmed = i === 0 || random() < 0.6;
    const figures: { label: string; value: string }[] = [];
    if (type === ACTION_TYPES[0]) {
      const n = 5 + Math.floor(random() * 60);
      trained += n;
      figures.push({ label: L(language, "Utbildade personer", "People trained"), value: number.format(n) });
    } else if (type === ACTION_TYPES[1]) {
      const n = 1000 + Math.floor(random() * 90_000);
      reach += n;
      figures.push({ label: L(language, "Räckvidd (personer)", "Reach (people)"), value: number.format(n) });
    } else if (type === ACTION_TYPES[2]) {
      const n = 25_000 * (1 + Math.floor(random() * 8));
      donated += n;
      figures.push({ label: L(language, "Belopp", "Amount"), value: `${number.format(n)} SEK` });
    }
    return {
      title: `${L(language, type[0], type[1])} ${L(language, "nr", "no.")} ${i + 1}`,
      typeLabel: L(language, type[2], type[3]),
      startsOn,
      endsOn: i % 4 === 1 ? `${period}-${String(month).padStart(2, "0")}-${String(Math.min(28, day + 1)).padStart(2, "0")}` : null,
      statusLabel: L(language, "Genomförd", "Done"),
      confirmed,
      figures,
    };
  });
  const confirmedActions = actionItems.filter((a) => a.confirmed).length;

  return {
    ...base,
    organisation: {
      name: SAMPLE_TEXT.history.company,
      orgNumber: SAMPLE_TEXT.history.orgNumber,
      industry: L(language, "Resor och turism", "Travel and tourism"),
      country: L(language, "Sverige", "Sweden"),
      approvedAt: Date.UTC(period - 4, 4, 12, 8, 0, 0),
    },
    commitment: {
      title,
      version: "2026.1",
      text,
      signerName: "Karin Lindqvist",
      signerTitle: L(language, "Verkställande direktör", "Chief executive"),
      signedAt: Date.UTC(period, 1, 3, 14, 5, 0),
      method: "totp",
      sha256: crypto.createHash("sha256").update(`${title}\n\n${text}`).digest("hex"),
    },
    assessment: {
      year: period,
      status: "approved",
      score,
      maturity: { level: 3, label: L(language, "Integrerad", "Integrated") },
      sections,
      trend,
      comparison: { available: true, peers: 14, overall: 61 },
      gaps: GAPS.map(([sv, en, rec], i) => ({
        section: sections[i % sections.length]!.title,
        question: L(language, sv, en),
        recommendation: rec === null ? null : L(language, rec, RECOMMENDATIONS_EN[rec]!),
      })),
      review: { decidedAt: Date.UTC(period, 10, 14, 10, 0, 0), reviewerName: "Elin Berg" },
    },
    plan: { items: planItems, counts, done, total: planItems.length },
    actions: {
      items: actionItems,
      totals: {
        count: actionItems.length,
        confirmed: confirmedActions,
        figures: [
          { label: L(language, "Utbildade personer", "People trained"), value: number.format(trained) },
          { label: L(language, "Räckvidd (personer)", "Reach (people)"), value: number.format(reach) },
          { label: L(language, "Belopp", "Amount"), value: `${number.format(donated)} SEK` },
        ],
      },
    },
    hashlist: {
      state: L(language, "Aktiv", "Active"),
      active: true,
      lists: ["ecpat-se-pdq", "ecpat-se-md5"],
      activeKeys: 2,
      lastSyncAt: Date.UTC(period + 1, 0, 19, 23, 15, 0),
    },
    confirmation: { ngoName, assessmentConfirmed: true, confirmedActions },
  };
}
