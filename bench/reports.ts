/**
 * Issue 6's benchmark (`npm run bench:reports`): rendering the commitment report PDF
 * (app/modules/reports/pdf), in this process, against a plain pdfkit document measured in the same run.
 * See docs/benchmarks.md ("Commitment reports").
 *
 * 1. The full report of a company with history (test/support/report-fixtures.ts: a signed commitment,
 *    four assessed years, 30 plan items, 100 collaborative actions, 10 gaps): median of BENCH_RUNS
 *    renders (default 9) after two warm-up renders; pages and size.
 * 2. Per-page cost at about 20 and about 100 pages: the number of actions is scaled to reach those page
 *    counts (found by rendering once at two sizes and interpolating, then checked); median of
 *    BENCH_SCALE_RUNS renders (default 5) each; ms per page at both sizes and their ratio (1 = linear).
 * 3. Baseline, in the same run and interleaved with the reports: a plain pdfkit document (not PDF/A,
 *    not tagged) with the same font (DejaVu Sans, embedded) and the same number of pages, each filled
 *    with lines of plain text. Ratios report ÷ baseline per page.
 *
 * Times are wall-clock milliseconds of `renderReport(data)` (to the finished Buffer). No database: the
 * data is built in memory, as the data assembly would hand it over.
 */
import path from "node:path";
import PDFDocument from "pdfkit";
import { renderReport } from "~/modules/reports/pdf/render.server";
import type { ReportData } from "~/modules/reports/types";
import { fmt, log, logMachine, median, printTable, root } from "./lib";
import { sampleReportData } from "../test/support/report-fixtures";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SCALE_RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 5);
const TARGETS = [20, 100] as const;
const FONT = path.join(root, "app/modules/reports/fonts/DejaVuSans.ttf");

/** The number of pages of a PDF (its /Type /Page objects; pdfkit writes no object streams). */
/** A plain pdfkit document of `pages` pages of text lines in DejaVu Sans. */
function plainDocument(pages: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", font: FONT, autoFirstPage: false });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    for (let p = 0; p < pages; p++) {
      doc.addPage({ size: "A4", margin: 56 });
      doc.fontSize(9);
      for (let line = 0; line < 60; line++) {
        doc.text(`Rad ${line + 1} på sidan ${p + 1}: Utbildning för kundtjänst, informationskampanj, bidrag till hotlinen ${line * p}.`, 56, 56 + line * 12, { lineBreak: false });
      }
    }
    doc.end();
  });
}

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

/** Report and baseline renders, interleaved so that a noisy moment hits both alike. */
async function measure(data: ReportData, runs: number) {
  const first = await renderReport(data);
  const pages = first.pages;
  await plainDocument(pages);
  const report: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    report.push((await time(() => renderReport(data))).ms);
    baseline.push((await time(() => plainDocument(pages))).ms);
  }
  return { pages, bytes: first.pdf.length, reportMs: median(report), baselineMs: median(baseline) };
}

/** Actions needed for about `target` pages, from two renders (pages grow linearly with the table). */
async function actionsFor(target: number, probe: { small: { actions: number; pages: number }; large: { actions: number; pages: number } }): Promise<number> {
  const perPage = (probe.large.actions - probe.small.actions) / (probe.large.pages - probe.small.pages);
  let actions = Math.max(1, Math.round(probe.small.actions + (target - probe.small.pages) * perPage));
  // One correction step if the estimate misses by a page or more.
  const pages = (await renderReport(sampleReportData({ kind: "history", actions }))).pages;
  if (pages !== target) actions = Math.max(1, Math.round(actions + (target - pages) * perPage));
  return actions;
}

async function main() {
  for (const [name, value] of [["BENCH_RUNS", RUNS], ["BENCH_SCALE_RUNS", SCALE_RUNS]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 1000) throw new Error(`${name} must be a whole number from 1 to 1000 (got ${value}).`);
  }
  logMachine("Partnerportalen benchmark: commitment report PDF (issue 6)");
  log(`Runs: ${RUNS} for the full report, ${SCALE_RUNS} per scaled size (medians), after warm-up renders.\n`);

  // Warm-up: fonts read, code compiled.
  for (let i = 0; i < 2; i++) await renderReport(sampleReportData({ kind: "history" }));

  const full = await measure(sampleReportData({ kind: "history" }), RUNS);
  const empty = await measure(sampleReportData({ kind: "empty" }), RUNS);

  const probe = {
    small: { actions: 100, pages: full.pages },
    large: { actions: 600, pages: (await renderReport(sampleReportData({ kind: "history", actions: 600 }))).pages },
  };
  const scaled = [];
  for (const target of TARGETS) {
    const actions = await actionsFor(target, probe);
    const m = await measure(sampleReportData({ kind: "history", actions }), SCALE_RUNS);
    scaled.push({ target, actions, ...m });
  }

  log("");
  printTable(
    ["Document", "Pages", "kB", "Report ms (median)", "Baseline ms (median)", "× baseline"],
    [
      { label: "Full report (4 years, 30 plan items, 100 actions)", r: full },
      { label: "Company with no data yet", r: empty },
    ].map(({ label, r }) => [label, String(r.pages), fmt(r.bytes / 1024), fmt(r.reportMs, 1), fmt(r.baselineMs, 1), `${fmt(r.reportMs / r.baselineMs, 1)}×`]),
  );
  log("");
  printTable(
    ["Size", "Actions", "Pages", "Report ms", "Report ms/page", "Baseline ms/page", "× baseline"],
    scaled.map((s) => [
      `~${s.target} pages`,
      fmt(s.actions),
      String(s.pages),
      fmt(s.reportMs, 0),
      fmt(s.reportMs / s.pages, 2),
      fmt(s.baselineMs / s.pages, 2),
      `${fmt(s.reportMs / s.baselineMs, 1)}×`,
    ]),
  );
  const [small, large] = scaled as [(typeof scaled)[number], (typeof scaled)[number]];
  const reportRatio = large.reportMs / large.pages / (small.reportMs / small.pages);
  const baselineRatio = large.baselineMs / large.pages / (small.baselineMs / small.pages);
  log("");
  log(`ms per page at ~100 pages ÷ at ~20 pages: report ${fmt(reportRatio, 2)}, baseline ${fmt(baselineRatio, 2)} (1.00 = linear).`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
