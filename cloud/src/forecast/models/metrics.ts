/** In-sample mean absolute error of the one-season naive forecast: the MASE scale. */
export function naiveScale(y: readonly number[], season: number): number {
  const m = y.length > season ? season : 1;
  let sum = 0;
  let n = 0;
  for (let t = m; t < y.length; t++) {
    sum += Math.abs((y[t] ?? 0) - (y[t - m] ?? 0));
    n += 1;
  }
  return n === 0 ? 0 : sum / n;
}

export const meanAbs = (errors: readonly number[]): number =>
  errors.length === 0 ? 0 : errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length;

/** Conformal quantile of absolute errors: the ⌈(n+1)·level⌉-th smallest, the largest when n is small (`isSorted`: already ascending). */
export function conformalQuantile(absErrors: ArrayLike<number>, level: number, isSorted = false): number {
  if (absErrors.length === 0) return 0;
  const sorted = isSorted ? absErrors : Float64Array.from(absErrors).sort();
  const k = Math.ceil((sorted.length + 1) * level);
  return sorted[Math.min(k, sorted.length) - 1] ?? 0;
}
