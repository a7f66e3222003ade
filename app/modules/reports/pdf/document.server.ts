/**
 * The pdfkit document every report is drawn on: A4, PDF/A-1b, tagged, the embedded DejaVu Sans, and
 * metadata that comes only from the report's data, so that the same data gives the same bytes.
 *
 * Where pdfkit 0.20 would otherwise make each file different, or invalid (node_modules/pdfkit/js):
 * - `info.CreationDate` defaults to `new Date()`: we pass the issue time (and ModDate, the same).
 * - The trailer /ID is an MD5 of the info dictionary, computed in the constructor: we replace it with
 *   the first 16 bytes of a SHA-256 of the whole report data, so any change of the data changes it.
 * - The XMP packet (`_addInfo`) is written without escaping (a company named "A & B" makes the XMP
 *   unparseable, which Preflight rejects) and without xmp:ModifyDate: we write it ourselves, escaped,
 *   with the same values as the info dictionary, as PDF/A requires.
 * - Font subset tags are derived from the font's resource name (F1 → "BZZZZZ", F2 → "CZZZZZ"):
 *   already deterministic and distinct per font, so they are left as they are.
 * - Compression is zlib on the same input: deterministic. `Date.now()` is only used for embedded file
 *   attachments, which reports do not have; random bytes only for encryption, which we do not use.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";

/** Where the fonts are: read once per process, from the repository (never pdfkit's built-in fonts). */
const FONT_DIR = path.resolve("app/modules/reports/fonts");
let fonts: { regular: Buffer; bold: Buffer } | undefined;

function reportFonts() {
  fonts ??= {
    regular: fs.readFileSync(path.join(FONT_DIR, "DejaVuSans.ttf")),
    bold: fs.readFileSync(path.join(FONT_DIR, "DejaVuSans-Bold.ttf")),
  };
  return fonts;
}

export const FONT = { regular: "DejaVuSans", bold: "DejaVuSans-Bold" } as const;

export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string;
  /** BCP 47, e.g. sv-SE. */
  lang: string;
  /** Creation and modification time. */
  date: Date;
  /** Bytes that identify the content (the trailer /ID). */
  fingerprint: Uint8Array;
}

export const CREATOR = "Partnerportalen";
export const PRODUCER = "Partnerportalen (PDFKit 0.20)";

/** pdfkit internals we set (not in its type definitions); see the comment at the top. */
interface PdfKitInternals {
  _id: Uint8Array;
  _addInfo: () => void;
  appendXML: (xml: string, newline?: boolean) => void;
}

export function createReportDocument(meta: DocumentMeta): PDFKit.PDFDocument {
  const { regular, bold } = reportFonts();
  const doc = new PDFDocument({
    size: "A4",
    pdfVersion: "1.4",
    subset: "PDF/A-1b",
    tagged: true,
    lang: meta.lang,
    displayTitle: true,
    bufferPages: true,
    autoFirstPage: false,
    // The constructor opens a font at once: ours, so that Helvetica is never loaded.
    font: regular as unknown as string,
    info: {
      Title: meta.title,
      Author: meta.author,
      Subject: meta.subject,
      Keywords: meta.keywords,
      Creator: CREATOR,
      Producer: PRODUCER,
      CreationDate: meta.date,
      ModDate: meta.date,
    },
  });
  doc.registerFont(FONT.regular, regular);
  doc.registerFont(FONT.bold, bold);
  const internals = doc as unknown as PdfKitInternals;
  internals._id = meta.fingerprint;
  internals._addInfo = () => internals.appendXML(xmpInfo(meta));
  return doc;
}

/** The first 16 bytes of SHA-256 over the data as canonical JSON (keys sorted). */
export function fingerprintOf(value: unknown): Uint8Array {
  return new Uint8Array(crypto.createHash("sha256").update(canonicalJson(value)).digest().subarray(0, 16));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** The XMP descriptions matching the info dictionary (PDF/A-1 requires both to agree). */
function xmpInfo(meta: DocumentMeta): string {
  const date = `${meta.date.toISOString().split(".")[0]}Z`;
  const x = escapeXml;
  return `
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
  <xmp:CreateDate>${date}</xmp:CreateDate>
  <xmp:ModifyDate>${date}</xmp:ModifyDate>
  <xmp:CreatorTool>${x(CREATOR)}</xmp:CreatorTool>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${x(meta.title)}</rdf:li></rdf:Alt></dc:title>
  <dc:creator><rdf:Seq><rdf:li>${x(meta.author)}</rdf:li></rdf:Seq></dc:creator>
  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${x(meta.subject)}</rdf:li></rdf:Alt></dc:description>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
  <pdf:Producer>${x(PRODUCER)}</pdf:Producer>
  <pdf:Keywords>${x(meta.keywords)}</pdf:Keywords>
</rdf:Description>`;
}

/** Ends the document and collects its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}
