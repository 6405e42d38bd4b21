import { ETS_FORMS, etsForecast, fitEts, type EtsFit, type EtsForm } from './holt.js';
import { stl } from './stl.js';
import type { Fitted, Model } from './types.js';

type EtsFitted = Fitted & { fit: EtsFit };

/**
 * STL + ETS (Hyndman and Athanasopoulos, FPP3 §5.7): where the history holds
 * two seasons it is split by STL, non-seasonal ETS forecasts the seasonally
 * adjusted part and the last season of the seasonal part is added back.
 */
function fitStlEts(y: readonly number[], season: number, forms: readonly EtsForm[], from?: EtsFit): EtsFitted {
  const seasonal = season > 1 && y.length >= 2 * season + 1;
  const parts = seasonal ? stl(y, season) : undefined;
  const x = Float64Array.from(y);
  if (parts) for (let i = 0; i < x.length; i++) x[i]! -= parts.seasonal[i]!;
  const fit = fitEts(x, forms, from);
  const n = y.length;
  return {
    fit,
    predict: (h) => etsForecast(fit, h).map((v, i) => v + (parts ? (parts.seasonal[n - season + (i % season)] ?? 0) : 0)),
  };
}

/**
 * Chosen on a whole history: the form is fixed, a backtest origin's refit starts its search
 * from the whole history's optimum, and the fit of that history itself is not done twice.
 */
function chosenModel(whole: readonly number[], wholeSeason: number, done: EtsFitted): Model {
  return {
    name: 'ets',
    minLength: () => 10,
    fit: (y, season) =>
      y === whole && season === wholeSeason ? done : fitStlEts(y, season, [done.fit.form], done.fit),
  };
}

/** Exponential smoothing, the form (none, trend, damped trend) chosen by AICc. */
export const ets: Model = {
  name: 'ets',
  minLength: () => 10,
  fit: (y, season) => fitStlEts(y, season, ETS_FORMS),
  chosenOn: (y, season) => chosenModel(y, season, fitStlEts(y, season, ETS_FORMS)),
};
