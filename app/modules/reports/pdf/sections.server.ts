/**
 * The report's sections in reading order, each a Sect under the Document element. Every section that
 * depends on data says plainly when there is nothing yet (no commitment, no assessment, an empty plan,
 * no actions, no hash-list access). Texts from the data are printed as they are; labels come from the
 * `reportPdf` translations.
 */
import type { ReportData } from "../types";
import { drawBarChart, drawProgress, drawTrendChart } from "./charts.server";
import { COLOR, PAGE, SIZE, type ReportLayout } from "./layout.server";
import { drawQrCode } from "./qr.server";
import { drawDetails, drawTable } from "./table.server";

type Struct = PDFKit.PDFStructureElement;

export function drawCover(l: ReportLayout, root: Struct, data: ReportData): void {
  const { doc, t, f } = l;
  const org = data.organisation;
  const sect = l.group(root, "Sect");
  l.artifact(() => {
    doc.rect(0, 0, PAGE.width, 12).fill(COLOR.accent);
  });
  doc.y = 150;
  const title = t("reportPdf.title", { period: data.period });
  l.tag(sect, "H1", () => {
    l.font("bold", SIZE.title, COLOR.accent);
    doc.text(title, l.left, 150, { width: l.width });
  });
  l.gap(10);
  l.paragraph(sect, org.name, { size: 18, bold: true, after: 4 });
  l.paragraph(sect, t("reportPdf.issuedBy", { ngo: data.confirmation.ngoName }), { color: COLOR.muted, after: 36 });
  l.heading(sect, 2, t("reportPdf.cover.details"), { toc: false });
  drawDetails(l, sect, [
    [t("reportPdf.cover.organisation"), org.name],
    [t("reportPdf.cover.orgNumber"), org.orgNumber],
    [t("reportPdf.cover.industry"), org.industry],
    [t("reportPdf.cover.country"), org.country],
    [t("reportPdf.cover.period"), t("reportPdf.cover.periodValue", { period: data.period })],
    [t("reportPdf.cover.language"), t("reportPdf.languageName")],
    [t("reportPdf.cover.issuedAt"), f.dateTime(data.issuedAt)],
    [t("reportPdf.cover.partnerSince"), org.approvedAt === null ? t("reportPdf.cover.notApproved") : f.date(org.approvedAt)],
    [t("reportPdf.cover.reportId"), data.id],
  ]);
  sect.end();
}

export function drawCommitment(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.commitment.title"));
  const c = data.commitment;
  if (!c) {
    l.paragraph(sect, t("reportPdf.commitment.none", { period: data.period }));
    sect.end();
    return;
  }
  l.heading(sect, 2, c.title, { toc: false });
  // Blank lines separate paragraphs; single line breaks inside a paragraph are kept.
  for (const paragraph of c.text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)) l.paragraph(sect, paragraph);
  l.heading(sect, 2, t("reportPdf.commitment.details"), { toc: false });
  drawDetails(l, sect, [
    [t("reportPdf.commitment.commitmentTitle"), c.title],
    [t("reportPdf.commitment.version"), c.version],
    [t("reportPdf.commitment.signer"), c.signerName],
    [t("reportPdf.commitment.signerTitle"), c.signerTitle],
    [t("reportPdf.commitment.signedAt"), f.dateTime(c.signedAt)],
    [t("reportPdf.commitment.method"), c.method === "totp" ? t("reportPdf.commitment.methodTotp") : t("reportPdf.commitment.methodPassword")],
  ]);
  // The hash on a line of its own, small enough never to be split (64 hex digits).
  l.gap(4);
  l.paragraph(sect, `${t("reportPdf.commitment.sha256")}:\n${c.sha256}`, { size: SIZE.small });
  sect.end();
}

