import { parseCsv, type CsvRecord } from '@smartstock/runtime';
import { dayNumber, type ForecastPoint, type ModelName, type RawPoint } from '../models/index.js';

export interface RowError {
  line: number;
  column: string;
  message: string;
}

/** Thrown with every bad row (up to a limit), each by line and column. */
export class CsvError extends Error {
  constructor(readonly errors: RowError[]) {
    super(errors.map((error) => `line ${error.line}, column ${error.column}: ${error.message}`).join('\n'));
  }
}

const COLUMNS = ['series_id', 'date', 'quantity'] as const;
const MAX_ERRORS = 20;

/** `series_id,date,quantity` → points per series, in the order first seen. */
export function parseSalesCsv(text: string): Map<string, RawPoint[]> {
  let records: CsvRecord[];
  try {
    records = parseCsv(text).filter((record) => record.cells.length > 1 || record.cells[0]!.trim() !== '');
  } catch (e) {
    // csv-parse names the line where it gave up, e.g. a quote never closed
    throw new CsvError([{ line: (e as { lines?: number }).lines ?? 1, column: '', message: (e as Error).message }]);
  }
  const [first, ...rows] = records;
  const header = (first?.cells ?? []).map((h) => h.trim().toLowerCase());
  const at = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => at[i] === -1);
  if (missing.length > 0)
    throw new CsvError([
      {
        line: first?.line ?? 1,
        column: missing.join(', '),
        message: `header must name series_id,date,quantity; got "${first?.cells.join(',') ?? ''}"`,
      },
    ]);
  const [iSeries = 0, iDate = 1, iQty = 2] = at;
  const series = new Map<string, RawPoint[]>();
  const errors: RowError[] = [];
  for (const row of rows) {
    if (errors.length >= MAX_ERRORS) break;
    const f = row.cells.map((c) => c.trim());
    const line = row.line;
    const id = f[iSeries] ?? '';
    const date = f[iDate] ?? '';
    const qty = f[iQty] ?? '';
    if (id === '') errors.push({ line, column: 'series_id', message: 'empty' });
    try {
      dayNumber(date);
    } catch (e) {
      errors.push({ line, column: 'date', message: (e as Error).message });
    }
    const q = Number(qty);
    if (qty === '' || !Number.isFinite(q)) errors.push({ line, column: 'quantity', message: `"${qty}" is not a number` });
    if (errors.length > 0 && errors[errors.length - 1]?.line === line) continue;
    const list = series.get(id) ?? [];
    list.push({ date, quantity: q });
    series.set(id, list);
  }
  if (errors.length > 0) throw new CsvError(errors);
  if (series.size === 0) throw new CsvError([{ line: 2, column: 'series_id', message: 'no rows after the header' }]);
  return series;
}

export const FORECAST_HEADER = 'series_id,date,mean,lo80,hi80,lo95,hi95,model';

const num = (v: number): string => String(Math.round(v * 1000) / 1000);
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function forecastRows(id: string, points: readonly ForecastPoint[], model: ModelName): string[] {
  return points.map((point) =>
    [quote(id), point.date, num(point.mean), num(point.lo80), num(point.hi80), num(point.lo95), num(point.hi95), model].join(','),
  );
}
