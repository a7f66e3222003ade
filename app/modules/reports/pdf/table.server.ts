/**
 * Tables that continue across pages: Table > TR > TH/TD, the header row repeated at the top of every
 * continuation page (as a Pagination artifact, so a screen reader meets the headers once), striped
 * rows and rules as artifacts. Rows never split: a row that does not fit starts the next page.
 * (pdfkit's own `doc.table()` neither repeats headers nor keeps decoration out of the cells' content.)
 */
import { COLOR, SIZE, type ReportLayout } from "./layout.server";

type Struct = PDFKit.PDFStructureElement;

export interface Column {
  header: string;
  /** Share of the text width (the shares of a table add up to 1). */
  share: number;
  align?: "left" | "right";
}

export interface TableSpec {
  columns: Column[];
  rows: string[][];
  /** Whether to draw (and tag) the header row; off for label/value tables. */
  headerRow?: boolean;
  /** Whether each row's first cell is a row header (TH, scope Row) drawn in bold. */
  rowHeaders?: boolean;
  striped?: boolean;
  fontSize?: number;
}

const PAD_X = 4;
const PAD_Y = 3;

export function drawTable(layout: ReportLayout, parent: Struct, spec: TableSpec): void {
  const { doc } = layout;
  const size = spec.fontSize ?? SIZE.small;
  const headerRow = spec.headerRow ?? true;
  const widths = spec.columns.map((c) => c.share * layout.width);
  const xs = widths.map((_, i) => layout.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const boldCell = (col: number, isHeader: boolean) => isHeader || (spec.rowHeaders === true && col === 0);

  const heightOf = (cells: string[], isHeader: boolean) =>
    Math.max(
      ...cells.map((text, col) => {
        layout.font(boldCell(col, isHeader) ? "bold" : "regular", size);
        return doc.heightOfString(text, { width: widths[col]! - 2 * PAD_X });
      }),
    ) +
    2 * PAD_Y;

  const cellText = (text: string, col: number, y: number, isHeader: boolean) => {
    layout.font(boldCell(col, isHeader) ? "bold" : "regular", size, COLOR.text);
    doc.text(text, xs[col]! + PAD_X, y + PAD_Y, { width: widths[col]! - 2 * PAD_X, align: spec.columns[col]!.align ?? "left" });
  };

  const headers = spec.columns.map((c) => c.header);
  const headerHeight = headerRow ? heightOf(headers, true) : 0;
  const table = layout.group(parent, "Table");

  const drawHeader = (tagged: boolean) => {
    const y = doc.y;
    layout.artifact(() => {
      doc.rect(layout.left, y, layout.width, headerHeight).fill(COLOR.headerFill);
    });
    if (tagged) {
      const tr = layout.group(table, "TR");
      headers.forEach((text, col) => layout.tag(tr, "TH", () => cellText(text, col, y, true), { scope: "Column" }));
      tr.end();
    } else {
      layout.artifact(() => headers.forEach((text, col) => cellText(text, col, y, true)), "Pagination");
    }
    doc.y = y + headerHeight;
    layout.rule(doc.y, COLOR.accent);
  };

  spec.rows.forEach((row, index) => {
    const height = heightOf(row, false);
    if (index === 0 && headerRow) {
      layout.ensureSpace(headerHeight + height);
      drawHeader(true);
    } else if (doc.y + height > layout.bottom) {
      layout.addPage();
      if (headerRow) drawHeader(false);
    }
    const y = doc.y;
    if (spec.striped && index % 2 === 1) {
      layout.artifact(() => {
        doc.rect(layout.left, y, layout.width, height).fill(COLOR.stripe);
      });
    }
    const tr = layout.group(table, "TR");
    row.forEach((text, col) => {
      const isRowHeader = spec.rowHeaders === true && col === 0;
      layout.tag(tr, isRowHeader ? "TH" : "TD", () => cellText(text, col, y, false), isRowHeader ? { scope: "Row" } : {});
    });
    tr.end();
    doc.y = y + height;
  });
  if (spec.rows.length > 0) layout.rule(doc.y, COLOR.grid);
  table.end();
  doc.x = layout.left;
}

/** A two-column table of labels (row headers) and values, without a header row. */
export function drawDetails(layout: ReportLayout, parent: Struct, rows: [string, string][], options: { labelShare?: number; fontSize?: number } = {}): void {
  const labelShare = options.labelShare ?? 0.34;
  drawTable(layout, parent, {
    columns: [
      { header: "", share: labelShare },
      { header: "", share: 1 - labelShare },
    ],
    rows,
    headerRow: false,
    rowHeaders: true,
    fontSize: options.fontSize ?? SIZE.body,
  });
}
