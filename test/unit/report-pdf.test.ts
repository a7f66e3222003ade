/**
 * The commitment report's PDF (app/modules/reports/pdf), checked with the real tools: qpdf, poppler
 * (pdfinfo, pdffonts, pdftotext) and PDFBox Preflight for PDF/A-1b. A missing tool fails every test
 * with the Debian package to install.
 */
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "~/modules/i18n/i18n";
import { en } from "~/modules/i18n/locales/en";
import { sv } from "~/modules/i18n/locales/sv";
import { renderReport, TOC_FROM_PAGES } from "~/modules/reports/pdf/render.server";
import type { ReportData } from "~/modules/reports/types";
import { flat, pdfFonts, pdfInfo, pdfTempDir, pdfText, preflight, qpdfCheck, qpdfQdf, requirePdfTools, type PdfTempDir, type PreflightResult } from "../support/pdf-tools";
import { SAMPLE_ISSUED_AT, SAMPLE_TEXT, sampleReportData } from "../support/report-fixtures";

const LANGUAGES: Language[] = ["sv", "en"];
const KINDS = ["history", "empty"] as const;
type Kind = (typeof KINDS)[number];
const labels = (language: Language) => (language === "en" ? en : sv).reportPdf;
/** A translation with its {{placeholders}} filled in, as i18next does. */
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));
/** Text as a PDF literal string writes it (parentheses and backslashes escaped). */
const pdfString = (text: string) => text.replace(/[()\\]/g, "\\$&");

interface Rendered {
  data: ReportData;
  bytes: Buffer;
  file: string;
  pages: number;
}

let tmp: PdfTempDir;
const rendered = new Map<string, Rendered>();
const key = (kind: Kind, language: Language) => `${kind}-${language}`;
const get = (kind: Kind, language: Language) => rendered.get(key(kind, language))!;
let preflightResults: PreflightResult[] = [];
/** The history fixture with a first, unscored assessment: one trend point, too few peers, no gaps. */
const sparse = new Map<Language, Rendered>();
function sparseAssessment(language: Language): ReportData {
  const data = sampleReportData({ kind: "history", language, actions: 3, planItems: 2 });
  const assessment = data.assessment!;
  return {
    ...data,
    assessment: {
      ...assessment,
      status: "submitted",
      score: null,
      maturity: null,
      sections: assessment.sections.map((s) => ({ ...s, score: null, industryMedian: null })),
      trend: [{ year: data.period, score: 41 }],
      comparison: { available: false, peers: 3 },
      gaps: [],
      review: null,
    },
    confirmation: { ...data.confirmation, assessmentConfirmed: false, confirmedActions: 1 },
  };
}
let notPdfA = "";

beforeAll(async () => {
  requirePdfTools();
  tmp = pdfTempDir("pp-report-pdf-");
  for (const kind of KINDS) {
    for (const language of LANGUAGES) {
      const data = sampleReportData({ kind, language });
      const { pdf: bytes, pages } = await renderReport(data);
      const file = tmp.write(`${key(kind, language)}.pdf`, bytes);
      // The page count the renderer reports (kept with the report) is the one pdfinfo reads.
      expect(pages).toBe(pdfInfo(file).pages);
      rendered.set(key(kind, language), { data, bytes, file, pages });
    }
  }
  for (const language of LANGUAGES) {
    const data = sparseAssessment(language);
    const bytes = (await renderReport(data)).pdf;
    const file = tmp.write(`sparse-${language}.pdf`, bytes);
    sparse.set(language, { data, bytes, file, pages: pdfInfo(file).pages });
  }
  // A plain pdfkit document (not PDF/A): shows that the Preflight check can fail.
  notPdfA = tmp.write("plain.pdf", await plainPdf());
  // One JVM for every file (Preflight takes seconds to start).
  preflightResults = preflight([...[...rendered.values(), ...sparse.values()].map((r) => r.file), notPdfA]);
}, 120_000);

afterAll(() => tmp?.remove());

function plainPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ font: "app/modules/reports/fonts/DejaVuSans.ttf" });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.text("Not PDF/A");
    doc.end();
  });
}

