import { CATALOGUE, type CatalogueItem, type Rng } from './catalogue.js';

export type Font = 'sans' | 'serif' | 'mono';
export interface Op {
  text: string;
  x: number;
  y: number;
  size: number;
  font: Font;
  bold?: boolean;
  right?: boolean;
}
export interface Page {
  ops: Op[];
  rules: [number, number, number, number][];
}
export interface TruthLine {
  key: string;
  code: string;
  description: string;
  quantity: number;
  unitPrice: number;
  total: number;
}
export interface Truth {
  supplier: string;
  invoiceNumber: string;
  invoiceDate: string;
  lines: TruthLine[];
}

interface Column {
  title: string;
  x: number;
  right?: boolean;
  value: (l: TruthLine) => string;
}
export interface Layout {
  supplier: string;
  font: Font;
  size: number;
  rowsPerPage: number;
  head: (t: Truth) => Op[];
  columns: Column[];
  totals: (sub: number) => [string, number][];
  codeOf: (key: string) => string;
}

const money = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 100_000, 7);
const [y, m, d] = [(iso: string) => iso.slice(0, 4), (iso: string) => +iso.slice(5, 7), (iso: string) => +iso.slice(8, 10)];

export const LAYOUTS: Layout[] = [
  {
    supplier: "Southern Glazer's",
    font: 'sans',
    size: 9,
    rowsPerPage: 30,
    head: (t) => [
      { text: "SOUTHERN GLAZER'S WINE & SPIRITS", x: 40, y: 40, size: 14, font: 'sans', bold: true },
      { text: '1600 NW 163rd Street, Miami FL 33169', x: 40, y: 60, size: 9, font: 'sans' },
      { text: 'INVOICE', x: 555, y: 40, size: 18, font: 'sans', bold: true, right: true },
      { text: `Invoice No: ${t.invoiceNumber}`, x: 555, y: 70, size: 10, font: 'sans', right: true },
      { text: `Invoice Date: ${t.invoiceDate}`, x: 555, y: 85, size: 10, font: 'sans', right: true },
      { text: 'Bill To: The Anchor, 12 Harbour Road', x: 40, y: 110, size: 10, font: 'sans' },
    ],
    columns: [
      { title: 'Item Code', x: 40, value: (l) => l.code },
      { title: 'Description', x: 110, value: (l) => l.description },
      { title: 'Qty', x: 380, right: true, value: (l) => String(l.quantity) },
      { title: 'Unit Price', x: 465, right: true, value: (l) => money(l.unitPrice) },
      { title: 'Amount', x: 555, right: true, value: (l) => money(l.total) },
    ],
    totals: (s) => [
      ['Subtotal', s],
      ['Sales Tax 8.875%', s * 0.08875],
      ['Total Due', s * 1.08875],
    ],
    codeOf: (k) => `SG-${String(10_000 + hash(k)).slice(0, 5)}`,
  },
  {
    supplier: 'Republic National Distributing',
    font: 'serif',
    size: 10,
    rowsPerPage: 26,
    head: (t) => [
      { text: 'Republic National Distributing Company', x: 40, y: 40, size: 15, font: 'serif', bold: true },
      { text: 'Wine and Spirits Wholesale', x: 40, y: 60, size: 10, font: 'serif' },
      { text: 'INVOICE #', x: 380, y: 95, size: 10, font: 'serif', bold: true },
      { text: 'DATE', x: 480, y: 95, size: 10, font: 'serif', bold: true },
      { text: t.invoiceNumber, x: 380, y: 110, size: 10, font: 'serif' },
      { text: `${d(t.invoiceDate)} ${MON[m(t.invoiceDate) - 1]} ${y(t.invoiceDate)}`, x: 480, y: 110, size: 10, font: 'serif' },
    ],
    columns: [
      { title: 'Description', x: 40, value: (l) => `${l.code} ${l.description}` },
      { title: 'Cases', x: 380, right: true, value: (l) => String(l.quantity) },
      { title: 'Price Each', x: 470, right: true, value: (l) => `$${money(l.unitPrice)}` },
      { title: 'Line Total', x: 555, right: true, value: (l) => `$${money(l.total)}` },
    ],
    totals: (s) => [
      ['Subtotal', s],
      ['Total', s],
    ],
    codeOf: (k) => `RN${4000 + (hash(k) % 5000)}`,
  },
  {
    supplier: 'Harbour Wines',
    font: 'mono',
    size: 8,
    rowsPerPage: 20,
    head: (t) => [
      { text: 'HARBOUR WINES & SPIRITS LTD', x: 40, y: 40, size: 13, font: 'mono', bold: true },
      { text: 'TAX INVOICE', x: 40, y: 62, size: 11, font: 'mono' },
      { text: `Inv. No. ${t.invoiceNumber}`, x: 340, y: 62, size: 9, font: 'mono' },
      {
        text: `Date: ${String(d(t.invoiceDate)).padStart(2, '0')}/${String(m(t.invoiceDate)).padStart(2, '0')}/${y(t.invoiceDate)}`,
        x: 340,
        y: 76,
        size: 9,
        font: 'mono',
      },
      { text: 'Terms: 30 days', x: 340, y: 90, size: 9, font: 'mono' },
    ],
    columns: [
      { title: 'Qty', x: 60, right: true, value: (l) => String(l.quantity) },
      { title: 'Product', x: 75, value: (l) => l.description },
      { title: 'Code', x: 330, value: (l) => l.code },
      { title: 'Rate', x: 460, right: true, value: (l) => money(l.unitPrice) },
      { title: 'Net Amount', x: 555, right: true, value: (l) => money(l.total) },
    ],
    totals: (s) => [
      ['Net total', s],
      ['VAT 20%', s * 0.2],
      ['Invoice total', s * 1.2],
    ],
    codeOf: (k) => `HW${String(hash(k)).padStart(5, '0')}`,
  },
  {
    supplier: 'Bevco Supply',
    font: 'sans',
    size: 10,
    rowsPerPage: 28,
    head: (t) => [
      { text: 'Bevco Supply Co.', x: 40, y: 40, size: 16, font: 'sans', bold: true },
      { text: 'Invoice Number', x: 40, y: 80, size: 10, font: 'sans', bold: true },
      { text: t.invoiceNumber, x: 150, y: 80, size: 10, font: 'sans' },
      { text: 'Invoice Date', x: 40, y: 95, size: 10, font: 'sans', bold: true },
      { text: `${MONTH[m(t.invoiceDate) - 1]} ${d(t.invoiceDate)}, ${y(t.invoiceDate)}`, x: 150, y: 95, size: 10, font: 'sans' },
    ],
    columns: [
      { title: 'Product', x: 40, value: (l) => l.description },
      { title: 'Unit Price', x: 360, right: true, value: (l) => money(l.unitPrice) },
      { title: 'Quantity', x: 450, right: true, value: (l) => String(l.quantity) },
      { title: 'Total', x: 555, right: true, value: (l) => money(l.total) },
    ],
    totals: (s) => [['TOTAL', s]],
    codeOf: (k) => `BV${hash(k)}`,
  },
];

