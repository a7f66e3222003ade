/**
 * The commitment report as PDF/A-1b, tagged: `renderReport(data)` is a pure function of the report's
 * data (and the translations), so the same data gives the same bytes (see document.server.ts for how).
 *
 * Order: cover; table of contents (when the rest is TOC_FROM_PAGES pages or more); the signed
 * commitment; self-assessment results; improvement plan; collaborative actions; hash-list use; the
 * NGO's confirmation; verification. Headers and footers last, when the page count is known.
 */
import { getT } from "~/modules/i18n/i18n.server";
import type { ReportData } from "../types";
import { createReportDocument, finish, fingerprintOf } from "./document.server";
import { formatsFor } from "./format";
import { ReportLayout } from "./layout.server";
import { drawPageFurniture, fillToc, reserveToc } from "./pages.server";
import { drawActions, drawAssessment, drawCommitment, drawConfirmation, drawCover, drawHashlist, drawPlan, drawVerification } from "./sections.server";

/** A report gets a table of contents when it has this many pages or more without one. */
export const TOC_FROM_PAGES = 5;

/** The PDF's bytes and its number of pages. */
export interface RenderedReport {
  pdf: Buffer;
  pages: number;
}

export async function renderReport(data: ReportData): Promise<RenderedReport> {
  // Drawn with a TOC page first; a report that turns out shorter is drawn again without it (short
  // reports are cheap, and long ones, the expensive ones, are drawn once). The first document of a
  // short report is dropped unfinished: nothing was written anywhere but memory.
  const withToc = await draw(data, true);
  const drawn = withToc.pages - 1 >= TOC_FROM_PAGES ? withToc : await draw(data, false);
  return { pdf: await finish(drawn.doc), pages: drawn.pages };
}

async function draw(data: ReportData, withToc: boolean): Promise<{ doc: PDFKit.PDFDocument; pages: number }> {
  const t = await getT(data.language);
  const f = formatsFor(data.language);
  const org = data.organisation;
  const ngo = data.confirmation.ngoName;
  const doc = createReportDocument({
    title: t("reportPdf.documentTitle", { period: data.period, organisation: org.name }),
    author: ngo,
    subject: t("reportPdf.subject", { organisation: org.name, period: data.period, ngo }),
    keywords: t("reportPdf.keywords", { period: data.period, orgNumber: org.orgNumber, id: data.id }),
    lang: f.locale,
    date: new Date(data.issuedAt),
    fingerprint: fingerprintOf(data),
  });
  const layout = new ReportLayout(doc, t, f);
  const root = doc.struct("Document");
  doc.addStructure(root);

  layout.addPage();
  drawCover(layout, root, data);
  const toc = withToc ? reserveToc(layout, root) : null;
  if (!toc) layout.addPage();
  drawCommitment(layout, root, data);
  drawAssessment(layout, root, data);
  drawPlan(layout, root, data);
  drawActions(layout, root, data);
  drawHashlist(layout, root, data);
  drawConfirmation(layout, root, data);
  drawVerification(layout, root, data);

  if (toc) fillToc(layout, toc, layout.headings);
  drawPageFurniture(layout, data);
  root.end();
  return { doc, pages: layout.pageNumber };
}