describe("commitment report PDF: the file", () => {
  it.each(KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const)))("%s (%s) passes qpdf --check", (kind, language) => {
    const check = qpdfCheck(get(kind, language).file);
    expect(check.output).toContain("No syntax or stream encoding errors");
    expect(check.ok, check.output).toBe(true);
  });

  it.each(KINDS.flatMap((kind) => LANGUAGES.map((language) => [kind, language] as const)))("%s (%s) is valid PDF/A-1b according to Preflight", (kind, language) => {
    const result = preflightResults.find((r) => r.file === get(kind, language).file)!;
    expect(result.valid, result.output).toBe(true);
  });

  it("Preflight does reject a PDF that is not PDF/A (the check can fail)", () => {
    const result = preflightResults.find((r) => r.file === notPdfA)!;
    expect(result.valid).toBe(false);
    expect(result.output).toMatch(/<error/);
  });

  it.each(LANGUAGES)("pdfinfo (%s): tagged, PDF 1.4, title, dates from issuedAt, a plausible page count", (language) => {
    for (const kind of KINDS) {
      const { file, data } = get(kind, language);
      const { fields, pages } = pdfInfo(file);
      expect(fields.Tagged).toBe("yes");
      expect(fields["PDF version"]).toBe("1.4");
      expect(fields.Title).toBe(fill(labels(language).documentTitle, { period: data.period, organisation: data.organisation.name }));
      expect(fields.Author).toBe(data.confirmation.ngoName);
      expect(fields.Keywords).toContain(data.id);
      expect(fields.Creator).toBe("Partnerportalen");
      expect(fields.CreationDate).toBe(new Date(SAMPLE_ISSUED_AT).toISOString().replace(".000", ""));
      expect(fields.ModDate).toBe(fields.CreationDate);
      expect(fields["Page size"]).toContain("(A4)");
      if (kind === "history") expect(pages).toBeGreaterThanOrEqual(8);
      else expect(pages).toBeLessThan(TOC_FROM_PAGES);
      expect(pages).toBeLessThan(30);
    }
  });

  it("pdffonts: only the two DejaVu Sans faces, embedded as subsets with Unicode maps", () => {
    for (const r of rendered.values()) {
      const fonts = pdfFonts(r.file);
      expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, "")).sort()).toEqual(["DejaVuSans", "DejaVuSans-Bold"]);
      for (const font of fonts) {
        expect(font, font.name).toMatchObject({ embedded: true, subset: true, unicode: true });
      }
    }
  });

  it("the structure tree: Document, sections, headings, tables, lists, figures with alt texts that state the numbers; language; no transparency", () => {
    const { data } = get("history", "en");
    const qdf = qpdfQdf(get("history", "en").file);
    for (const type of ["Document", "Sect", "H1", "H2", "P", "L", "LI", "Table", "TR", "TH", "TD", "Figure", "TOC", "TOCI"]) {
      expect(qdf, type).toContain(`/S /${type}\n`);
    }
    expect(qdf).toContain("/Lang (en-GB)");
    expect(qdf).toMatch(/\/MarkInfo \d+ 0 R|\/Marked true/);
    expect(qdf).toContain("/Artifact");
    // Four figures: section scores, trend, plan progress, QR code.
    expect(qdf.match(/\/S \/Figure\n/g)).toHaveLength(4);
    const a = data.assessment!;
    for (const s of a.sections) {
      const item = s.score === null ? `${s.title} Not scored` : `${s.title} ${s.score}`;
      expect(qdf).toContain(pdfString(s.industryMedian === null ? `${item};` : `${item} (industry median ${s.industryMedian})`));
    }
    expect(qdf).toContain(`/Alt (Line chart of the overall score per year, 0 to 100: ${a.trend.map((p) => `${p.year}: ${p.score}`).join(", ")}.)`);
    expect(qdf).toContain(`/Alt (QR code for the verification address ${data.verifyUrl})`);
    // PDF/A-1 forbids transparency: no constant alpha other than 1, no soft masks.
    expect(qdf).not.toMatch(/\/(CA|ca) (0(\.\d+)?|\.\d+)\b/);
    expect(qdf).not.toContain("/SMask");
  });
});

