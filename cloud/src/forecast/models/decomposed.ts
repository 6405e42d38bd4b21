import { mstlDecompose } from './stl.js';

export interface SeasonalSplit {
  /** one seasonal component per period */
  seasonals: Float64Array<ArrayBufferLike>[];
  /** the history less its seasons */
  adjusted: Float64Array;
}

/**
 * The (M)STL split of one history, made once for every model that forecasts its seasonally
 * adjusted part (ets, theta): the backtest hands each model the same slice of the history at
 * an origin, so the second model finds the split of the first. Keyed by the array itself and
 * held weakly, so it goes with the slice; its arrays are shared and must not be written to.
 */
const splits = new WeakMap<readonly number[], Map<string, SeasonalSplit>>();

export function seasonalSplit(y: readonly number[], periods: readonly number[]): SeasonalSplit {
  const key = periods.join(',');
  let byPeriods = splits.get(y);
  const hit = byPeriods?.get(key);
  if (hit) return hit;
  const split = mstlDecompose(y, periods);
  if (!byPeriods) splits.set(y, (byPeriods = new Map()));
  byPeriods.set(key, split);
  return split;
}

/** The seasons' value h steps (0-based) past the end of a history of n: each period's last cycle, repeated. */
export function seasonAhead(split: SeasonalSplit, periods: readonly number[], n: number, h: number): number {
  let s = 0;
  for (let k = 0; k < periods.length; k++) {
    const p = periods[k]!;
    s += split.seasonals[k]?.[n - p + (h % p)] ?? 0;
  }
  return s;
}
