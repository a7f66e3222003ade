/**
 * What is drawn once the content is known: the table of contents on the page reserved for it, and the
 * header and footer of every page (which need the page count). pdfkit keeps all pages in memory
 * (`bufferPages`), so we go back to them with `switchToPage`.
 */
import type { ReportData } from "../types";
import { COLOR, PAGE, SIZE, type ReportLayout, type TocEntry } from "./layout.server";

type Struct = PDFKit.PDFStructureElement;

export interface ReservedToc {
  /** 0-based index of the TOC page in pdfkit's page buffer. */
  pageIndex: number;
  /** Where the entries start. */
  y: number;
  section: Struct;
  toc: Struct;
}

/**
 * Starts the TOC's page and section, with its heading, and leaves the TOC element open: its entries
 * are added at the end, but the element already sits in its place in the structure tree (after the
 * cover, before the first section), so the tree stays in reading order.
 */
export function reserveToc(l: ReportLayout, root: Struct): ReservedToc {
  l.addPage();
  const section = l.group(root, "Sect");
  l.heading(section, 1, l.t("reportPdf.toc.title"), { toc: false });
  const toc = l.group(section, "TOC");
  const reserved = { pageIndex: l.pageNumber - 1, y: l.doc.y + 4, section, toc };
  l.addPage();
  return reserved;
}

const ENTRY_HEIGHT = 17;

/** Writes one TOC item per heading (H2 indented), its page number right-aligned, dotted leaders between. */
export function fillToc(l: ReportLayout, reserved: ReservedToc, entries: TocEntry[]): void {
  const { doc } = l;
  doc.switchToPage(reserved.pageIndex);
  const numberWidth = 30;
  // Entries that would not fit on the page are left out (H2 first); a report has about 15.
  const room = Math.floor((l.bottom - reserved.y) / ENTRY_HEIGHT);
  const shown = entries.length <= room ? entries : entries.filter((e) => e.level === 1).slice(0, room);
  shown.forEach((entry, i) => {
    const y = reserved.y + i * ENTRY_HEIGHT;
    const indent = entry.level === 1 ? 0 : 16;
    const style = entry.level === 1 ? "bold" : "regular";
    l.font(style, SIZE.body);
    const titleWidth = Math.min(doc.widthOfString(entry.title), l.width - indent - numberWidth - 20);
    l.tag(reserved.toc, "TOCI", () => {
      l.font(style, SIZE.body, COLOR.text);
      doc.text(entry.title, l.left + indent, y, { width: titleWidth + 1, height: ENTRY_HEIGHT, ellipsis: true, lineBreak: false });
      doc.text(String(entry.page), l.left + l.width - numberWidth, y, { width: numberWidth, align: "right", lineBreak: false });
    });
    l.artifact(() => {
      const from = l.left + indent + titleWidth + 6;
      const to = l.left + l.width - numberWidth - 2;
      for (let x = from; x < to; x += 4) doc.circle(x, y + 8, 0.6);
      doc.fill(COLOR.rule);
    });
  });
  reserved.toc.end();
  reserved.section.end();
}

/** Header (company · period; not on the cover) and footer (report id, "Page X of Y") on every page. */
export function drawPageFurniture(l: ReportLayout, data: ReportData): void {
  const { doc, t } = l;
  const total = l.pageNumber;
  const header = t("reportPdf.header", { organisation: data.organisation.name, period: data.period });
  const reportLine = t("reportPdf.footerReport", { id: data.id });
  for (let index = 0; index < total; index++) {
    doc.switchToPage(index);
    // Text below the bottom margin would make pdfkit start a new page: lift the margin while drawing.
    const margins = doc.page.margins;
    const bottomMargin = margins.bottom;
    margins.bottom = 0;
    l.artifact(() => {
      l.font("regular", SIZE.tiny, COLOR.muted);
      if (index > 0) {
        doc.text(header, l.left, 40, { width: l.width, lineBreak: false, ellipsis: true, height: 12 });
        doc.moveTo(l.left, 54).lineTo(l.left + l.width, 54).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
      }
      const footerY = PAGE.height - 46;
      doc.moveTo(l.left, footerY - 6).lineTo(l.left + l.width, footerY - 6).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
      l.font("regular", SIZE.tiny, COLOR.muted);
      doc.text(reportLine, l.left, footerY, { width: l.width * 0.7, lineBreak: false });
      doc.text(t("reportPdf.footerPage", { page: index + 1, total }), l.left + l.width * 0.7, footerY, { width: l.width * 0.3, align: "right", lineBreak: false });
    }, "Pagination");
    margins.bottom = bottomMargin;
  }
}