describe("commitment report PDF: what it says", () => {
  it.each(LANGUAGES)("the full report (%s) has the company, period, commitment, sections, actions, gaps, footers and verification", (language) => {
    const { file, data, pages } = get("history", language);
    const text = flat(pdfText(file));
    const l = labels(language);
    const h = SAMPLE_TEXT.history;
    expect(text).toContain(h.company);
    expect(text).toContain(h.orgNumber);
    expect(text).toContain(fill(l.title, { period: data.period }));
    expect(text).toContain(fill(l.header, { organisation: h.company, period: data.period }));
    expect(text).toContain(h.commitmentPhrase[language]);
    expect(text).toContain(data.commitment!.sha256);
    for (const title of [l.commitment.title, l.assessment.title, l.plan.title, l.actions.title, l.hashlist.title, l.verification.title]) expect(text).toContain(title);
    expect(text).toContain(h.actionTitle[language]);
    expect(text).toContain(h.gapQuestion[language]);
    expect(text).toContain(fill(l.footerPage, { page: 1, total: pages }));
    expect(text).toContain(fill(l.footerPage, { page: pages, total: pages }));
    expect(text).toContain(fill(l.footerReport, { id: data.id }));
    expect(text).toContain(data.verifyUrl);
  });

  it.each(LANGUAGES)("every page (%s) has its footer with the right total, and every page but the cover its header", (language) => {
    const { file, data, pages } = get("history", language);
    const l = labels(language);
    for (let page = 1; page <= pages; page++) {
      const text = flat(pdfText(file, { first: page, last: page }));
      expect(text, `page ${page}`).toContain(fill(l.footerPage, { page, total: pages }));
      expect(text, `page ${page}`).toContain(fill(l.footerReport, { id: data.id }));
      if (page > 1) expect(text, `page ${page}`).toContain(fill(l.header, { organisation: data.organisation.name, period: data.period }));
    }
  });

  it.each(LANGUAGES)("confirmed actions are marked with a word (%s), and the actions table repeats its header on every page it spans", (language) => {
    const { file, data, pages } = get("history", language);
    const l = labels(language);
    const text = pdfText(file);
    const confirmed = data.actions.items.filter((a) => a.confirmed).length;
    expect(confirmed).toBeGreaterThan(0);
    expect(text.split(l.actions.confirmed).length - 1).toBe(confirmed);
    expect(text.split(l.actions.notConfirmed).length - 1).toBe(data.actions.items.length - confirmed);
    // The pages with action rows: each has the table's header.
    const actionPages = [];
    for (let page = 1; page <= pages; page++) {
      const pageText = flat(pdfText(file, { first: page, last: page }));
      if (data.actions.items.some((a) => pageText.includes(a.title))) actionPages.push({ page, pageText });
    }
    expect(actionPages.length).toBeGreaterThanOrEqual(2);
    for (const { page, pageText } of actionPages) expect(pageText, `page ${page}`).toContain(l.actions.colConfirmed);
  });

  it.each(LANGUAGES)("the table of contents (%s) lists the sections with the pages they start on", (language) => {
    const { file, pages } = get("history", language);
    const l = labels(language);
    const toc = pdfText(file, { first: 2, last: 2, layout: true });
    expect(toc).toContain(l.toc.title);
    const pageTexts = Array.from({ length: pages }, (_, i) => flat(pdfText(file, { first: i + 1, last: i + 1 })));
    const titles = [l.commitment.title, l.assessment.title, l.assessment.sections, l.assessment.trend, l.assessment.gaps, l.plan.title, l.actions.title, l.hashlist.title, l.verification.title];
    let previous = 0;
    for (const title of titles) {
      const line = toc.split("\n").find((row) => row.trim().startsWith(title));
      expect(line, `TOC line for ${title}`).toBeDefined();
      const page = Number(/(\d+)\s*$/.exec(line!)?.[1]);
      expect(page, title).toBeGreaterThan(2);
      expect(page, title).toBeGreaterThanOrEqual(previous);
      previous = page;
      // The heading is on that page, and on no other page than it and the TOC.
      expect(pageTexts[page - 1], `${title} on page ${page}`).toContain(title);
      pageTexts.forEach((text, i) => {
        if (i + 1 !== page && i + 1 !== 2 && title.length > 12) expect(text.includes(title), `${title} also on page ${i + 1}`).toBe(false);
      });
    }
  });

  it.each(LANGUAGES)("a company with no data yet (%s) gets a short report that says so, without a TOC", (language) => {
    const { file, data, pages } = get("empty", language);
    const l = labels(language);
    const text = flat(pdfText(file));
    expect(text).toContain(SAMPLE_TEXT.empty.company);
    expect(text).toContain(SAMPLE_TEXT.empty.orgNumber);
    expect(text).not.toContain(l.toc.title);
    for (const line of [
      fill(l.commitment.none, { period: data.period }),
      fill(l.assessment.none, { period: data.period }),
      l.plan.none,
      fill(l.actions.none, { period: data.period }),
      l.hashlist.noLists,
      l.hashlist.neverSynced,
      fill(l.confirmation.assessmentNotApproved, { ngo: data.confirmation.ngoName, period: data.period }),
      fill(l.confirmation.actionsNone, { ngo: data.confirmation.ngoName, period: data.period }),
      fill(l.footerPage, { page: 1, total: pages }),
      data.verifyUrl,
    ]) {
      expect(text).toContain(line);
    }
  });
});

