import type { StoredForecast } from './forecast.repository.js';
import type { BacktestScore, ModelName } from './models/index.js';

/** A backtest score as the API shows it: figures a forecast stored before they were kept are null. */
export interface ScoreView {
  model: ModelName;
  mae: number;
  mase: number | null;
  steps: number;
  wape: number | null;
  bias: number | null;
  cover80: number | null;
  cover95: number | null;
}

export const scoreView = (b: BacktestScore): ScoreView => ({
  model: b.model,
  mae: b.mae,
  mase: b.mase,
  steps: b.steps,
  wape: b.wape ?? null,
  bias: b.bias ?? null,
  cover80: b.cover80 ?? null,
  cover95: b.cover95 ?? null,
});

export interface Pooled {
  series: number;
  steps: number;
  mase: number | null;
  wape: number | null;
  bias: number | null;
  cover80: number | null;
  cover95: number | null;
}

/** Mean of `value` weighted by backtest steps over the scores that have it; null when none has. */
function stepWeighted(scores: readonly BacktestScore[], value: (score: BacktestScore) => number | null | undefined): number | null {
  let sum = 0;
  let steps = 0;
  for (const score of scores) {
    const figure = value(score);
    if (figure === null || figure === undefined) continue;
    sum += figure * score.steps;
    steps += score.steps;
  }
  return steps === 0 ? null : sum / steps;
}

/**
 * One method's figures over many series: MASE as the mean of the series' (each
 * already on its own scale), WAPE as all absolute errors over all demand, bias
 * and coverage per backtest day. Scores stored before a figure was kept add nothing to it.
 */
export function pool(scores: readonly BacktestScore[]): Pooled {
  const mases = scores.map((score) => score.mase).filter((m): m is number => m !== null);
  let absErr = 0;
  let demand = 0;
  for (const score of scores) {
    if (score.meanActual === undefined) continue;
    absErr += score.mae * score.steps;
    demand += score.meanActual * score.steps;
  }
  return {
    series: scores.length,
    steps: scores.reduce((total, score) => total + score.steps, 0),
    mase: mases.length === 0 ? null : mases.reduce((a, b) => a + b, 0) / mases.length,
    wape: demand > 0 ? absErr / demand : null,
    bias: stepWeighted(scores, (score) => score.bias),
    cover80: stepWeighted(scores, (score) => score.cover80),
    cover95: stepWeighted(scores, (score) => score.cover95),
  };
}

/** Per series the chosen model next to seasonal naive and naive lag-1, and the three pooled over the venue. */
export function accuracyMetrics(venueId: string, forecasts: readonly StoredForecast[]) {
  const pick = (f: StoredForecast, model: ModelName) => f.backtest.find((score) => score.model === model);
  const raw = forecasts.map((f) => ({ f, chosen: pick(f, f.model), seasonalNaive: pick(f, 'seasonal_naive'), naive: pick(f, 'naive') }));
  const view = (b: BacktestScore | undefined) => (b ? scoreView(b) : null);
  const of = (k: 'chosen' | 'seasonalNaive' | 'naive') =>
    pool(raw.map((row) => row[k]).filter((score): score is BacktestScore => score !== undefined));
  return {
    venueId,
    series: raw.map(({ f, chosen, seasonalNaive, naive }) => ({
      itemId: f.itemId,
      locationId: f.locationId,
      model: f.model,
      chosen: view(chosen),
      seasonalNaive: view(seasonalNaive),
      naive: view(naive),
      through: f.through,
      fittedAt: new Date(f.fittedAt),
    })),
    overall: { chosen: of('chosen'), seasonalNaive: of('seasonalNaive'), naive: of('naive') },
  };
}
