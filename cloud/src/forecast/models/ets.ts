import { ETS_FORMS, etsForecast, fitEts, type EtsFit, type EtsForm } from './holt.js';
import { seasonAhead, seasonalSplit } from './decomposed.js';
import type { Fitted, Model, ModelName } from './types.js';

type EtsFitted = Fitted & { fit: EtsFit };

/**
 * Seasonal decomposition + ETS (Hyndman and Athanasopoulos, FPP3 §5.7): the
 * history is split by STL (MSTL for several periods), non-seasonal ETS
 * forecasts the seasonally adjusted part and the last cycle of each seasonal
 * part is added back.
 */
function fitDecomposedEts(y: readonly number[], periods: readonly number[], forms: readonly EtsForm[], from?: EtsFit): EtsFitted {
  const split = seasonalSplit(y, periods);
  const fit = fitEts(split.adjusted, forms, from);
  const n = y.length;
  return {
    fit,
    predict: (h) => etsForecast(fit, h).map((v, i) => v + seasonAhead(split, periods, n, i)),
  };
}

/**
 * Chosen on a whole history: the form is fixed, a backtest origin's refit starts its search
 * from the whole history's optimum, and the fit of that history itself is not done twice.
 */
function chosenModel(base: Model, periodsOf: PeriodsOf, whole: readonly number[], wholeSeason: number, done: EtsFitted): Model {
  return {
    name: base.name,
    minLength: base.minLength,
    fit: (y, season) =>
      y === whole && season === wholeSeason ? done : fitDecomposedEts(y, periodsOf(y.length, season), [done.fit.form], done.fit),
  };
}

export type PeriodsOf = (n: number, season: number) => number[];

/** The main season, where the history holds two of it and a point. */
export const mainSeason: PeriodsOf = (n, season) => (season > 1 && n >= 2 * season + 1 ? [season] : []);

function decomposedEts(name: ModelName, minLength: (season: number) => number, periodsOf: PeriodsOf): Model {
  const model: Model = {
    name,
    minLength,
    fit: (y, season) => fitDecomposedEts(y, periodsOf(y.length, season), ETS_FORMS),
    chosenOn: (y, season) => chosenModel(model, periodsOf, y, season, fitDecomposedEts(y, periodsOf(y.length, season), ETS_FORMS)),
  };
  return model;
}

/** Exponential smoothing, the form (none, trend, damped trend) chosen by AICc, on the history less its STL season where it holds two. */
export const ets: Model = decomposedEts('ets', () => 10, mainSeason);

/**
 * MSTL with weekly and yearly seasonality, ETS on the rest: daily data with
 * two years and a day. (On weekly data the yearly period is the one season,
 * which `ets` already covers.)
 */
export const mstl: Model = decomposedEts(
  'mstl',
  () => 2 * 365 + 1,
  () => [7, 365],
);
