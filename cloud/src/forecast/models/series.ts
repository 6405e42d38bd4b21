import type { Freq } from './types.js';

/** One observation; quantity null means not known (a stock-out day, a day with no count). */
export interface RawPoint {
  date: string;
  quantity: number | null;
}

export interface PreparedSeries {
  /** date of the first value, YYYY-MM-DD */
  start: string;
  /** one value per day (D) or week (W) from start; null where demand is not known */
  values: (number | null)[];
  reasons: string[];
}

const DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date; throws on anything else. Integer arithmetic
 * (Hinnant's days_from_civil), no Date object: it runs for every point of every series.
 */
export function dayNumber(date: string): number {
  if (ISO.test(date)) {
    const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
    const m = digit(date, 5) * 10 + digit(date, 6);
    const d = digit(date, 8) * 10 + digit(date, 9);
    if (y >= 100 && m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && leap(y) ? 29 : MONTH_DAYS[m - 1]!)) {
      const yy = m <= 2 ? y - 1 : y;
      const era = Math.floor(yy / 400);
      const yoe = yy - era * 400;
      const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
      return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
    }
  }
  throw new Error(`date "${date}" is not a calendar date in YYYY-MM-DD form`);
}

export const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * Puts one series on a regular calendar: duplicates summed, negatives (returns)
 * counted as zero, missing dates counted as zero sales (a sales export has no
 * row for a day without a sale), daily input summed into weeks for W (a last,
 * unfinished week left out). Each repair is said in `reasons`.
 */
export function prepareSeries(points: readonly RawPoint[], freq: Freq): PreparedSeries {
  const reasons: string[] = [];
  if (points.length === 0) return { start: '1970-01-01', values: [], reasons: ['no history'] };
  const regular = freq === 'D' ? consecutiveDays(points) : undefined;
  if (regular) return regular;
  const byDay = new Map<number, number | null>();
  let duplicates = 0;
  let negatives = 0;
  for (const point of points) {
    const day = dayNumber(point.date);
    let quantity = point.quantity;
    if (quantity !== null && !Number.isFinite(quantity)) quantity = null;
    if (quantity !== null && quantity < 0) {
      negatives += 1;
      quantity = 0;
    }
    if (byDay.has(day)) {
      duplicates += 1;
      const prev = byDay.get(day) ?? null;
      byDay.set(day, prev === null ? quantity : quantity === null ? prev : prev + quantity);
    } else byDay.set(day, quantity);
  }
  if (duplicates > 0) reasons.push(`${duplicates} duplicate date(s) summed`);
  if (negatives > 0) reasons.push(`${negatives} negative quantit(ies) counted as zero`);
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0] ?? 0;
  const last = days[days.length - 1] ?? 0;
  const weeklyInput = days.every((day) => (day - first) % 7 === 0);
  const step = weeklyInput ? 7 : 1;
  if (freq === 'D' && weeklyInput && days.length > 1)
    throw new Error('the dates are a week apart: this is weekly data, forecast it with --freq W');

  let gaps = 0;
  const raw: (number | null)[] = [];
  for (let day = first; day <= last; day += step) {
    if (!byDay.has(day)) gaps += 1;
    raw.push(byDay.has(day) ? (byDay.get(day) ?? null) : 0);
  }
  if (gaps > 0) reasons.push(`${gaps} missing date(s) counted as zero sales`);
  if (freq === 'D' || weeklyInput) return { start: dateOf(first), values: raw, reasons };

  const weeks: (number | null)[] = [];
  for (let i = 0; i + 7 <= raw.length; i += 7) {
    const known = raw.slice(i, i + 7).filter((v): v is number => v !== null);
    // a week with unknown days is scaled up from the days that are known
    weeks.push(known.length === 0 ? null : (known.reduce((a, b) => a + b, 0) * 7) / known.length);
  }
  if (raw.length % 7 !== 0) reasons.push(`the last ${raw.length % 7} day(s), less than a week, left out`);
  return { start: dateOf(first), values: weeks, reasons };
}

/**
 * A daily history as most come (one row a day, in order, no gaps, nothing negative): its
 * values without the map and sort of the general path, ~5 % of a series' CPU; undefined
 * at the first row that is not so, and prepareSeries repairs it as usual.
 */
function consecutiveDays(points: readonly RawPoint[]): PreparedSeries | undefined {
  const first = dayNumber(points[0]!.date);
  const values = new Array<number | null>(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    if (i > 0 && dayNumber(point.date) !== first + i) return undefined;
    const quantity = point.quantity;
    if (quantity !== null && !(Number.isFinite(quantity) && quantity >= 0)) return undefined;
    values[i] = quantity;
  }
  // one point is a day apart from nothing: the general path tells weekly data from daily
  if (points.length < 2) return undefined;
  return { start: dateOf(first), values, reasons: [] };
}

/**
 * Values to fit on: an unknown value takes the one a season earlier, else the
 * mean of the known ones. Its error is never scored (see backtest).
 */
export function fillUnknown(values: readonly (number | null)[], season: number): number[] {
  const known = values.filter((value): value is number => value !== null);
  const avg = known.length === 0 ? 0 : known.reduce((a, b) => a + b, 0) / known.length;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out.push(value ?? (i >= season && season > 1 ? (out[i - season] ?? avg) : avg));
  }
  return out;
}
