/**
 * Weather and events as regressors, where the history supports them. The models
 * themselves know no regressors, so their forecast is scaled afterwards: a ridge
 * regression of log demand against a local same-weekday level learns how much an
 * event day, a public holiday, rain or heat moves sales at this bar, and the
 * forecast is scaled by exp(effect). It is used only when the effects, learnt on
 * the history before the backtest, make the chosen model's backtest better.
 */
import { dateOf } from './series.js';

export type RegressorName = 'event' | 'holiday' | 'rain' | 'temperature';

/** Per date (YYYY-MM-DD): event and holiday flags (0/1), rain (mm), highest temperature (°C). */
export type RegressorDays = Record<string, Partial<Record<RegressorName, number>>>;

export interface RegressorEffect {
  name: RegressorName;
  /** demand multiplied by this on an event or holiday, per 10 mm of rain, per 10 °C above the usual */
  factor: number;
}

const BINARY: readonly RegressorName[] = ['event', 'holiday'];
const CONTINUOUS: readonly RegressorName[] = ['rain', 'temperature'];
/** Fewest flagged days (and unflagged ones) for a flag's effect to be learnt. */
const MIN_FLAGGED = 3;
/** Share of known days that must carry a weather value for it to be used. */
const MIN_COVERAGE = 0.6;
const RIDGE = 2;
/** How much better the backtest must get for the regressors to be used. */
const MIN_GAIN = 0.02;

export interface RegressorFit {
  names: RegressorName[];
  coefficients: number[];
  /** the temperature the history centres on, so a "usual" day is 0 */
  meanTemperature: number;
}

/** The features of one day, centred and scaled (rain per 10 mm, temperature per 10 °C off the usual). */
function features(fit: Pick<RegressorFit, 'names' | 'meanTemperature'>, day: RegressorDays[string] | undefined): number[] {
  return fit.names.map((name) => {
    const value = day?.[name];
    if (value === undefined || !Number.isFinite(value)) return 0;
    if (name === 'rain') return Math.min(value, 50) / 10;
    if (name === 'temperature') return (value - fit.meanTemperature) / 10;
    return value > 0 ? 1 : 0;
  });
}

/** Same weekday one and two weeks either side, known and not special: the level the day is compared with. */
function localLevel(y: readonly number[], known: readonly boolean[], special: readonly boolean[], t: number, limit: number): number | null {
  const around = [-14, -7, 7, 14].map((k) => t + k).filter((i) => i >= 0 && i < limit && known[i] && !special[i]);
  return around.length === 0 ? null : around.reduce((a, i) => a + (y[i] ?? 0), 0) / around.length;
}

/**
 * Learns the regressors' effects on days [0, limit) of a daily series that starts on startDay.
 * Undefined when no regressor has enough history behind it.
 */
export function fitRegressors(
  y: readonly number[],
  known: readonly boolean[],
  startDay: number,
  days: RegressorDays,
  limit = y.length,
): RegressorFit | undefined {
  const at = (t: number) => days[dateOf(startDay + t)];
  const knownDays = [...Array(limit).keys()].filter((t) => known[t]);
  const names: RegressorName[] = [];
  for (const name of BINARY) {
    const flagged = knownDays.filter((t) => (at(t)?.[name] ?? 0) > 0).length;
    if (flagged >= MIN_FLAGGED && knownDays.length - flagged >= MIN_FLAGGED) names.push(name);
  }
  const temps: number[] = [];
  for (const name of CONTINUOUS) {
    const values = knownDays.map((t) => at(t)?.[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const spread = values.length > 1 ? Math.max(...values) - Math.min(...values) : 0;
    if (values.length >= MIN_COVERAGE * knownDays.length && spread > 0) {
      names.push(name);
      if (name === 'temperature') temps.push(...values);
    }
  }
  if (names.length === 0) return undefined;
  const meanTemperature = temps.length ? temps.reduce((a, b) => a + b, 0) / temps.length : 0;
  const special = y.map((_, t) => BINARY.some((name) => (at(t)?.[name] ?? 0) > 0));
  const rows: number[][] = [];
  const targets: number[] = [];
  for (const t of knownDays) {
    const level = localLevel(y, known, special, t, limit);
    if (level === null) continue;
    rows.push(features({ names, meanTemperature }, at(t)));
    targets.push(Math.log(((y[t] ?? 0) + 1) / (level + 1)));
  }
  if (rows.length < 2 * MIN_FLAGGED) return undefined;
  return { names, coefficients: ridge(rows, targets, RIDGE), meanTemperature };
}

/** The factor a day's forecast is multiplied by. */
export function factorOn(fit: RegressorFit, day: RegressorDays[string] | undefined): number {
  const dayFeatures = features(fit, day);
  return Math.exp(dayFeatures.reduce((sum, feature, i) => sum + feature * (fit.coefficients[i] ?? 0), 0));
}

/** A forecast of v scaled by a factor: on demand + 1, as the effects were learnt. */
export const scaled = (v: number, factor: number): number => Math.max(0, (v + 1) * factor - 1);

/**
 * Whether effects learnt before the first backtest origin improve the backtest:
 * the backtest MAE with and without them.
 */
export function backtestGain(
  fit: RegressorFit,
  y: readonly number[],
  startDay: number,
  days: RegressorDays,
  steps: readonly { t: number; predicted: number }[],
): { plain: number; adjusted: number; better: boolean } {
  let plain = 0;
  let adjusted = 0;
  for (const step of steps) {
    const actual = y[step.t] ?? 0;
    plain += Math.abs(step.predicted - actual);
    adjusted += Math.abs(scaled(step.predicted, factorOn(fit, days[dateOf(startDay + step.t)])) - actual);
  }
  const n = Math.max(1, steps.length);
  return { plain: plain / n, adjusted: adjusted / n, better: adjusted < (1 - MIN_GAIN) * plain };
}

export function effectsOf(fit: RegressorFit): RegressorEffect[] {
  return fit.names.map((name, i) => ({ name, factor: Math.round(Math.exp(fit.coefficients[i] ?? 0) * 1000) / 1000 }));
}

/** Ridge least squares (XᵀX + λI)β = Xᵀz, solved by Gaussian elimination (a handful of columns). */
function ridge(rows: readonly number[][], targets: readonly number[], lambda: number): number[] {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, (_, i) => Array.from({ length: k + 1 }, (_, j) => (j === i ? lambda : 0)));
  rows.forEach((x, r) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![k]! += x[i]! * targets[r]!;
    }
  });
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}
