/** The forecasting core: pure, shared by the cloud service and `npm run forecast`. */
export { ALL_MODELS, forecastSeries, seasonOf, type ForecastOptions } from './forecast.js';
export { prepareSeries, fillUnknown, dayNumber, dateOf, type RawPoint, type PreparedSeries } from './series.js';
export { naiveScale, conformalQuantile, meanAbs } from './metrics.js';
export { naive, seasonalNaive, mean, croston, tsb, crostonForecast, tsbForecast } from './simple.js';
export { ets, mstl } from './ets.js';
export { theta } from './theta.js';
export { COMBINED } from './combination.js';
export type { BacktestScore, ForecastPoint, Freq, Model, ModelName, SeriesForecast } from './types.js';
export { fitRegressors, factorOn, type RegressorDays, type RegressorEffect, type RegressorName } from './regressors.js';