export function drawAssessment(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.assessment.title"));
  const a = data.assessment;
  if (!a) {
    l.paragraph(sect, t("reportPdf.assessment.none", { period: data.period }));
    sect.end();
    return;
  }
  const score = a.score === null ? t("reportPdf.assessment.notScored") : t("reportPdf.assessment.scoreValue", { score: f.number(a.score) });
  drawDetails(l, sect, [
    [t("reportPdf.assessment.year"), String(a.year)],
    [t("reportPdf.assessment.status"), t(`assessmentStatus.${a.status}`)],
    [t("reportPdf.assessment.score"), score],
    [t("reportPdf.assessment.maturity"), a.maturity ? t("reportPdf.assessment.maturityValue", { level: a.maturity.level, label: a.maturity.label }) : t("reportPdf.none")],
  ]);

  l.heading(sect, 2, t("reportPdf.assessment.sections"), { keepWith: 120 });
  if (a.sections.length === 0) {
    l.paragraph(sect, t("reportPdf.assessment.noSections"));
  } else {
    const items = a.sections.map((s) => {
      const value = s.score === null ? t("reportPdf.assessment.notScored") : f.number(s.score);
      return s.industryMedian === null
        ? t("reportPdf.assessment.sectionsAltItem", { section: s.title, score: value })
        : t("reportPdf.assessment.sectionsAltMedian", { section: s.title, score: value, median: f.number(s.industryMedian) });
    });
    drawBarChart(
      l,
      sect,
      a.sections.map((s) => ({ label: s.title, value: s.score, median: s.industryMedian })),
      {
        alt: t("reportPdf.assessment.sectionsAlt", { items: items.join("; ") }),
        legendScore: t("reportPdf.assessment.legendScore"),
        legendMedian: t("reportPdf.assessment.legendMedian"),
        notScored: t("reportPdf.assessment.notScored"),
      },
    );
  }

  l.heading(sect, 2, t("reportPdf.assessment.trend"), { keepWith: 160 });
  const trend = a.trend;
  if (trend.length >= 2) {
    const items = trend.map((p) => t("reportPdf.assessment.trendAltItem", { year: p.year, score: f.number(p.score) }));
    drawTrendChart(l, sect, trend, t("reportPdf.assessment.trendAlt", { items: items.join(", ") }));
  } else if (trend.length === 1) {
    l.paragraph(sect, t("reportPdf.assessment.trendSingle", { year: trend[0]!.year, score: f.number(trend[0]!.score) }));
  } else {
    l.paragraph(sect, t("reportPdf.assessment.trendNone"));
  }

  l.heading(sect, 2, t("reportPdf.assessment.comparison"));
  const cmp = a.comparison;
  if (!cmp.available) {
    l.paragraph(sect, t("reportPdf.assessment.comparisonTooFew", { peers: cmp.peers }));
  } else if (cmp.overall === null) {
    l.paragraph(sect, t("reportPdf.assessment.comparisonNoMedian", { peers: cmp.peers }));
  } else {
    l.paragraph(sect, t("reportPdf.assessment.comparisonText", { median: f.number(cmp.overall), peers: cmp.peers, score }));
  }

  l.heading(sect, 2, t("reportPdf.assessment.gaps"));
  if (a.gaps.length === 0) {
    l.paragraph(sect, t("reportPdf.assessment.gapsNone"));
  } else {
    l.list(
      sect,
      a.gaps.map((g) => ({
        title: g.question,
        lines: [
          t("reportPdf.assessment.gapSection", { section: g.section }),
          g.recommendation ? t("reportPdf.assessment.recommendation", { text: g.recommendation }) : t("reportPdf.assessment.noRecommendation"),
        ],
      })),
    );
  }
  sect.end();
}

export function drawPlan(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const plan = data.plan;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.plan.title"));
  if (plan.total === 0 && plan.items.length === 0) {
    l.paragraph(sect, t("reportPdf.plan.none"));
    sect.end();
    return;
  }
  const ratio = plan.total > 0 ? plan.done / plan.total : 0;
  const progress = { done: plan.done, total: plan.total, percent: f.percent(ratio) };
  drawProgress(l, sect, ratio, t("reportPdf.plan.progress", progress), t("reportPdf.plan.progressAlt", progress));
  l.heading(sect, 2, t("reportPdf.plan.counts"));
  l.list(
    sect,
    plan.counts.map((c) => ({ title: t("reportPdf.plan.countItem", { label: c.label, count: c.count }) })),
  );
  if (plan.items.length === 0) {
    sect.end();
    return;
  }
  l.heading(sect, 2, t("reportPdf.plan.items"));
  drawTable(l, sect, {
    columns: [
      { header: t("reportPdf.plan.colAction"), share: 0.6 },
      { header: t("reportPdf.plan.colStatus"), share: 0.2 },
      { header: t("reportPdf.plan.colDue"), share: 0.2 },
    ],
    rows: plan.items.map((item) => [item.action, item.statusLabel, item.dueDate ? f.day(item.dueDate) : t("reportPdf.plan.noDue")]),
    striped: true,
  });
  sect.end();
}

