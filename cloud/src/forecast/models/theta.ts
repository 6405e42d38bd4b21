import { seasonAhead, seasonalSplit } from './decomposed.js';
import { mainSeason } from './ets.js';
import { fitEts, type EtsFit } from './holt.js';
import type { Fitted, Model } from './types.js';

/**
 * The Theta method (Assimakopoulos and Nikolopoulos 2000), the M3 competition's best, in
 * Hyndman and Billah's (2003) form as R's forecast::thetaf: simple exponential smoothing
 * with a drift of half the least-squares slope of the history. Here on the history less its
 * STL season (the split ets uses), the season added back as ets does.
 */
export function thetaForecast(level: number, alpha: number, slope: number, n: number, horizon: number): number[] {
  const a = Math.max(1e-10, alpha);
  // thetaf: mean + b/2 · (h − 1 + (1 − (1 − α)^n) / α), h = 1, 2, …
  const lift = (1 - (1 - a) ** n) / a;
  return Array.from({ length: horizon }, (_, i) => level + (slope / 2) * (i + lift));
}

/** Least-squares slope of x against 0, 1, …, n − 1. */
export function lineSlope(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let t = 0; t < n; t++) xMean += x[t]!;
  xMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (x[t]! - xMean);
    sxx += (t - tMean) * (t - tMean);
  }
  return sxy / sxx;
}

type ThetaFitted = Fitted & { ses: EtsFit };

function fitTheta(y: readonly number[], season: number, from?: EtsFit): ThetaFitted {
  const periods = mainSeason(y.length, season);
  const split = seasonalSplit(y, periods);
  // as ets fits its ANN form: the same fits of the same array, made once (holt.ts fitFormOnce)
  const ses = fitEts(split.adjusted, ['ANN'], from);
  const slope = lineSlope(split.adjusted);
  const n = y.length;
  return {
    ses,
    predict: (h) => thetaForecast(ses.level, ses.alpha, slope, n, h).map((v, i) => v + seasonAhead(split, periods, n, i)),
  };
}

export const theta: Model = {
  name: 'theta',
  minLength: () => 10,
  fit: (y, season) => fitTheta(y, season),
  // a backtest origin's refit starts from the whole history's smoothing parameter
  chosenOn: (whole, wholeSeason) => {
    const done = fitTheta(whole, wholeSeason);
    return {
      name: 'theta',
      minLength: theta.minLength,
      fit: (y, season) => (y === whole && season === wholeSeason ? done : fitTheta(y, season, done.ses)),
    };
  },
};
