/**
 * The report's page layout and its tagged building blocks: headings, paragraphs, lists, and the
 * bookkeeping of where each section starts (for the table of contents).
 *
 * Tagging rules this file keeps (pdfkit's marked content):
 * - Content is drawn inside a structure element's closure (`tag`), which pdfkit wraps in a marked-
 *   content sequence with an MCID; decoration is drawn inside `artifact`. Nothing is drawn outside both.
 * - An artifact must never be started inside a closure: pdfkit closes every open marked-content
 *   sequence when an artifact starts. So page breaks (`ensureSpace`) and decoration happen between
 *   closures, never inside them.
 * - Pages are only appended while drawing (the TOC page is filled and headers/footers are drawn at the
 *   very end), so the current page number is the number of pages so far.
 */
import type { TFunction } from "i18next";
import { FONT } from "./document.server";
import type { Formats } from "./format";

type Struct = PDFKit.PDFStructureElement;

export const PAGE = { width: 595.28, height: 841.89, marginX: 56, marginTop: 76, marginBottom: 72 } as const;

/** Plain RGB (PDF/A-1b with the sRGB output intent pdfkit adds); never any transparency. */
export const COLOR = {
  text: "#1a1a1a",
  muted: "#555555",
  accent: "#1f4e79",
  rule: "#9aa5b1",
  headerFill: "#dde6f0",
  stripe: "#f2f5f8",
  bar: "#2e75b6",
  barTrack: "#e6e6e6",
  median: "#000000",
  grid: "#d0d0d0",
  line: "#1f4e79",
} as const;

export const SIZE = { title: 26, h1: 16, h2: 12, body: 10, small: 8.5, tiny: 7.5 } as const;

export interface TocEntry {
  level: 1 | 2;
  title: string;
  /** 1-based page number, as the footers count. */
  page: number;
}

export class ReportLayout {
  /** Every heading drawn, in order, with its page: the table of contents. */
  readonly headings: TocEntry[] = [];

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly t: TFunction,
    readonly f: Formats,
  ) {}

  get left(): number {
    return PAGE.marginX;
  }
  get width(): number {
    return PAGE.width - 2 * PAGE.marginX;
  }
  get bottom(): number {
    return PAGE.height - PAGE.marginBottom;
  }
  get pageNumber(): number {
    return this.doc.bufferedPageRange().count;
  }

  addPage(): void {
    this.doc.addPage({ size: "A4", margins: { top: PAGE.marginTop, bottom: PAGE.marginBottom, left: PAGE.marginX, right: PAGE.marginX } });
  }

  /** Starts a new page unless `height` points still fit above the bottom margin. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.addPage();
  }

  /** Vertical space (nothing is drawn). */
  gap(points: number): void {
    this.doc.y += points;
  }

  /** Whether nothing has been drawn on the current page yet. */
  get atPageTop(): boolean {
    return this.doc.y <= PAGE.marginTop + 0.5;
  }

  font(style: "regular" | "bold", size: number, color: string = COLOR.text): void {
    this.doc.font(style === "bold" ? FONT.bold : FONT.regular).fontSize(size).fillColor(color);
  }

  /** Draws `draw` as the content of a new structure element of `type` under `parent`. */
  tag(parent: Struct, type: string, draw: () => void, options: PDFKit.Mixins.StructureElementOptions = {}): Struct {
    const element = this.doc.struct(type, options, draw);
    parent.add(element);
    return element;
  }

  /** A structure element to which children are added later. */
  group(parent: Struct, type: string, options: PDFKit.Mixins.StructureElementOptions = {}): Struct {
    const element = this.doc.struct(type, options);
    parent.add(element);
    return element;
  }

  /** Decoration that is not content (rules, stripes, repeated table headers, page furniture). */
  artifact(draw: () => void, type: "Layout" | "Pagination" = "Layout"): void {
    this.doc.save();
    this.doc.markContent("Artifact", { type });
    draw();
    this.doc.endMarkedContent();
    this.doc.restore();
  }

  /** A horizontal rule across the text width (an artifact). */
  rule(y = this.doc.y, color: string = COLOR.rule): void {
    this.artifact(() => {
      this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.75).strokeColor(color).stroke();
    });
  }

  /**
   * A heading (H1 or H2), kept on the same page as at least `keepWith` points of what follows, and
   * recorded for the table of contents.
   */
  heading(parent: Struct, level: 1 | 2, title: string, options: { keepWith?: number; toc?: boolean } = {}): void {
    const size = level === 1 ? SIZE.h1 : SIZE.h2;
    this.font("bold", size, COLOR.accent);
    const height = this.doc.heightOfString(title, { width: this.width });
    if (!this.atPageTop) this.gap(level === 1 ? 14 : 8);
    this.ensureSpace(height + (options.keepWith ?? 60));
    if (options.toc !== false) this.headings.push({ level, title, page: this.pageNumber });
    const y = this.doc.y;
    this.tag(parent, `H${level}`, () => {
      this.font("bold", size, COLOR.accent);
      this.doc.text(title, this.left, y, { width: this.width });
    });
    if (level === 1) {
      this.gap(2);
      this.rule();
      this.gap(8);
    } else {
      this.gap(4);
    }
  }

  /** A paragraph; moved to the next page whole when it fits on one page, else it flows across. */
  paragraph(parent: Struct, text: string, options: { size?: number; color?: string; bold?: boolean; after?: number } = {}): void {
    const size = options.size ?? SIZE.body;
    this.font(options.bold ? "bold" : "regular", size, options.color ?? COLOR.text);
    const height = this.doc.heightOfString(text, { width: this.width, lineGap: 1.5 });
    this.ensureSpace(Math.min(height, this.bottom - PAGE.marginTop));
    const y = this.doc.y;
    this.tag(parent, "P", () => {
      this.font(options.bold ? "bold" : "regular", size, options.color ?? COLOR.text);
      this.doc.text(text, this.left, y, { width: this.width, lineGap: 1.5 });
    });
    this.gap(options.after ?? 6);
  }

  /**
   * A list (L > LI > Lbl + LBody): a bullet and, per item, a first line in bold and further lines in
   * the regular face.
   */
  list(parent: Struct, items: { title: string; lines?: string[] }[]): void {
    const list = this.group(parent, "L");
    const indent = 14;
    const width = this.width - indent;
    for (const item of items) {
      const lines = item.lines ?? [];
      this.font("bold", SIZE.body);
      let height = this.doc.heightOfString(item.title, { width });
      this.font("regular", SIZE.body);
      for (const line of lines) height += this.doc.heightOfString(line, { width }) + 1;
      this.ensureSpace(height + 4);
      const li = this.group(list, "LI");
      const y = this.doc.y;
      this.tag(li, "Lbl", () => {
        this.font("regular", SIZE.body, COLOR.accent);
        this.doc.text("•", this.left + 2, y, { width: indent, lineBreak: false });
      });
      const body = this.group(li, "LBody");
      this.tag(body, "P", () => {
        this.font(lines.length > 0 ? "bold" : "regular", SIZE.body);
        this.doc.text(item.title, this.left + indent, y, { width });
      });
      for (const line of lines) {
        const lineY = this.doc.y + 1;
        this.tag(body, "P", () => {
          this.font("regular", SIZE.body, COLOR.text);
          this.doc.text(line, this.left + indent, lineY, { width });
        });
      }
      body.end();
      li.end();
      this.gap(4);
    }
    list.end();
  }
}
