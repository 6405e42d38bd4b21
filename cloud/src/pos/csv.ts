import { createHash } from 'node:crypto';
import { CSV_FIELDS } from '@smartstock/api';
import { parseCsv, type CsvRecord } from '@smartstock/runtime';

export type CsvField = (typeof CSV_FIELDS)[number];
export type CsvColumns = Partial<Record<CsvField, string>>;
export const REQUIRED_FIELDS: CsvField[] = ['item', 'quantity', 'soldAt'];

export interface CsvSale {
  line: number;
  lineUid: string;
  orderId: string;
  item: string;
  modifiers: string[];
  quantity: number;
  revenueCents: number;
  soldAt: Date;
}
export interface CsvError {
  line: number;
  column: string;
  message: string;
}

/**
 * The file's sales under the venue's column mapping. Each bad row is left out and named by
 * line and column. A row without a line id column gets one from its content and how many
 * identical rows came before it, so importing the same or an overlapping file finds it again.
 */
export function readSales(text: string, columns: CsvColumns): { rows: CsvSale[]; errors: CsvError[] } {
  let parsed: CsvRecord[];
  try {
    parsed = parseCsv(text);
  } catch (e) {
    // csv-parse names the line where it gave up, e.g. a quote never closed
    return { rows: [], errors: [{ line: (e as { lines?: number }).lines ?? 1, column: '', message: (e as Error).message }] };
  }
  const [header, ...records] = parsed;
  if (!header) return { rows: [], errors: [{ line: 1, column: '', message: 'the file is empty' }] };
  const names = header.cells.map((c) => c.trim());
  const index: Partial<Record<CsvField, number>> = {};
  const errors: CsvError[] = [];
  for (const field of CSV_FIELDS) {
    const name = columns[field];
    if (!name) continue;
    const i = names.indexOf(name);
    if (i < 0) errors.push({ line: 1, column: name, message: `the header has no column "${name}" (mapped to ${field})` });
    else index[field] = i;
  }
  if (errors.length) return { rows: [], errors };
  const seen = new Map<string, number>();
  const rows: CsvSale[] = [];
  for (const record of records) {
    const get = (f: CsvField) => (index[f] === undefined ? '' : (record.cells[index[f]] ?? '').trim());
    const bad = (f: CsvField, message: string) => errors.push({ line: record.line, column: columns[f]!, message });
    const before = errors.length;
    const item = get('item');
    if (!item) bad('item', 'the item is empty');
    const quantity = Number(get('quantity'));
    if (!get('quantity') || !Number.isFinite(quantity)) bad('quantity', `"${get('quantity')}" is not a number`);
    const soldAt = new Date(get('soldAt'));
    if (Number.isNaN(soldAt.getTime())) bad('soldAt', `"${get('soldAt')}" is not a date and time (ISO 8601, e.g. 2026-12-05T21:30:00Z)`);
    const money = get('revenue').replace(/[^0-9.-]/g, '');
    const revenue = money ? Number(money) : 0;
    if (!Number.isFinite(revenue)) bad('revenue', `"${get('revenue')}" is not an amount`);
    if (errors.length > before) continue;
    const modifiers = get('modifiers')
      .split(';')
      .map((m) => m.trim())
      .filter(Boolean);
    let lineUid = get('lineId');
    if (!lineUid) {
      const content = [get('orderId'), item, modifiers.join(';'), quantity, revenue, soldAt.toISOString()].join('\u0001');
      const n = (seen.get(content) ?? 0) + 1;
      seen.set(content, n);
      lineUid = `csv:${createHash('sha256').update(content).digest('base64url').slice(0, 22)}#${n}`;
    }
    rows.push({
      line: record.line,
      lineUid,
      orderId: get('orderId') || lineUid,
      item,
      modifiers,
      quantity,
      revenueCents: Math.round(revenue * 100),
      soldAt,
    });
  }
  return { rows, errors };
}
