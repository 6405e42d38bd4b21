/**
 * How a fit's history crosses to a worker thread. Structured cloning 730 { date, quantity }
 * objects cost ~0.6 ms a series, as much as a tenth of the fit itself: the dates go as one
 * string and the quantities as one Float64Array (null as NaN, which the fit reads as unknown
 * too), ~0.05 ms. A history that would not survive that (a date with a line break in it, a
 * quantity that is not a number or null) goes as it is.
 */
import type { RawPoint } from './models/index.js';

export interface PackedHistory {
  dates: string;
  quantities: Float64Array<ArrayBuffer>;
}

const SEPARATOR = '\n';

export function packHistory(points: readonly RawPoint[]): PackedHistory | undefined {
  const quantities = new Float64Array(points.length);
  const dates = new Array<string>(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (typeof point.date !== 'string' || point.date.includes(SEPARATOR)) return undefined;
    if (point.quantity !== null && typeof point.quantity !== 'number') return undefined;
    dates[i] = point.date;
    quantities[i] = point.quantity ?? NaN;
  }
  return { dates: dates.join(SEPARATOR), quantities };
}

export function unpackHistory(h: PackedHistory): RawPoint[] {
  if (h.quantities.length === 0) return [];
  const dates = h.dates.split(SEPARATOR);
  const out = new Array<RawPoint>(dates.length);
  for (let i = 0; i < dates.length; i++) {
    const q = h.quantities[i]!;
    out[i] = { date: dates[i]!, quantity: Number.isNaN(q) ? null : q };
  }
  return out;
}