/** One invoice: its truth and its pages (A4 points), from the layout and the seed. */
export function invoice(layout: Layout, r: Rng, maxLines: number): { truth: Truth; pages: Page[] } {
  const items: CatalogueItem[] = r.shuffle(CATALOGUE).slice(0, r.int(3, Math.min(maxLines, CATALOGUE.length)));
  const lines: TruthLine[] = items.map((it) => {
    const quantity = r.int(1, 12);
    const unitPrice = r.int(800, 24_000) / 100;
    const printed = r.pick(it.printed);
    return {
      key: it.key,
      code: layout.codeOf(it.key),
      description: `${printed} ${it.size}`,
      quantity,
      unitPrice,
      total: Math.round(quantity * unitPrice * 100) / 100,
    };
  });
  const iso = `2026-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
  const number = r.pick([
    `INV-${r.int(10_000, 99_999)}`,
    `${r.int(100_000, 999_999)}`,
    `${layout.codeOf('x').slice(0, 2)}${r.int(1000, 9999)}-${r.int(10, 99)}`,
  ]);
  const truth: Truth = { supplier: layout.supplier, invoiceNumber: number, invoiceDate: iso, lines };
  return { truth, pages: draw(layout, truth) };
}

/** The pages of an invoice in a supplier's layout: the table repeated under its header on each page, totals on the last. */
export function draw(layout: Layout, truth: Truth): Page[] {
  const lines = truth.lines;
  const pages: Page[] = [];
  const rowH = layout.size * 1.8;
  for (let at = 0; at < lines.length || !pages.length; at += layout.rowsPerPage) {
    const page: Page = {
      ops: at === 0 ? layout.head(truth) : [{ text: `${layout.supplier} (continued)`, x: 40, y: 40, size: 10, font: layout.font }],
      rules: [],
    };
    let yy = 150;
    for (const c of layout.columns)
      page.ops.push({ text: c.title, x: c.x, y: yy, size: layout.size, font: layout.font, bold: true, right: c.right });
    page.rules.push([40, yy + layout.size + 3, 555, yy + layout.size + 3]);
    yy += rowH + 2;
    for (const l of lines.slice(at, at + layout.rowsPerPage)) {
      for (const c of layout.columns)
        page.ops.push({ text: c.value(l), x: c.x, y: yy, size: layout.size, font: layout.font, right: c.right });
      yy += rowH;
    }
    if (at + layout.rowsPerPage >= lines.length) {
      page.rules.push([300, yy, 555, yy]);
      yy += 6;
      const sub = lines.reduce((s, l) => s + l.total, 0);
      for (const [label, v] of layout.totals(sub)) {
        page.ops.push({ text: label, x: 330, y: yy, size: layout.size, font: layout.font, bold: true });
        page.ops.push({ text: money(v), x: 555, y: yy, size: layout.size, font: layout.font, right: true });
        yy += rowH;
      }
      page.ops.push({ text: 'Thank you for your business. Payment due within 30 days.', x: 40, y: yy + 30, size: 8, font: layout.font });
    }
    pages.push(page);
  }
  return pages;
}
