import { ets, mstl } from './ets.js';
import { scoreRun } from './accuracy.js';
import { rank } from './selection.js';
import { backtest, historiesOf, type BacktestRun } from './backtest.js';
import { combination, combine, combinedRun, COMBINED } from './combination.js';
import { theta } from './theta.js';
import { withSharing } from './shared.js';
import { conformalQuantile, naiveScale } from './metrics.js';
import { dateOf, dayNumber, fillUnknown, prepareSeries, type RawPoint } from './series.js';
import { backtestGain, effectsOf, factorOn, fitRegressors, scaled, type RegressorDays } from './regressors.js';
import { croston, mean, naive, seasonalNaive, tsb } from './simple.js';
import type { BacktestScore, ForecastPoint, Freq, Model, SeriesForecast } from './types.js';

export interface ForecastOptions {
  horizon: number;
  freq: Freq;
  /** rolling-origin backtest origins (default 5) */
  origins?: number;
  /** the candidates (default: every model that suits the history) */
  models?: readonly Model[];
  /** weather and events per date over the history and the horizon (daily series only) */
  regressors?: RegressorDays;
}

export const ALL_MODELS: readonly Model[] = [seasonalNaive, naive, ets, theta, mstl, croston, tsb];

/** Share of zero periods above which a series counts as an intermittent seller. */
const INTERMITTENT = 0.3;
/** Fewest backtest errors for the conformal bounds to be trusted as they are. */
const MIN_ERRORS = 20;

/** The main seasonal period: a week of days, or a year of weeks once two years are there. */
export function seasonOf(freq: Freq, n: number): number {
  if (freq === 'D') return n >= 14 ? 7 : 1;
  return n >= 2 * 52 ? 52 : 1;
}

const finite = (v: number): number => (Number.isFinite(v) ? v : 0);

function bounded(start: number, step: number, means: readonly number[], q80: number, q95: number): ForecastPoint[] {
  return means.map((m, i) => {
    const mean = Math.max(0, finite(m));
    return {
      date: dateOf(start + (i + 1) * step),
      mean,
      lo80: Math.max(0, mean - q80),
      hi80: mean + q80,
      lo95: Math.max(0, mean - q95),
      hi95: mean + q95,
    };
  });
}

/**
 * Forecast one series: candidates ranked by rolling-origin backtest (seasonal naive
 * first on ties), the forecast is the median of the best three (combination.ts), or
 * the one candidate where only one ran; its 80/95 % bounds are the conformal quantiles
 * of the backtest errors of that whole procedure. Never NaN: what cannot be fitted
 * falls back to a simpler model and says why.
 */
export function forecastSeries(points: readonly RawPoint[], options: ForecastOptions): SeriesForecast {
  return withSharing(() => forecastOne(points, options));
}

function forecastOne(points: readonly RawPoint[], options: ForecastOptions): SeriesForecast {
  if (!Number.isInteger(options.horizon) || options.horizon < 1) throw new Error('horizon must be a whole number of steps, 1 or more');
  const prepared = prepareSeries(points, options.freq);
  const reasons = [...prepared.reasons];
  const step = options.freq === 'D' ? 1 : 7;
  const values = prepared.values;
  const n = values.length;
  const lastDay = dayNumber(prepared.start) + (n - 1) * step;
  const season = seasonOf(options.freq, n);
  const y = fillUnknown(values, season);
  const known = values.map((value) => value !== null);
  const unknown = known.filter((k) => !k).length;
  if (unknown > 0) reasons.push(`${unknown} period(s) of unknown demand (stock-outs) not scored and filled from a season earlier`);

  if (n === 0 || y.every((demand) => demand === 0)) {
    reasons.push(
      n === 0
        ? 'no history: forecast zero'
        : unknown === n
          ? 'no day of known demand: forecast zero'
          : 'no sales in the history: forecast zero',
    );
    return {
      points: bounded(lastDay, step, new Array<number>(options.horizon).fill(0), 0, 0),
      model: 'mean',
      reasons,
      backtest: [],
      regressors: [],
    };
  }

  const zeros = y.filter((demand) => demand === 0).length / n;
  const candidates = (options.models ?? ALL_MODELS).filter((m) => (m.name !== 'croston' && m.name !== 'tsb') || zeros >= INTERMITTENT);
  const origins = options.origins ?? 5;
  // The origins span at least a season: errors from one stretch of the year (a weekly series'
  // last 24 weeks) neither choose nor calibrate for the next (on the simulator's weekly series
  // naive lag-1 won on a quiet stretch, and its 80 % bounds then held 56 % of the weeks).
  const bt = {
    horizon: options.horizon,
    season,
    origins,
    stride: Math.max(1, Math.ceil(options.horizon / 2), Math.ceil(season / origins)),
  };
  const historyAt = historiesOf(y);
  const runs = candidates
    .map((m) => backtest(y, known, chosen(m, y, season), bt, historyAt))
    .filter((r): r is BacktestRun => r !== undefined && r.errors.length > 0);

  if (runs.length === 0) return shortHistory(y, lastDay, step, season, options.horizon, reasons);

  const scale = naiveScale(y, season);
  const scores: BacktestScore[] = runs.map((run) => scoreRun(run, y, scale));
  const order = rank(runs.map((run, i) => ({ run, mae: scores[i]?.mae ?? Infinity })));

  // the best COMBINED that fit the whole history, in rank order
  const members: { run: BacktestRun; means: number[] }[] = [];
  for (const { run: r } of order) {
    if (members.length === COMBINED) break;
    let means: number[];
    try {
      means = r.model.fit(y, season).predict(options.horizon);
    } catch (e) {
      reasons.push(`${r.model.name} failed to fit the whole history (${(e as Error).message}); next best used`);
      continue;
    }
    if (!means.every(Number.isFinite)) {
      reasons.push(`${r.model.name} gave no finite forecast; next best used`);
      continue;
    }
    members.push({ run: r, means });
  }
  const lead = members[0];
  if (!lead) return shortHistory(y, lastDay, step, season, options.horizon, reasons);

  const combined = members.length > 1;
  const model = combined ? combination(members.map((m) => m.run.model)) : lead.run.model;
  if (combined)
    reasons.push(`the median of ${members.map((m) => m.run.model.name).join(', ')}, the ${members.length} best in the backtest`);
  const procedure = combinedRun(runs, members.length, model);
  if (combined) scores.push(scoreRun(procedure, y, scale));
  const calibration = procedure.errors.length > 0 ? procedure : lead.run;
  const abs = calibration.errors.map(Math.abs);
  if (abs.length < MIN_ERRORS) reasons.push(`only ${abs.length} backtest errors: the bounds are the widest seen`);
  abs.sort((a, b) => a - b);
  const means = combined ? combine(members.map((m) => m.means)) : lead.means;
  const out = bounded(lastDay, step, means, conformalQuantile(abs, 0.8, true), conformalQuantile(abs, 0.95, true));
  const effects = options.regressors ? withRegressors(y, known, dayNumber(prepared.start), options, calibration, out, reasons, zeros) : [];
  return { points: out, model: model.name, reasons, backtest: scores, regressors: effects };
}