export function drawActions(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const actions = data.actions;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.actions.title"));
  if (actions.items.length === 0) {
    l.paragraph(sect, t("reportPdf.actions.none", { period: data.period }));
  } else {
    drawTable(l, sect, {
      columns: [
        { header: t("reportPdf.actions.colTitle"), share: 0.27 },
        { header: t("reportPdf.actions.colType"), share: 0.15 },
        { header: t("reportPdf.actions.colDates"), share: 0.15 },
        { header: t("reportPdf.actions.colStatus"), share: 0.12 },
        { header: t("reportPdf.actions.colConfirmed"), share: 0.13 },
        { header: t("reportPdf.actions.colFigures"), share: 0.18 },
      ],
      rows: actions.items.map((a) => [
        a.title,
        a.typeLabel,
        a.endsOn && a.endsOn !== a.startsOn ? `${f.day(a.startsOn)} – ${f.day(a.endsOn)}` : f.day(a.startsOn),
        a.statusLabel,
        a.confirmed ? t("reportPdf.actions.confirmed") : t("reportPdf.actions.notConfirmed"),
        a.figures.length > 0 ? a.figures.map((fig) => `${fig.label}: ${fig.value}`).join("\n") : t("reportPdf.none"),
      ]),
      striped: true,
      fontSize: SIZE.tiny,
    });
  }
  if (actions.totals.count > 0) {
    l.heading(sect, 2, t("reportPdf.actions.totals", { period: data.period }), { keepWith: 80 });
    drawDetails(l, sect, [
      [t("reportPdf.actions.totalCount"), f.number(actions.totals.count)],
      [t("reportPdf.actions.totalConfirmed"), f.number(actions.totals.confirmed)],
      ...actions.totals.figures.map((fig): [string, string] => [fig.label, fig.value]),
    ]);
  }
  sect.end();
}

export function drawHashlist(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const h = data.hashlist;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.hashlist.title"));
  drawDetails(l, sect, [
    [t("reportPdf.hashlist.state"), h.state],
    [t("reportPdf.hashlist.lists"), h.lists.length > 0 ? h.lists.join(", ") : t("reportPdf.hashlist.noLists")],
    [t("reportPdf.hashlist.activeKeys"), f.number(h.activeKeys)],
    [t("reportPdf.hashlist.lastSync"), h.lastSyncAt === null ? t("reportPdf.hashlist.neverSynced") : f.dateTime(h.lastSyncAt)],
  ]);
  l.gap(4);
  l.paragraph(sect, t("reportPdf.hashlist.noKeyMaterial"), { size: SIZE.small, color: COLOR.muted });
  sect.end();
}

export function drawConfirmation(l: ReportLayout, root: Struct, data: ReportData): void {
  const { t, f } = l;
  const c = data.confirmation;
  const ngo = c.ngoName;
  const sect = l.group(root, "Sect");
  l.heading(sect, 1, t("reportPdf.confirmation.title", { ngo }));
  const review = data.assessment?.review ?? null;
  l.paragraph(
    sect,
    !c.assessmentConfirmed
      ? t("reportPdf.confirmation.assessmentNotApproved", { ngo, period: data.period })
      : review
        ? t("reportPdf.confirmation.assessmentApprovedBy", { ngo, period: data.period, reviewer: review.reviewerName, date: f.date(review.decidedAt) })
        : t("reportPdf.confirmation.assessmentApproved", { ngo, period: data.period }),
  );
  l.paragraph(
    sect,
    c.confirmedActions === 0
      ? t("reportPdf.confirmation.actionsNone", { ngo, period: data.period })
      : t("reportPdf.confirmation.actions", { ngo, period: data.period, count: c.confirmedActions }),
  );
  l.paragraph(sect, t("reportPdf.confirmation.basis", { ngo, date: f.date(data.issuedAt) }), { size: SIZE.small, color: COLOR.muted });
  sect.end();
}

const QR_SIZE = 132;

export function drawVerification(l: ReportLayout, root: Struct, data: ReportData): void {
  const { doc, t, f } = l;
  const sect = l.group(root, "Sect");
  // The whole block (intro, details and the code) stays on one page.
  l.heading(sect, 1, t("reportPdf.verification.title"), { keepWith: QR_SIZE + 150 });
  l.paragraph(sect, t("reportPdf.verification.intro"));
  drawDetails(l, sect, [
    [t("reportPdf.verification.reportId"), data.id],
    [t("reportPdf.verification.issuedAt"), f.dateTime(data.issuedAt)],
    [t("reportPdf.verification.url"), data.verifyUrl],
  ], { labelShare: 0.25, fontSize: SIZE.small });
  l.gap(10);
  const y = doc.y;
  drawQrCode(l, sect, data.verifyUrl, l.left, y, QR_SIZE, t("reportPdf.verification.qrAlt", { url: data.verifyUrl }));
  doc.y = y + QR_SIZE;
  sect.end();
}
