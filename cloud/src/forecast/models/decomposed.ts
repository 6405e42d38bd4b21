import { keep, once, recall } from './shared.js';
import { mstlDecompose, stl, stlReach } from './stl.js';

export interface SeasonalSplit {
  /** one seasonal component per period */
  seasonals: Float64Array<ArrayBufferLike>[];
  /** the history less its seasons */
  adjusted: Float64Array;
}

/** Says that `prefix` is whole[0..prefix.length): its split can be the whole's but near its end. */
export function notePrefix(prefix: readonly number[], whole: readonly number[]): void {
  keep(prefix, 'whole', whole);
}

/**
 * The (M)STL split of one history, made once in a forecast for every model that forecasts its
 * seasonally adjusted part (ets, theta): the backtest hands each model the same slice of the
 * history at an origin (shared.ts). Its arrays are shared and must not be written to.
 */
export function seasonalSplit(y: readonly number[], periods: readonly number[]): SeasonalSplit {
  const key = `split ${periods.join(',')}`;
  return once(y, key, () => fromWhole(y, periods, key) ?? mstlDecompose(y, periods));
}

/**
 * A backtest history's split from its whole history's, one period only: STL is local (stlReach),
 * so up to `reach` points from the prefix's end its season is the whole's, and the rest is the
 * season of a decomposition of the last 2·reach points alone (the first `reach` of which are
 * taken from the whole instead). The same as decomposing the prefix, to rounding
 * (decomposed.test.ts), at ~2/3 of the work on two years of days; undefined where it does not apply.
 */
function fromWhole(y: readonly number[], periods: readonly number[], key: string): SeasonalSplit | undefined {
  const whole = recall<readonly number[]>(y, 'whole');
  const done = whole && recall<SeasonalSplit>(whole, key);
  const period = periods[0];
  if (!done || periods.length !== 1 || period === undefined) return undefined;
  const n = y.length;
  const reach = stlReach(period);
  const start = n - 2 * reach;
  if (!(start > 0)) return undefined;
  const tail = stl(y.slice(start), period);
  const seasonal = new Float64Array(n);
  const adjusted = new Float64Array(n);
  const before = done.seasonals[0]!;
  for (let t = 0; t < n; t++) {
    seasonal[t] = t < n - reach ? before[t]! : tail.seasonal[t - start]!;
    adjusted[t] = y[t]! - seasonal[t]!;
  }
  return { seasonals: [seasonal], adjusted };
}

/** The seasons' value h steps (0-based) past the end of a history of n: each period's last cycle, repeated. */
export function seasonAhead(split: SeasonalSplit, periods: readonly number[], n: number, h: number): number {
  let sum = 0;
  for (let k = 0; k < periods.length; k++) {
    const period = periods[k]!;
    sum += split.seasonals[k]?.[n - period + (h % period)] ?? 0;
  }
  return sum;
}