describe("commitment report PDF: an assessment with little behind it", () => {
  it.each(LANGUAGES)("(%s) says there are too few peers, no trend yet and no gaps, and is still valid PDF/A-1b", (language) => {
    const { file, data } = sparse.get(language)!;
    const l = labels(language);
    expect(qpdfCheck(file).ok).toBe(true);
    const result = preflightResults.find((r) => r.file === file)!;
    expect(result.valid, result.output).toBe(true);
    const text = flat(pdfText(file));
    expect(text).toContain(fill(l.assessment.comparisonTooFew, { peers: 3 }));
    expect(text).toContain(fill(l.assessment.trendSingle, { year: data.period, score: 41 }));
    expect(text).toContain(l.assessment.gapsNone);
    expect(text).toContain(l.assessment.notScored);
    expect(text).toContain(fill(l.confirmation.assessmentNotApproved, { ngo: data.confirmation.ngoName, period: data.period }));
    expect(text).toContain(fill(l.confirmation.actions_one, { ngo: data.confirmation.ngoName, period: data.period, count: 1 }));
    // Short: no table of contents.
    expect(text).not.toContain(l.toc.title);
  });
});

describe("commitment report PDF: determinism", () => {
  it("the same data gives the same bytes; another id or issue time gives other bytes", async () => {
    const base = sampleReportData({ kind: "history", language: "sv" });
    const again = (await renderReport(sampleReportData({ kind: "history", language: "sv" }))).pdf;
    expect(again.equals(get("history", "sv").bytes)).toBe(true);
    expect((await renderReport(base)).pdf.equals(again)).toBe(true);

    const otherId = (await renderReport(sampleReportData({ kind: "history", language: "sv", id: "rpt-another-identifier-0001" }))).pdf;
    const later = (await renderReport({ ...base, issuedAt: base.issuedAt + 60_000 })).pdf;
    expect(otherId.equals(again)).toBe(false);
    expect(later.equals(again)).toBe(false);
    const trailerId = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString("latin1"))?.[1];
    expect(trailerId(again)).toMatch(/^[0-9a-f]{32}$/);
    expect(trailerId(later)).not.toBe(trailerId(again));
    expect(trailerId(otherId)).not.toBe(trailerId(again));
    const laterFile = tmp.write("later.pdf", later);
    expect(pdfInfo(laterFile).fields.CreationDate).toBe(new Date(base.issuedAt + 60_000).toISOString().replace(".000", ""));
  });

  it("does not depend on the machine's clock or time zone", async () => {
    const before = process.env.TZ;
    const realNow = Date.now;
    try {
      process.env.TZ = "America/Los_Angeles";
      Date.now = () => realNow() + 400 * 86_400_000;
      const shifted = (await renderReport(sampleReportData({ kind: "empty", language: "en" }))).pdf;
      expect(shifted.equals(get("empty", "en").bytes)).toBe(true);
    } finally {
      Date.now = realNow;
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
