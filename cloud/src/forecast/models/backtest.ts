import { notePrefix } from './decomposed.js';
import type { Model } from './types.js';

export interface BacktestRun {
  model: Model;
  /** forecast minus actual, each step of each origin whose actual is known */
  errors: number[];
  /** for each error: the period it is of (index into y), the forecast made for it and the origin it was made from */
  steps: { t: number; predicted: number; origin: number }[];
}

export interface BacktestOptions {
  horizon: number;
  season: number;
  /** how many forecast origins, newest first, `stride` steps apart */
  origins: number;
  stride: number;
}

/** The origins (training lengths) a model can be backtested from, newest first. */
export function originsFor(n: number, model: Model, options: BacktestOptions): number[] {
  const out: number[] = [];
  for (let k = 0; k < options.origins; k++) {
    const origin = n - options.horizon - k * options.stride;
    if (origin < model.minLength(options.season)) break;
    out.push(origin);
  }
  return out;
}

/** y[0..origin) for each origin, sliced once and handed to every candidate (ets and theta then share its seasonal split). */
export function historiesOf(y: readonly number[]): (origin: number) => number[] {
  const made = new Map<number, number[]>();
  return (origin) => {
    let h = made.get(origin);
    if (!h) {
      made.set(origin, (h = y.slice(0, origin)));
      notePrefix(h, y);
    }
    return h;
  };
}

/**
 * Rolling-origin backtest: fit on y[0..origin), forecast the next `horizon`
 * steps, compare with what happened. Unknown actuals (censored days) are not
 * scored. A model that fails to fit at some origin is out (undefined).
 */
export function backtest(
  y: readonly number[],
  known: readonly boolean[],
  model: Model,
  options: BacktestOptions,
  historyAt: (origin: number) => readonly number[] = (origin) => y.slice(0, origin),
): BacktestRun | undefined {
  const origins = originsFor(y.length, model, options);
  if (origins.length === 0) return undefined;
  const errors: number[] = [];
  const steps: BacktestRun['steps'] = [];
  try {
    for (const origin of origins) {
      const forecast = model.fit(historyAt(origin), options.season).predict(options.horizon);
      for (let h = 0; h < options.horizon; h++) {
        const t = origin + h;
        const predicted = Math.max(0, forecast[h] ?? NaN);
        if (!known[t]) continue;
        if (!Number.isFinite(predicted)) return undefined;
        errors.push(predicted - (y[t] ?? 0));
        steps.push({ t, predicted, origin });
      }
    }
  } catch {
    return undefined;
  }
  return { model, errors, steps };
}
