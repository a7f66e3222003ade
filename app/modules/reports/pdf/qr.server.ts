/**
 * The verification address as a QR code drawn with vector rectangles (no image): one rectangle per
 * horizontal run of dark modules, from `QRCode.create(url).modules`, with the four-module quiet zone
 * the standard asks for kept white.
 */
import QRCode from "qrcode";
import { COLOR, type ReportLayout } from "./layout.server";

type Struct = PDFKit.PDFStructureElement;

export function drawQrCode(layout: ReportLayout, parent: Struct, url: string, x: number, y: number, size: number, alt: string): void {
  const { doc } = layout;
  const modules = QRCode.create(url, { errorCorrectionLevel: "M" }).modules;
  const count = modules.size;
  const quiet = 4;
  const cell = size / (count + 2 * quiet);
  layout.tag(
    parent,
    "Figure",
    () => {
      for (let row = 0; row < count; row++) {
        let col = 0;
        while (col < count) {
          if (!modules.get(row, col)) {
            col++;
            continue;
          }
          const start = col;
          while (col < count && modules.get(row, col)) col++;
          doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (col - start) * cell, cell);
        }
      }
      // One fill for all rectangles of the code.
      doc.fill(COLOR.median);
    },
    { alt },
  );
}
