import type { RegressorEffect } from './regressors.js';

/** D: one value a day; W: one value a week. */
export type Freq = 'D' | 'W';

/** combination: the median of the best few candidates in the backtest (combination.ts). */
export type ModelName = 'naive' | 'seasonal_naive' | 'mean' | 'croston' | 'tsb' | 'ets' | 'mstl' | 'theta' | 'combination';

/** A model fitted to one history, ready to forecast from its end. */
export interface Fitted {
  /** called once per fit */
  predict(horizon: number): number[];
}

/**
 * One forecasting method. `season` is the main seasonal period of the data
 * (7 for daily, 52 for weekly when there are two years, else 1).
 */
export interface Model {
  readonly name: ModelName;
  /** fewest points it needs to fit */
  minLength(season: number): number;
  fit(y: readonly number[], season: number): Fitted;
  /**
   * This model with its form chosen once on the whole history (say, which ETS
   * variant), so that refits at the backtest origins skip the search.
   */
  chosenOn?(y: readonly number[], season: number): Model;
}

/** One forecast step with its calibrated bounds. */
export interface ForecastPoint {
  date: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/** How well a model did in the rolling-origin backtest (per series). */
export interface BacktestScore {
  model: ModelName;
  /** mean absolute error over every backtest step */
  mae: number;
  /** mae divided by the in-sample one-season naive error; null when that scale is zero */
  mase: number | null;
  steps: number;
  /** absolute errors over actual demand; null when no demand was there to scale by (absent on forecasts stored before it) */
  wape?: number | null;
  /** mean actual demand over the backtest steps (absent on forecasts stored before it) */
  meanActual?: number;
  /** mean of forecast minus actual: above zero, over-forecast */
  bias?: number;
  /**
   * Share of backtest actuals inside the 80 and 95 % bounds, each origin's bounds
   * made from the other origins' errors only (an honest, out-of-sample figure);
   * null with a single origin.
   */
  cover80?: number | null;
  cover95?: number | null;
}

export interface SeriesForecast {
  points: ForecastPoint[];
  model: ModelName;
  /** plain words on anything unusual: short history, gaps, negatives, fallbacks */
  reasons: string[];
  /** the backtest of each candidate; empty when the history was too short to backtest */
  backtest: BacktestScore[];
  /** the weather and event effects the forecast was scaled by; empty when none was used */
  regressors: RegressorEffect[];
}
