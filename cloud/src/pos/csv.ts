import { createHash } from 'node:crypto';
import { CSV_FIELDS } from '@smartstock/api';
import { parseCsv, type CsvRecord } from '@smartstock/runtime';
import { dayFirstIn, delimiterOf, parseAmount, parseSoldAt, type CsvStyle } from './csv-values.js';

export type CsvField = (typeof CSV_FIELDS)[number];
export type CsvColumns = Partial<Record<CsvField, string>>;
export const REQUIRED_FIELDS: CsvField[] = ['item', 'quantity', 'soldAt'];
const VOIDED = /^(true|yes|y|1|void|voided)$/i;
const NOT_VOIDED = /^(false|no|n|0|)$/i;

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
 * The file's cells, decimals and dates are read as it writes them (csv-values.ts); a time without
 * an offset is the venue's wall clock (timeZone).
 */
export function readSales(
  text: string,
  columns: CsvColumns,
  options: { timeZone: string } = { timeZone: 'UTC' },
): { rows: CsvSale[]; errors: CsvError[] } {
  let parsed: CsvRecord[];
  const delimiter = delimiterOf(text);
  try {
    parsed = parseCsv(text, { delimiter });
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
  const cell = (record: CsvRecord, f: CsvField) => (index[f] === undefined ? '' : (record.cells[index[f]] ?? '').trim());
  const style: CsvStyle = {
    decimalComma: delimiter === ';',
    dayFirst: dayFirstIn(records.map((record) => cell(record, 'soldAt'))),
    timeZone: options.timeZone,
  };
  const seen = new Map<string, number>();
  const rows: CsvSale[] = [];
  for (const record of records) {
    const get = (f: CsvField) => cell(record, f);
    const bad = (f: CsvField, message: string) => errors.push({ line: record.line, column: columns[f]!, message });
    const before = errors.length;
    const item = get('item');
    if (!item) bad('item', 'the item is empty');
    const quantity = parseAmount(get('quantity'), style.decimalComma) ?? NaN;
    if (Number.isNaN(quantity)) bad('quantity', `"${get('quantity')}" is not a number`);
    const soldAt = parseSoldAt(get('soldAt'), get('soldTime'), style) ?? new Date(NaN);
    if (Number.isNaN(soldAt.getTime()))
      bad(
        columns.soldTime && get('soldAt') ? 'soldTime' : 'soldAt',
        `"${[get('soldAt'), get('soldTime')].filter(Boolean).join(' ')}" is not a date and time (e.g. 2026-12-05T21:30:00Z, 2026-12-05 21:30, 12/5/26 9:30 PM)`,
      );
    const revenue = get('revenue') ? (parseAmount(get('revenue'), style.decimalComma) ?? NaN) : 0;
    if (Number.isNaN(revenue)) bad('revenue', `"${get('revenue')}" is not an amount`);
    const voided = VOIDED.test(get('voided'));
    if (!voided && !NOT_VOIDED.test(get('voided'))) bad('voided', `"${get('voided')}" is neither true nor false`);
    if (errors.length > before) continue;
    // Square's "Modifiers Applied" separates them with commas; our own template with semicolons
    const modifiers = get('modifiers')
      .split(/[;,]/)
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
      // a voided row poured nothing; its line id (Toast's Item Selection Id) reverses it if a file before counted it
      quantity: voided ? 0 : quantity,
      revenueCents: voided ? 0 : Math.round(revenue * 100),
      soldAt,
    });
  }
  return { rows, errors };
}
