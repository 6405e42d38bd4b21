import type { BacktestRun } from './backtest.js';
import { conformalQuantile, meanAbs } from './metrics.js';
import type { BacktestScore } from './types.js';

/**
 * Coverage of conformal bounds, leaving one backtest origin out at a time: the
 * bounds for an origin's steps come from the errors of the other origins, as
 * the stored bounds come from errors the forecast itself did not see.
 */
function crossCoverage(run: BacktestRun, level: number): number | null {
  const origins = [...new Set(run.steps.map((s) => s.origin))];
  if (origins.length < 2) return null;
  let inside = 0;
  for (const o of origins) {
    const others = run.errors.filter((_, i) => run.steps[i]?.origin !== o).map(Math.abs);
    const q = conformalQuantile(others, level);
    run.errors.forEach((e, i) => {
      if (run.steps[i]?.origin === o && Math.abs(e) <= q) inside += 1;
    });
  }
  return inside / run.errors.length;
}

/** A candidate's backtest figures: MAE, MASE against `scale`, WAPE, bias and interval coverage. */
export function scoreRun(run: BacktestRun, y: readonly number[], scale: number): BacktestScore {
  const mae = meanAbs(run.errors);
  const actual = run.steps.reduce((a, s) => a + (y[s.t] ?? 0), 0);
  const n = run.errors.length;
  return {
    model: run.model.name,
    mae,
    mase: scale > 0 ? mae / scale : null,
    steps: n,
    wape: actual > 0 ? (mae * n) / actual : null,
    meanActual: n === 0 ? 0 : actual / n,
    bias: n === 0 ? 0 : run.errors.reduce((a, e) => a + e, 0) / n,
    cover80: crossCoverage(run, 0.8),
    cover95: crossCoverage(run, 0.95),
  };
}