/** The candidate with its form chosen on the whole history, or as it is where that fails. */
function chosen(m: Model, y: readonly number[], season: number): Model {
  // too short for it: the backtest leaves it out (no origin), so choosing its form is wasted (MSTL on two years of days)
  if (y.length < m.minLength(season)) return m;
  try {
    return m.chosenOn?.(y, season) ?? m;
  } catch {
    return m;
  }
}

/**
 * Scales the points by the weather and event effects, in place, when effects learnt before
 * the backtest improve it; says in reasons what was used, or why nothing was.
 */
function withRegressors(
  y: readonly number[],
  known: readonly boolean[],
  startDay: number,
  o: ForecastOptions,
  run: BacktestRun,
  points: ForecastPoint[],
  reasons: string[],
  zeroShare: number,
) {
  const days = o.regressors ?? {};
  if (o.freq !== 'D' || zeroShare >= INTERMITTENT) {
    // An intermittent seller's few sales days cannot tell an event's lift from chance.
    reasons.push(`weather and events are used on daily series of regular sellers only: not used`);
    return [];
  }
  const firstOrigin = Math.min(...run.steps.map((step) => step.t));
  const before = fitRegressors(y, known, startDay, days, firstOrigin);
  const gain = before && backtestGain(before, y, startDay, days, run.steps);
  const fit = gain?.better ? fitRegressors(y, known, startDay, days) : undefined;
  if (!before || !fit) {
    reasons.push(
      before
        ? 'weather and events did not improve the backtest: not used'
        : 'too little history with weather or events to learn their effect: not used',
    );
    return [];
  }
  for (const point of points) {
    const factor = factorOn(fit, days[point.date]);
    const [mean, down80, up80, down95, up95] = [
      point.mean,
      point.mean - point.lo80,
      point.hi80 - point.mean,
      point.mean - point.lo95,
      point.hi95 - point.mean,
    ];
    point.mean = scaled(mean, factor);
    [point.lo80, point.hi80, point.lo95, point.hi95] = [
      Math.max(0, point.mean - down80 * factor),
      point.mean + up80 * factor,
      Math.max(0, point.mean - down95 * factor),
      point.mean + up95 * factor,
    ];
  }
  const effects = effectsOf(fit);
  reasons.push(`weather and events used (${effects.map((effect) => `${effect.name} ×${effect.factor}`).join(', ')})`);
  return effects;
}

/** Too short to backtest: the recent mean (or last season) with wide normal bounds. */
function shortHistory(
  y: readonly number[],
  lastDay: number,
  step: number,
  season: number,
  horizon: number,
  reasons: string[],
): SeriesForecast {
  const model = season > 1 && y.length >= season ? seasonalNaive : mean;
  const means = model.fit(y, season).predict(horizon);
  const avg = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, v) => a + (v - avg) ** 2, 0) / Math.max(1, y.length - 1));
  // doubled normal bounds, and never narrower than the mean itself: a guess, and shown as one
  const spread = Math.max(sd, avg);
  reasons.push(`history of ${y.length} period(s) is too short to backtest: ${model.name} with wide bounds`);
  return {
    points: bounded(lastDay, step, means, 2 * 1.2816 * spread, 2 * 1.96 * spread),
    model: model.name,
    reasons,
    backtest: [],
    regressors: [],
  };
}
