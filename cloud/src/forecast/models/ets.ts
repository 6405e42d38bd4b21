import { ETS_FORMS, etsForecast, fitEts, type EtsForm } from './holt.js';
import { stl } from './stl.js';
import type { Fitted, Model } from './types.js';

/**
 * STL + ETS (Hyndman and Athanasopoulos, FPP3 §5.7): where the history holds
 * two seasons it is split by STL, non-seasonal ETS forecasts the seasonally
 * adjusted part and the last season of the seasonal part is added back.
 */
function fitStlEts(y: readonly number[], season: number, forms: readonly EtsForm[]): Fitted & { form: EtsForm } {
  const seasonal = season > 1 && y.length >= 2 * season + 1;
  const parts = seasonal ? stl(y, season) : undefined;
  const x = Float64Array.from(y, (v, i) => v - (parts?.seasonal[i] ?? 0));
  const fit = fitEts(x, forms);
  const n = y.length;
  return {
    form: fit.form,
    predict: (h) =>
      etsForecast(fit, h).map((v, i) => v + (parts ? (parts.seasonal[n - season + (i % season)] ?? 0) : 0)),
  };
}

function etsModel(forms: readonly EtsForm[]): Model {
  return {
    name: 'ets',
    minLength: () => 10,
    fit: (y, season) => fitStlEts(y, season, forms),
    chosenOn: (y, season) => etsModel([fitStlEts(y, season, forms).form]),
  };
}

/** Exponential smoothing, the form (none, trend, damped trend) chosen by AICc. */
export const ets: Model = etsModel(ETS_FORMS);
