import type { Freq, RawPoint, RegressorDays } from '../../src/forecast/models/index.js';

/** A seeded PRNG (mulberry32): the same seed, the same sales. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(lambda: number, r: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= r();
  } while (p > l);
  return k - 1;
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

export type Kind = 'regular' | 'intermittent';

export interface SimSeries {
  id: string;
  freq: Freq;
  kind: Kind;
  /** history; a stock-out day has quantity null (censored: the service knows it) */
  train: RawPoint[];
  /** the held-out tail; null on stock-out days (not scored) */
  test: (number | null)[];
  /** the venue's weather and events over history and tail (daily series); some items ignore them */
  regressors?: RegressorDays;
}

const START = Date.UTC(2023, 0, 2) / 86_400_000;
const iso = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Fixed-date holidays (month, day) with a lift in sales around them. */
const HOLIDAYS = new Set(['12-24', '12-31', '07-04', '03-17', '10-31', '02-14']);

/** The venue's days: a yearly temperature wave with noise, showers, and an event on about one day in 16. */
interface Calendar {
  temperature: number[];
  rain: number[];
  event: boolean[];
}

function venueCalendar(days: number, r: () => number): Calendar {
  const c: Calendar = { temperature: [], rain: [], event: [] };
  for (let d = 0; d < days; d++) {
    c.temperature.push(14 + 9 * Math.sin((2 * Math.PI * (d - 100)) / 365.25) + 3 * gauss(r));
    c.rain.push(r() < 0.3 ? -6 * Math.log(r() + 1e-9) : 0);
    c.event.push(r() < 0.06);
  }
  return c;
}

/** How one item answers the calendar: six in ten sell more on event days and in heat, less in rain. */
interface Sensitivity {
  eventLift: number;
  rainPer10mm: number;
  heatPer10C: number;
}

function sensitivity(r: () => number): Sensitivity {
  if (r() >= 0.6) return { eventLift: 1, rainPer10mm: 1, heatPer10C: 1 };
  return { eventLift: 1.5 + r() * 0.8, rainPer10mm: 0.75 + r() * 0.2, heatPer10C: 1 + r() * 0.25 };
}

function regressorDays(c: Calendar, days: number): RegressorDays {
  const out: RegressorDays = {};
  for (let d = 0; d < days; d++) {
    out[iso(START + d)] = {
      temperature: Math.round((c.temperature[d] ?? 0) * 10) / 10,
      rain: Math.round((c.rain[d] ?? 0) * 10) / 10,
      event: c.event[d] ? 1 : 0,
    };
  }
  return out;
}

/**
 * Daily demand of one bar item: a level, a trend, a weekly shape (Friday and
 * Saturday high), a yearly wave, holidays, Poisson noise, and stock-out runs
 * where sales stop. Intermittent sellers sell on few days, in small lots.
 */
function dailyDemand(days: number, kind: Kind, r: () => number, cal?: Calendar, sens?: Sensitivity): { q: number[]; out: boolean[] } {
  const level = kind === 'regular' ? 3 + r() * 40 : 0.05 + r() * 0.4;
  const trend = ((r() - 0.5) * 0.8) / 365; // up to ±40 % a year
  const weekAmp = 0.3 + r() * 0.7;
  const yearAmp = r() * 0.4;
  const yearPhase = r() * 2 * Math.PI;
  const weekShape = [0.7, 0.75, 0.85, 1.0, 1.45, 1.6, 0.65].map((w) => 1 + (w - 1) * weekAmp);
  const q: number[] = [];
  const out: boolean[] = [];
  let outLeft = 0;
  for (let d = 0; d < days; d++) {
    const date = iso(START + d);
    const dow = (START + d + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday
    let lambda = level * Math.max(0.1, 1 + trend * d) * (weekShape[dow] ?? 1);
    lambda *= 1 + yearAmp * Math.sin((2 * Math.PI * d) / 365.25 + yearPhase);
    if (HOLIDAYS.has(date.slice(5))) lambda *= 2.2;
    if (cal && sens) {
      if (cal.event[d]) lambda *= sens.eventLift;
      lambda *= sens.rainPer10mm ** ((cal.rain[d] ?? 0) / 10);
      lambda *= sens.heatPer10C ** (((cal.temperature[d] ?? 14) - 14) / 10);
    }
    if (outLeft === 0 && r() < 0.004) outLeft = 1 + Math.floor(r() * 4);
    const isOut = outLeft > 0;
    if (isOut) outLeft -= 1;
    const v = kind === 'intermittent' ? (r() < lambda ? 1 + poisson(1.5, r) : 0) : poisson(lambda, r);
    q.push(isOut ? 0 : v);
    out.push(isOut);
  }
  return { q, out };
}

export interface SimOptions {
  seed: number;
  daily: number;
  weekly: number;
  /** share of intermittent sellers */
  intermittentShare?: number;
  dailyDays?: number;
  weeklyWeeks?: number;
  dailyHorizon?: number;
  weeklyHorizon?: number;
}

export function simulate(o: SimOptions): SimSeries[] {
  const r = rng(o.seed);
  const share = o.intermittentShare ?? 0.25;
  const out: SimSeries[] = [];
  const dd = o.dailyDays ?? 730;
  const hD = o.dailyHorizon ?? 14;
  // The weather and events come from their own stream, so the sales of a seed stay comparable.
  const calendar = venueCalendar(dd, rng(o.seed ^ 0x5eed));
  const regressors = regressorDays(calendar, dd);
  for (let i = 0; i < o.daily; i++) {
    const kind: Kind = r() < share ? 'intermittent' : 'regular';
    const { q, out: so } = dailyDemand(dd, kind, r, calendar, sensitivity(r));
    const cut = dd - hD;
    out.push({
      id: `d${i}`,
      freq: 'D',
      kind,
      train: q.slice(0, cut).map((v, d) => ({ date: iso(START + d), quantity: so[d] ? null : v })),
      test: q.slice(cut).map((v, j) => (so[cut + j] ? null : v)),
      regressors,
    });
  }
  const ww = o.weeklyWeeks ?? 208;
  const hW = o.weeklyHorizon ?? 8;
  for (let i = 0; i < o.weekly; i++) {
    const kind: Kind = r() < share ? 'intermittent' : 'regular';
    const { q } = dailyDemand(ww * 7, kind, r);
    // weekly sales: stock-outs are inside the weeks, as a weekly export would hide them
    const weeks = Array.from({ length: ww }, (_, w) => q.slice(w * 7, w * 7 + 7).reduce((a, b) => a + b, 0));
    const cut = ww - hW;
    out.push({
      id: `w${i}`,
      freq: 'W',
      kind,
      train: weeks.slice(0, cut).map((v, w) => ({ date: iso(START + w * 7), quantity: v })),
      test: weeks.slice(cut),
    });
  }
  return out;
}
