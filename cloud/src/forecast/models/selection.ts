import type { BacktestRun } from './backtest.js';
import { meanAbs } from './metrics.js';

/** How much better in the backtest another model must be to replace the default. */
const MARGIN = 0.1;

/**
 * Best backtest first, except that the default (ets where it ran, else
 * seasonal naive) keeps first place unless beaten by more than MARGIN: a
 * backtest of a few origins is noisy, and picking its lucky winner costs more
 * out of sample than it gains (and makes the winner's residuals too small).
 */
export function rank<R extends { run: BacktestRun; mae: number }>(runs: readonly R[]): R[] {
  const order = [...runs].sort((a, b) => a.mae - b.mae);
  const def = order.find((x) => x.run.model.name === 'ets') ?? order.find((x) => x.run.model.name === 'seasonal_naive');
  const best = order[0];
  if (!def || !best || best === def || best.mae < (1 - MARGIN) * def.mae) return order;
  return [def, ...order.filter((x) => x !== def)];
}

/**
 * The errors of the whole procedure (choose by backtest, then forecast), not of its winner
 * alone: for each backtest origin, the candidates are ranked on the other origins and the
 * error is that origin's of the model ranked first there. The winner's own errors are the
 * ones that made it win, so they are smaller than its errors to come (a winner's curse:
 * on the simulator's weekly series, naive lag-1 won where its backtest was lucky and its
 * 80 % bounds held 56 % of the held-out weeks). Bounds from these errors are honest for
 * the procedure as conformal bounds are for one model. The winner's own errors where
 * there is a single origin.
 */
export function selectionErrors(runs: readonly BacktestRun[], winner: BacktestRun): number[] {
  const origins = [...new Set(winner.steps.map((s) => s.origin))];
  if (origins.length < 2) return winner.errors;
  const out: number[] = [];
  for (const o of origins) {
    const held = (r: BacktestRun) => r.errors.filter((_, i) => r.steps[i]?.origin === o);
    const others = (r: BacktestRun) => r.errors.filter((_, i) => r.steps[i]?.origin !== o);
    // only candidates scored at this origin and on some other can be ranked and scored
    const scored = runs.filter((r) => held(r).length > 0 && others(r).length > 0);
    const first = rank(scored.map((run) => ({ run, mae: meanAbs(others(run)) })))[0]?.run ?? winner;
    out.push(...held(first));
  }
  return out;
}
