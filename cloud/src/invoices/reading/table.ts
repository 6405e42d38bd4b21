import type { Cell, Row } from './words.js';

export interface ParsedLine {
  description: string;
  supplierCode: string | null;
  quantity: number;
  unitPrice: number | null;
  total: number | null;
}

type Column = 'code' | 'qty' | 'total' | 'price' | 'desc';
/** A table's header: the columns it names, and the header cells it does not know (a pack size, a discount, a misread title). */
interface Header {
  named: Map<Column, Cell>;
  others: Cell[];
}
/** Header words per column, tried in this order ("Unit Price" is a price, "Line Total" a total, "Item Code" a code). */
const HEADER: [Column, RegExp][] = [
  ['code', /\b(code|sku|ref|art(icle)?\s*(no|#)|item\s*(no|#|number)|product\s*(no|#|code)|cat(alog(ue)?)?\s*(no|#))\b|^#$/i],
  ['qty', /\b(qty|quantity|cases|ordered|shipped|delivered|units|cs)\b/i],
  ['total', /\b(total|amount|extended|ext|value|line\s*total|net)\b/i],
  ['price', /\b(price|rate|each|cost|unit)\b/i],
  ['desc', /\b(description|desc|item|product|details|article|goods|name)\b/i],
];
const END = /^(sub\s*-?total|total|tax|vat|gst|balance|amount\s+due|freight|delivery|shipping|discount|notes?|thank|payment|terms)\b/i;
const NUMBER = /^\(?-?[$£€]?\s?\d{1,3}(?:[, ]\d{3})*(?:\.\d{1,4})?\)?$|^-?[$£€]?\d+(?:\.\d{1,4})?$/;

/** A cell as a number when it is one: currency signs and thousands commas dropped, OCR's O and l read as digits. */
export function numberOf(text: string): number | null {
  // OCR's stray marks around a number, and a space it put after the decimal point
  let t = text
    .trim()
    .replace(/[?'"`’‘:;]+$/, '')
    .replace(/^[$£€]\s?/, '')
    .replace(/\.\s+(?=\d)/, '.');
  // a short cell of digits and their look-alikes (S 5, § 5, O @ 0, l 1, B 8) is a number read badly
  if (/\d/.test(t) || (t.length <= 2 && /^[SsOo@§lI|B]+$/.test(t))) {
    const letters = t.replace(/[\d.,\s$£€()-]/g, '');
    if (letters.length <= Math.max(1, t.length * 0.34))
      t = t.replace(/[Oo@]/g, '0').replace(/[lI|]/g, '1').replace(/[Ss§]/g, '5').replace(/B/g, '8');
  }
  if (!NUMBER.test(t)) return null;
  const value = Number(t.replace(/[$£€,() ]/g, ''));
  return Number.isFinite(value) ? value : null;
}

function headerColumns(row: Row): Header | null {
  const cols = new Map<Column, Cell>();
  const others: Cell[] = [];
  for (const c of row.cells) {
    if (numberOf(c.text) !== null) return null;
    const hit = HEADER.find(([, re]) => re.test(c.text));
    if (hit && !cols.has(hit[0])) cols.set(hit[0], c);
    else if (!hit) others.push(c);
  }
  // a table header names a description and at least two of quantity, price and total
  const numeric = ['qty', 'price', 'total'].filter((k) => cols.has(k as Column)).length;
  return cols.has('desc') && numeric >= 2 ? { named: cols, others } : null;
}

/**
 * The column a cell sits under: the header cell it overlaps most, or the nearest by centre. A cell under a title the
 * reader does not know is 'other', so that a total under a smudged "Net Amount" is not taken for the price beside it.
 */
function columnOf(cell: Cell, cols: Header): Column | 'other' {
  let best: Column | 'other' = 'desc';
  let bestScore = -Infinity;
  const all: [Column | 'other', Cell][] = [...cols.named, ...cols.others.map((c): ['other', Cell] => ['other', c])];
  for (const [k, h] of all) {
    const overlap = Math.min(cell.x1, h.x1) - Math.max(cell.x0, h.x0);
    const score = overlap > 0 ? overlap : -Math.abs((cell.x0 + cell.x1) / 2 - (h.x0 + h.x1) / 2);
    if (score > bestScore) [best, bestScore] = [k, score];
  }
  return best;
}

/**
 * Whether quantity × price makes the total. A printed price is rounded to half a cent at most (a price of 0.3333 printed
 * 0.33), so the product may miss the total by the quantity's half cents plus the total's own rounding, and no more: a
 * percentage slack would take a misread digit (146.981 for 146.01 × 12 = 1,752.12) as a rounding.
 */
export function makesTotal(qty: number, price: number, total: number): boolean {
  return Math.abs(qty * price - total) <= Math.abs(qty) * 0.005 + 0.0051;
}

/** Levenshtein distance: how many characters one printed figure needs changed to read as another. */
export function edits(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** quantity × unit price = total among a row's numbers, preferring the columns' reading when it adds up. */
function amounts(nums: number[], byCol: Partial<Record<Column, number>>) {
  const { qty, price, total } = byCol;
  if (qty !== undefined && price !== undefined && total !== undefined) {
    if (makesTotal(qty, price, total)) return { qty, price, total };
    // one figure misread: the quantity (a 11 read as 1: price and total divide to a whole number) or the price (a 61.50
    // read as £1.50: the total divides by the quantity into whole cents). Where both repairs add up, the one that
    // changes fewer printed characters of what was read is the misreading (3 → 123 is two, 1.50 → 61.50 one)
    const count = price > 0 ? Math.round(total / price) : 0;
    const each = total / qty;
    const byQty = count >= 1 && count !== qty && makesTotal(count, price, total);
    const byPrice = qty > 0 && Number.isInteger(qty) && Math.abs(each * 100 - Math.round(each * 100)) < 1e-6;
    if (byQty && (!byPrice || edits(String(count), String(qty)) < edits(each.toFixed(2), price.toFixed(2))))
      return { qty: count, price, total };
    if (byPrice) return { qty, price: each, total };
    if (qty > 0 && Number.isInteger(qty)) return { qty, price, total: Math.round(qty * price * 100) / 100 };
  }
  for (let i = 0; i < nums.length; i++)
    for (let j = 0; j < nums.length; j++)
      for (let k = nums.length - 1; k >= 0; k--) {
        if (i === j || j === k || i === k) continue;
        const [q, u, t] = [nums[i]!, nums[j]!, nums[k]!];
        if (q > 0 && Number.isInteger(q) && makesTotal(q, u, t) && t >= u) return { qty: q, price: u, total: t };
      }
  if (qty !== undefined && (price !== undefined || total !== undefined))
    return { qty, price: price ?? (total! / qty || null), total: total ?? qty * price! };
  return null;
}

/** Line items: rows under a header row (columns by its words) up to the totals, on every page. */
export function tableLines(rows: Row[]): { lines: ParsedLine[]; headerAt: number } {
  const found = readTable(rows, false);
  // no header row read (a smudged photo): rows whose figures add up, quantity × price = total, are the lines
  return found.headerAt >= 0 ? found : readTable(rows, true);
}

function readTable(rows: Row[], headless: boolean): { lines: ParsedLine[]; headerAt: number } {
  const lines: ParsedLine[] = [];
  let cols: Header | null = headless ? { named: new Map(), others: [] } : null;
  let open = headless;
  let headerAt = -1;
  let last: ParsedLine | null = null;
  for (const [i, row] of rows.entries()) {
    const h = headless ? null : headerColumns(row);
    if (h) {
      [cols, open, last] = [h, true, null];
      if (headerAt < 0) headerAt = i;
      continue;
    }
    if (!cols || !open) continue;
    if (END.test(row.cells[0]!.text) || (row.cells.length <= 3 && END.test(row.cells.at(-2)?.text ?? ''))) {
      open = false;
      continue;
    }
    const byCol: Partial<Record<Column, number>> = {};
    const nums: number[] = [];
    const words: string[] = [];
    let code: string | null = null;
    for (const c of row.cells) {
      const col = headless ? (numberOf(c.text) !== null ? 'total' : 'desc') : columnOf(c, cols);
      const n = numberOf(c.text);
      if (col === 'code' && /\d/.test(c.text) && !/\s/.test(c.text.trim())) code = c.text.trim();
      else if (n !== null && col !== 'desc') {
        nums.push(n);
        if (col !== 'code' && col !== 'other') byCol[col] ??= n;
      } else if (n !== null && /^\d+$/.test(c.text.trim()) && cols.named.has('qty') && !cols.named.has('desc')) nums.push(n);
      else words.push(c.text);
    }
    let description = words.join(' ').trim();
    const a = /[a-z]{2}/i.test(description) ? amounts(nums, headless ? {} : byCol) : null;
    if (!a) {
      // a wrapped description continues the line above it
      if (last && !nums.length && description && /[a-z]{2}/i.test(description)) last.description += ` ${description}`;
      continue;
    }
    if (!code) {
      const lead = /^([A-Z0-9]{1,6}-?\d{2,}[A-Z0-9-]*)\s+(.+)$/i.exec(description);
      if (lead && /[a-z]{3}/i.test(lead[2]!)) [code, description] = [lead[1]!, lead[2]!];
    }
    last = { description, supplierCode: code, quantity: a.qty, unitPrice: round(a.price), total: round(a.total) };
    lines.push(last);
  }
  return { lines, headerAt };
}
const round = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10000) / 10000);
