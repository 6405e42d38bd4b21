/**
 * Every table in one CSV, one cell a line ("table,row,column,value"): tables with different
 * columns fit one file, nothing is lost, and a spreadsheet or pandas pivots it back per table.
 */
export function exportCsv(tables: Record<string, Record<string, unknown>[]>): string {
  const lines = ['table,row,column,value'];
  for (const [table, rows] of Object.entries(tables)) {
    rows.forEach((r, i) => {
      for (const [column, v] of Object.entries(r)) lines.push([table, String(i + 1), column, cell(v)].map(quote).join(','));
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** RFC 4180; a leading = + - @ (but not a negative number) is prefixed with ' so a spreadsheet never runs a cell as a formula. */
function quote(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
