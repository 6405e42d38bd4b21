import type { BacktestRun } from './backtest.js';
import { conformalQuantile, meanAbs } from './metrics.js';
import type { BacktestScore } from './types.js';

/**
 * Coverage of conformal bounds, leaving one backtest origin out at a time: the
 * bounds for an origin's steps come from the errors of the other origins, as
 * the stored bounds come from errors the forecast itself did not see.
 */
function crossCoverage(run: BacktestRun): { cover80: number | null; cover95: number | null } {
  const n = run.errors.length;
  // each step's origin as an ordinal, and the absolute errors, read once
  const ordinals = new Map<number, number>();
  const at = new Int32Array(n);
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const origin = run.steps[i]!.origin;
    let k = ordinals.get(origin);
    if (k === undefined) ordinals.set(origin, (k = ordinals.size));
    at[i] = k;
    abs[i] = Math.abs(run.errors[i]!);
  }
  if (ordinals.size < 2) return { cover80: null, cover95: null };
  let inside80 = 0;
  let inside95 = 0;
  const buffer = new Float64Array(n);
  for (let k = 0; k < ordinals.size; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) if (at[i] !== k) buffer[m++] = abs[i]!;
    // a typed array sorts by value without a comparator; sorted once for both levels
    const others = buffer.subarray(0, m).sort();
    const q80 = conformalQuantile(others, 0.8, true);
    const q95 = conformalQuantile(others, 0.95, true);
    for (let i = 0; i < n; i++) {
      if (at[i] !== k) continue;
      if (abs[i]! <= q80) inside80 += 1;
      if (abs[i]! <= q95) inside95 += 1;
    }
  }
  return { cover80: inside80 / n, cover95: inside95 / n };
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
    ...crossCoverage(run),
  };
}
