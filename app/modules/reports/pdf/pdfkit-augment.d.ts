// What pdfkit 0.20 accepts but @types/pdfkit 0.17.6 does not declare (node_modules/pdfkit/js/pdfkit.js,
// PDFStructureElement's constructor): the /Scope of a table header cell, written as a Table attribute.
declare namespace PDFKit.Mixins {
  interface StructureElementOptions {
    scope?: "Row" | "Column" | "Both";
  }
}
