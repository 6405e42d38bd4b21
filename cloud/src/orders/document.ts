import PDFDocument from 'pdfkit';

/** What a purchase order document shows the supplier. */
export interface OrderDocument {
  orderId: string;
  venueName: string;
  supplierName: string;
  date: Date;
  notes: string | null;
  lines: { sku: string; supplierCode: string | null; name: string; cases: number; caseSize: number; casePrice: number | null }[];
}

const money = (n: number | null) => (n === null ? '' : n.toFixed(2));
const total = (l: OrderDocument['lines'][number]) => (l.casePrice === null ? null : l.cases * l.casePrice);
export const orderNumber = (id: string) => `PO-${id.slice(0, 8).toUpperCase()}`;

/** One row per line, in the supplier's codes where we know them; RFC 4180 quoting. */
export function orderCsv(order: OrderDocument): string {
  const csvCell = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = [['order', 'supplier_code', 'sku', 'item', 'cases', 'case_size', 'units', 'case_price', 'line_total']];
  for (const l of order.lines)
    rows.push([
      orderNumber(order.orderId),
      l.supplierCode ?? '',
      l.sku,
      l.name,
      String(l.cases),
      String(l.caseSize),
      String(l.cases * l.caseSize),
      money(l.casePrice),
      money(total(l)),
    ]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The order as a one-table A4 PDF. */
export function orderPdf(order: OrderDocument): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Purchase order ${orderNumber(order.orderId)}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(`Purchase order ${orderNumber(order.orderId)}`);
  doc
    .moveDown(0.5)
    .fontSize(11)
    .text(`From: ${order.venueName}`)
    .text(`To: ${order.supplierName}`)
    .text(`Date: ${order.date.toISOString().slice(0, 10)}`);
  if (order.notes) doc.moveDown(0.5).text(`Notes: ${order.notes}`);
  doc.moveDown();
  const cols = [50, 130, 330, 390, 460];
  const width = (i: number) => (cols[i + 1] ?? 545) - cols[i]! - 6;
  const header = ['Code', 'Item', 'Cases', 'Case price', 'Total'];
  // each row as tall as its tallest (wrapped) cell; a row that would cross the foot starts a page, under the header again
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: width(i) })));
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!bold) row(header, true);
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    }
    const y = doc.y;
    cells.forEach((c, i) => doc.text(c, cols[i]!, y, { width: width(i) }));
    doc.x = 50;
    doc.y = y + h + 4;
  };
  row(header, true);
  for (const l of order.lines)
    row([l.supplierCode ?? l.sku, `${l.name} (case of ${l.caseSize})`, String(l.cases), money(l.casePrice), money(total(l))]);
  const sum = order.lines.reduce((s, l) => s + (total(l) ?? 0), 0);
  doc
    .moveDown()
    .font('Helvetica-Bold')
    .text(`Total: ${sum.toFixed(2)}`, 50, doc.y, { align: 'right', width: 495 });
  doc.end();
  return done;
}
