import type { BacktestRun } from './backtest.js';

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
  const def = order.find((ranked) => ranked.run.model.name === 'ets') ?? order.find((ranked) => ranked.run.model.name === 'seasonal_naive');
  const best = order[0];
  if (!def || !best || best === def || best.mae < (1 - MARGIN) * def.mae) return order;
  return [def, ...order.filter((ranked) => ranked !== def)];
}
