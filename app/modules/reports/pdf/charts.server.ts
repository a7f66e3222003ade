/**
 * Vector charts, each one Figure element whose alt text states every number it shows (the drawing
 * itself, labels included, is the Figure's content). Values are 0–100 scores. The industry median is
 * a black tick across the bar and is also written as text next to the bar, so no information is
 * carried by colour alone.
 */
import { COLOR, SIZE, type ReportLayout } from "./layout.server";

type Struct = PDFKit.PDFStructureElement;

export interface Bar {
  label: string;
  value: number | null;
  median: number | null;
}

const ROW = 20;
const BAR = 10;

/** Horizontal bars, one per section, with a 0–100 axis and the industry median marked. */
export function drawBarChart(layout: ReportLayout, parent: Struct, bars: Bar[], text: { alt: string; legendScore: string; legendMedian: string; notScored: string }): void {
  const { doc, f } = layout;
  const labelWidth = layout.width * 0.36;
  const valueWidth = 92;
  const x0 = layout.left + labelWidth + 6;
  const barWidth = layout.width - labelWidth - 6 - valueWidth;
  const legendHeight = 18;
  const axisHeight = 16;
  const height = legendHeight + bars.length * ROW + axisHeight;
  const xOf = (value: number) => x0 + (Math.max(0, Math.min(100, value)) / 100) * barWidth;
  const hasMedian = bars.some((b) => b.median !== null);

  layout.ensureSpace(height + 6);
  const top = doc.y;
  layout.tag(
    parent,
    "Figure",
    () => {
      // Legend.
      doc.rect(x0, top + 3, 14, BAR).fill(COLOR.bar);
      layout.font("regular", SIZE.small, COLOR.text);
      doc.text(text.legendScore, x0 + 18, top + 3, { lineBreak: false });
      if (hasMedian) {
        const lx = x0 + 30 + doc.widthOfString(text.legendScore);
        doc.moveTo(lx + 4, top + 1).lineTo(lx + 4, top + 3 + BAR + 2).lineWidth(2).strokeColor(COLOR.median).stroke();
        layout.font("regular", SIZE.small, COLOR.text);
        doc.text(text.legendMedian, lx + 12, top + 3, { lineBreak: false });
      }
      const chartTop = top + legendHeight;
      const chartBottom = chartTop + bars.length * ROW;
      // Grid and axis labels.
      for (const tick of [0, 25, 50, 75, 100]) {
        const x = xOf(tick);
        doc.moveTo(x, chartTop).lineTo(x, chartBottom).lineWidth(0.5).strokeColor(COLOR.grid).stroke();
        layout.font("regular", SIZE.tiny, COLOR.muted);
        doc.text(f.number(tick), x - 15, chartBottom + 3, { width: 30, align: "center", lineBreak: false });
      }
      bars.forEach((bar, i) => {
        const rowTop = chartTop + i * ROW;
        const barTop = rowTop + (ROW - BAR) / 2;
        layout.font("regular", SIZE.small, COLOR.text);
        doc.text(bar.label, layout.left, rowTop + 5, { width: labelWidth, height: ROW - 4, ellipsis: true, lineBreak: false });
        doc.rect(x0, barTop, barWidth, BAR).fill(COLOR.barTrack);
        if (bar.value !== null && bar.value > 0) doc.rect(x0, barTop, xOf(bar.value) - x0, BAR).fill(COLOR.bar);
        if (bar.median !== null) {
          const mx = xOf(bar.median);
          doc.moveTo(mx, barTop - 3).lineTo(mx, barTop + BAR + 3).lineWidth(2).strokeColor(COLOR.median).stroke();
        }
        const value = bar.value === null ? text.notScored : f.number(bar.value);
        const median = bar.median === null ? "" : ` (${f.number(bar.median)})`;
        layout.font(bar.value === null ? "regular" : "bold", SIZE.small, bar.value === null ? COLOR.muted : COLOR.text);
        doc.text(`${value}${median}`, x0 + barWidth + 8, rowTop + 5, { width: valueWidth - 8, lineBreak: false });
      });
    },
    { alt: text.alt },
  );
  doc.x = layout.left;
  doc.y = top + height + 6;
}

/** A line chart of the overall score per year (oldest first), each point labelled with its value. */
export function drawTrendChart(layout: ReportLayout, parent: Struct, points: { year: number; score: number }[], alt: string): void {
  const { doc, f } = layout;
  const height = 150;
  const axisWidth = 28;
  const plotLeft = layout.left + axisWidth;
  const plotWidth = layout.width - axisWidth - 10;
  const plotTop = 14;
  const plotHeight = height - plotTop - 22;
  layout.ensureSpace(height + 6);
  const top = doc.y;
  const yOf = (score: number) => top + plotTop + plotHeight - (Math.max(0, Math.min(100, score)) / 100) * plotHeight;
  const xOf = (i: number) => (points.length > 1 ? plotLeft + 20 + (i * (plotWidth - 40)) / (points.length - 1) : plotLeft + plotWidth / 2);
  layout.tag(
    parent,
    "Figure",
    () => {
      for (const tick of [0, 25, 50, 75, 100]) {
        const y = yOf(tick);
        doc.moveTo(plotLeft, y).lineTo(plotLeft + plotWidth, y).lineWidth(0.5).strokeColor(COLOR.grid).stroke();
        layout.font("regular", SIZE.tiny, COLOR.muted);
        doc.text(f.number(tick), layout.left, y - 3.5, { width: axisWidth - 4, align: "right", lineBreak: false });
      }
      if (points.length > 1) {
        doc.moveTo(xOf(0), yOf(points[0]!.score));
        points.slice(1).forEach((p, i) => doc.lineTo(xOf(i + 1), yOf(p.score)));
        doc.lineWidth(1.75).strokeColor(COLOR.line).stroke();
      }
      points.forEach((p, i) => {
        const x = xOf(i);
        const y = yOf(p.score);
        doc.circle(x, y, 3.2).fill(COLOR.line);
        layout.font("bold", SIZE.small, COLOR.text);
        doc.text(f.number(p.score), x - 20, y - 14, { width: 40, align: "center", lineBreak: false });
        layout.font("regular", SIZE.small, COLOR.text);
        doc.text(String(p.year), x - 20, top + plotTop + plotHeight + 6, { width: 40, align: "center", lineBreak: false });
      });
    },
    { alt },
  );
  doc.x = layout.left;
  doc.y = top + height + 6;
}

/** A progress bar (share done), labelled with its text. */
export function drawProgress(layout: ReportLayout, parent: Struct, ratio: number, label: string, alt: string): void {
  const { doc } = layout;
  const height = 32;
  layout.ensureSpace(height);
  const top = doc.y;
  const width = layout.width * 0.6;
  layout.tag(
    parent,
    "Figure",
    () => {
      doc.rect(layout.left, top + 2, width, 12).fill(COLOR.barTrack);
      if (ratio > 0) doc.rect(layout.left, top + 2, width * Math.min(1, ratio), 12).fill(COLOR.bar);
      doc.rect(layout.left, top + 2, width, 12).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
      layout.font("bold", SIZE.body, COLOR.text);
      doc.text(label, layout.left + width + 10, top + 2, { width: layout.width - width - 10, lineBreak: false });
    },
    { alt },
  );
  doc.x = layout.left;
  doc.y = top + height - 8;
}
