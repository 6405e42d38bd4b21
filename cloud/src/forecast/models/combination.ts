import type { BacktestRun } from './backtest.js';
import { rank } from './selection.js';
import type { Fitted, Model } from './types.js';

/**
 * How many of the best-ranked candidates the forecast is the median of. Combining a few good
 * forecasts beats picking the one that did best in a short backtest (Bates and Granger 1969;
 * the M3 and M4 competitions, where combinations of exponential smoothing and Theta ranked
 * near the top); the median of three leaves out a member that is far off on its own
 * (Jose and Winkler 2008), as naive lag-1 often is after a lucky backtest.
 */
export const COMBINED = 3;

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The step-by-step median of forecasts of the same horizon. */
export function combine(forecasts: readonly (readonly number[])[]): number[] {
  const horizon = Math.min(...forecasts.map((f) => f.length));
  return Array.from({ length: horizon }, (_, h) => median(forecasts.map((f) => f[h]!)));
}

/** A model that forecasts the median of its members' forecasts. */
export function combination(members: readonly Model[]): Model {
  return {
    name: 'combination',
    minLength: (season) => Math.max(...members.map((m) => m.minLength(season))),
    fit: (y, season): Fitted => {
      const fits = members.map((m) => m.fit(y, season));
      return { predict: (h) => combine(fits.map((f) => f.predict(h))) };
    },
  };
}

/**
 * The backtest of the whole procedure (rank the candidates by backtest, forecast the median of
 * the best `k`), not of its members: at each origin the candidates are ranked on the other
 * origins and the error is that origin's of the median of the `k` ranked first there. The
 * members' own errors are the ones that ranked them, so they are smaller than their errors to
 * come (a winner's curse: on the simulator's weekly series, naive lag-1 won where its backtest
 * was lucky and its 80 % bounds then held 56 % of the held-out weeks); bounds from these
 * errors are honest for the procedure as conformal bounds are for one model. With a single
 * origin there is nothing to leave out: the ranking on it.
 */
export function combinedRun(runs: readonly BacktestRun[], k: number, model: Model): BacktestRun {
  // each run's steps by origin (their indices), and its absolute errors summed by origin
  const table = runs.map((run) => {
    const steps = new Map<number, number[]>();
    const sums = new Map<number, number>();
    let total = 0;
    run.steps.forEach((s, i) => {
      const a = Math.abs(run.errors[i]!);
      total += a;
      sums.set(s.origin, (sums.get(s.origin) ?? 0) + a);
      const list = steps.get(s.origin);
      if (list) list.push(i);
      else steps.set(s.origin, [i]);
    });
    return { run, steps, sums, total };
  });
  const origins = [...new Set(runs.flatMap((run) => run.steps.map((step) => step.origin)))];
  const out: BacktestRun = { model, errors: [], steps: [] };
  for (const origin of origins) {
    const ranked = rank(
      table.flatMap((row) => {
        const held = row.steps.get(origin);
        if (!held) return [];
        const n = origins.length < 2 ? row.run.errors.length : row.run.errors.length - held.length;
        const sum = origins.length < 2 ? row.total : row.total - (row.sums.get(origin) ?? 0);
        return n > 0 ? [{ run: row.run, row, mae: sum / n }] : [];
      }),
    ).slice(0, k);
    const lead = ranked[0];
    if (!lead) continue;
    // the steps every member scored at this origin (censored days are skipped by all alike)
    const byT = ranked.map(({ run, row }) => new Map(row.steps.get(origin)!.map((i) => [run.steps[i]!.t, i])));
    const predictions: number[] = [];
    for (const i of lead.row.steps.get(origin)!) {
      const step = lead.run.steps[i]!;
      predictions.length = 0;
      for (let m = 0; m < ranked.length; m++) {
        const j = byT[m]!.get(step.t);
        if (j !== undefined) predictions.push(ranked[m]!.run.steps[j]!.predicted);
      }
      if (predictions.length < ranked.length) continue;
      const predicted = median(predictions);
      const actual = step.predicted - lead.run.errors[i]!;
      out.errors.push(predicted - actual);
      out.steps.push({ t: step.t, predicted, origin: origin });
    }
  }
  return out;
}
