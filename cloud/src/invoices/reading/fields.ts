import type { Row } from './words.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const DATES: { re: RegExp; ymd: (m: RegExpExecArray) => [number, number, number] }[] = [
  { re: /\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/, ymd: (m) => [+m[1]!, +m[2]!, +m[3]!] },
  {
    // day first unless the first number cannot be a day of a month (US style 03/25/2026)
    re: /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b/,
    ymd: (m) => {
      const a = +m[1]!;
      const b = +m[2]!;
      const y = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
      return b > 12 ? [y, a, b] : [y, b, a];
    },
  },
  { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MON},?\\s+(\\d{4})\\b`, 'i'), ymd: (m) => [+m[3]!, month(m[2]!), +m[1]!] },
  { re: new RegExp(`\\b${MON}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'i'), ymd: (m) => [+m[3]!, month(m[1]!), +m[2]!] },
];
const month = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;

/** The first date in the text as YYYY-MM-DD, or null. */
export function findDate(text: string): string | null {
  let best: { at: number; iso: string } | null = null;
  for (const format of DATES) {
    const m = format.re.exec(text);
    if (!m) continue;
    const [y, mo, da] = format.ymd(m);
    if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || da < 1 || da > 31) continue;
    if (!best || m.index < best.at) best = { at: m.index, iso: `${y}-${pad(mo)}-${pad(da)}` };
  }
  return best?.iso ?? null;
}
const pad = (n: number) => String(n).padStart(2, '0');

const NUMBER_LABEL = /\b(?:invoice|inv|tax invoice|bill)\s*\.?\s*(?:no|number|num|nr|#|ref)?\s*\.?\s*[:#]?\s*$/i;
const NUMBER_INLINE = /\b(?:invoice|inv)\s*\.?\s*(?:no|number|num|nr|#)\s*\.?\s*[:#]?\s*([A-Z0-9$][A-Z0-9\-/]{2,24})/i;
/** OCR reads a leading S as $ */
const cleanNumber = (v: string) => v.replace(/^\$/, 'S');
const DATE_LABEL = /\b(?:invoice\s+date|date\s+of\s+issue|issue\s+date|inv\.?\s+date|date)\s*:?\s*$/i;

/** Invoice number and date from the rows above the table: a label then its value, beside it or under it. */
export function headerFields(rows: Row[]): { invoiceNumber: string | null; invoiceDate: string | null } {
  let invoiceNumber: string | null = null;
  let invoiceDate: string | null = null;
  for (const [i, row] of rows.entries()) {
    const whole = NUMBER_INLINE.exec(row.text.replace(/\s+/g, ' '));
    if (!invoiceNumber && whole && /\d/.test(whole[1]!)) invoiceNumber = cleanNumber(whole[1]!);
    for (const [j, cell] of row.cells.entries()) {
      // a label's value sits beside it or under it
      const values = [row.cells[j + 1]?.text, below(rows, i, cell.x0, cell.x1)].filter((v): v is string => !!v);
      if (!invoiceNumber) {
        const inline = NUMBER_INLINE.exec(cell.text);
        if (inline && /\d/.test(inline[1]!)) invoiceNumber = cleanNumber(inline[1]!);
        else if (NUMBER_LABEL.test(cell.text))
          for (const next of values) {
            const numberMatch = /^[:#\s]*([A-Z0-9$][A-Z0-9\-/]{2,24})\s*$/i.exec(next);
            if (numberMatch && /\d/.test(numberMatch[1]!)) {
              invoiceNumber = cleanNumber(numberMatch[1]!);
              break;
            }
          }
      }
      if (!invoiceDate && !/\bdue\b/i.test(cell.text)) {
        const m = /\bdate\b\s*:?\s*(.*)$/i.exec(cell.text);
        if (m) invoiceDate = findDate(m[1]!) ?? (DATE_LABEL.test(cell.text) ? (values.map(findDate).find((date) => date) ?? null) : null);
      }
    }
  }
  invoiceDate ??= findDate(rows.map((row) => row.text).join('\n'));
  return { invoiceNumber, invoiceDate };
}

function below(rows: Row[], i: number, x0: number, x1: number): string | undefined {
  const next = rows[i + 1];
  if (!next || next.page !== rows[i]!.page) return undefined;
  return next.cells.find((c) => c.x0 < x1 && c.x1 > x0)?.text;
}
