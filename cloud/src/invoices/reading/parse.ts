import { headerFields } from './fields.js';
import { tableLines, type ParsedLine } from './table.js';
import { rowsOf, type Row, type Word } from './words.js';

export type { ParsedLine } from './table.js';

export interface ParsedInvoice {
  /** the rows above the table, where the supplier names itself */
  heading: string[];
  invoiceNumber: string | null;
  invoiceDate: string | null;
  lines: ParsedLine[];
}

/** An invoice's header fields and line items from the words on its pages, whichever way they were read. */
export function parseInvoice(words: Word[]): ParsedInvoice {
  const rows = rowsOf(words);
  const { lines, headerAt } = tableLines(rows);
  const above = headerAt < 0 ? rows.slice(0, 15) : rows.slice(0, headerAt);
  return { heading: above.map((row) => row.text), ...headerFields(above.length ? above : rows), lines };
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Which known supplier the heading names: the one whose name's words are most present in it (at least
 * two thirds of them), so "SOUTHERN GLAZER'S WINE & SPIRITS" finds "Southern Glazer's". Null when none.
 */
export function findSupplier<T extends { name: string }>(heading: string[], suppliers: T[]): T | null {
  const words = new Set(norm(heading.join(' ')).split(' '));
  let best: { supplier: T; score: number } | null = null;
  for (const supplier of suppliers) {
    const parts = norm(supplier.name)
      .split(' ')
      .filter((part) => part.length > 1 || /\d/.test(part));
    if (!parts.length) continue;
    const score = parts.filter((part) => words.has(part) || words.has(part.replace(/s$/, ''))).length / parts.length;
    if (score >= 0.66 && (!best || score > best.score)) best = { supplier, score };
  }
  return best?.supplier ?? null;
}

/** The heading's first line that reads like a name: what an unknown supplier calls itself. */
export function supplierGuess(heading: string[]): string | null {
  const row = heading.find((h) => /[a-z]{3}/i.test(h) && !/^\s*(tax\s+)?invoice\b/i.test(h));
  return row ? row.split(/\s{2,}/)[0]!.slice(0, 200) : null;
}

export type { Row };
