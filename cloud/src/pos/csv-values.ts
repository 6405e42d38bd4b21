/**
 * The values of a till's sales export as the tills write them, not as ISO would: Square's Item Sales
 * CSV splits the sale into `Date` (2026-07-18), `Time` (12:59:30) and `Time Zone` columns and writes
 * money as `$8.00` / `-$8.00`; US exports write `$1,234.50` and M/D/Y dates; European ones separate
 * cells with `;` and decimals with `,` (`1.234,50 €`, `31.12.2026 23:15`).
 */
import { fromWallClock } from './wall-clock.js';

/** How a file writes its numbers and dates, decided once from the whole file. */
export interface CsvStyle {
  /** the file separates decimals with a comma (its cells are separated by `;`) */
  decimalComma: boolean;
  /** a slashed date is D/M/Y: some slashed date in the file has a first part above 12 */
  dayFirst: boolean;
  /** the venue's IANA time zone: a time written without an offset is the venue's wall clock */
  timeZone: string;
}

/** `;` when the header line has semicolons and no commas outside quotes (a European export), else `,`. */
export function delimiterOf(text: string): ',' | ';' {
  const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').replace(/"[^"]*"/g, '');
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/**
 * An amount or quantity: currency signs, spaces and letters dropped; `-8.00`, `-$8.00`, `$-8.00`,
 * `(8.00)` and `8.00-` are negative; thousands separators dropped. Undefined when it is not a number.
 */
export function parseAmount(raw: string, decimalComma: boolean): number | undefined {
  let s = raw.trim();
  if (!s) return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(s)) [negative, s] = [true, s.slice(1, -1)];
  if (/-\s*$/.test(s)) [negative, s] = [true, s.replace(/-\s*$/, '')];
  s = s.replace(/[^\d.,-]/g, '');
  if (s.includes('-')) {
    if (!/^-[^-]*$/.test(s)) return undefined;
    [negative, s] = [!negative, s.slice(1)];
  }
  // a comma is the decimal mark in a `;` file, or where it ends the number with one or two digits and there is no point
  const comma = decimalComma || (!s.includes('.') && /,\d{1,2}$/.test(s));
  s = comma ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s)) return undefined;
  const n = Number(s);
  return negative ? -n : n;
}

const DATE_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATE_SLASH = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$/;

/** The first part of every slashed or dotted date in these cells: above 12 anywhere means the file writes D/M/Y. */
export function dayFirstIn(cells: string[]): boolean {
  return cells.some((c) => {
    const m = DATE_SLASH.exec(c.trim().split(/[\sT]+/)[0] ?? '');
    return !!m && Number(m[1]) > 12;
  });
}

/**
 * When a row's sale happened: an ISO 8601 time with an offset (or Z) as it says; otherwise a date
 * (2026-07-18, 7/18/26, 18.07.2026) and a time (21:30, 21:30:05, 9:30 PM), in one cell or two
 * (Square's Date and Time), read on the venue's wall clock. Undefined when it is not a time.
 */
export function parseSoldAt(dateCell: string, timeCell: string, style: CsvStyle): Date | undefined {
  const text = `${dateCell.trim()} ${timeCell.trim()}`.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const t = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  const [datePart = '', ...rest] = text.split(/[\sT]+/);
  const timePart = rest.join(' ');
  let y: number, mo: number, d: number;
  const iso = DATE_ISO.exec(datePart);
  const slash = DATE_SLASH.exec(datePart);
  if (iso) [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (slash) {
    const [a, b] = [Number(slash[1]), Number(slash[2])];
    // a dotted date (18.07.2026) is always day first
    [d, mo] = style.dayFirst || datePart.includes('.') ? [a, b] : [b, a];
    y = slash[3]!.length === 2 ? 2000 + Number(slash[3]) : Number(slash[3]);
  } else return undefined;
  let [h, mi, s] = [0, 0, 0];
  if (timePart) {
    const t = TIME.exec(timePart);
    if (!t) return undefined;
    [h, mi, s] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
    const half = t[4]?.toUpperCase();
    if (half && (h < 1 || h > 12)) return undefined;
    if (half === 'PM' && h < 12) h += 12;
    if (half === 'AM' && h === 12) h = 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return undefined; // 31 June
  return new Date(fromWallClock(wall, style.timeZone));
}
