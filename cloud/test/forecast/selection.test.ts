import { describe, expect, it } from 'vitest';
import type { BacktestRun } from '../../src/forecast/models/backtest.js';
import { rank } from '../../src/forecast/models/selection.js';
import { combine, combinedRun, median } from '../../src/forecast/models/combination.js';
import { ets, forecastSeries, type Model } from '../../src/forecast/models/index.js';
import { simulate } from '../../bench/forecast/simulate.js';

const model = (name: Model['name']): Model => ({ name, minLength: () => 1, fit: () => ({ predict: () => [] }) });
/** a run with one error per origin, origins 0, 1, 2… */
const run = (name: Model['name'], errors: number[]): BacktestRun => ({
  model: model(name),
  errors,
  steps: errors.map((_, i) => ({ t: i, predicted: 0, origin: i })),
});

describe('choosing by backtest, and the errors the bounds come from', () => {
  it('ets stays first unless another model is more than 10 % better', () => {
    const order = (a: number, b: number) =>
      rank([
        { run: run('naive', [a]), mae: a },
        { run: run('ets', [b]), mae: b },
      ])[0]!.run.model.name;
    expect(order(0.95, 1)).toBe('ets');
    expect(order(0.85, 1)).toBe('naive');
  });

  it('each origin gets the error of the model chosen on the other origins, not the winner’s own', () => {
    // naive is lucky at origins 0 and 1 and far off at 2; ets is steady
    const naive = run('naive', [0.1, 0.1, 5]);
    const ets = run('ets', [1, 1, 1]);
    // on all three origins ets wins (mean 1 against 1.73), but leaving origin 2 out naive wins
    expect(combinedRun([naive, ets], 1, ets.model).errors).toEqual([1, 1, 5]);
    // a single origin: nothing to leave out, the winner's own errors
    expect(combinedRun([run('naive', [0.1])], 1, model('naive')).errors).toEqual([0.1]);
  });

  it('the combination forecasts the step-by-step median, and its backtest is of that median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(
      combine([
        [1, 10],
        [2, 20],
        [9, 0],
      ]),
    ).toEqual([2, 10]);
    // three candidates, two origins, actual 0 everywhere (predicted 0 less the error): at each
    // origin the median of the three ranked on the other one
    const a = run('ets', [1, 1]);
    const b = run('theta', [2, -4]);
    const c = run('naive', [10, 3]);
    for (const r of [a, b, c]) r.steps = r.errors.map((e, i) => ({ t: i, predicted: e, origin: i }));
    // origin 0 ranked on origin 1: a (1), c (3), b (4) → median of 1, 10, 2 = 2; origin 1 ranked on origin 0: a, b, c → median of 1, -4, 3 = 1
    expect(combinedRun([a, b, c], 3, model('combination')).errors).toEqual([2, 1]);
    // the two best: the mean of the two
    expect(combinedRun([a, b, c], 2, model('combination')).errors).toEqual([5.5, -1.5]);
  });

  it('a forecast names the three it is the median of and keeps the backtest of that median', () => {
    const s = simulate({ seed: 3, daily: 1, weekly: 0, intermittentShare: 0 })[0]!;
    const f = forecastSeries(s.train, { horizon: 14, freq: 'D' });
    expect(f.model).toBe('combination');
    expect(f.reasons.some((r) => /^the median of \w+, \w+, \w+, the 3 best in the backtest$/.test(r))).toBe(true);
    const own = f.backtest.find((b) => b.model === 'combination');
    expect(own?.steps).toBeGreaterThan(0);
    expect(own?.cover80).not.toBeNull();
    // one candidate: that one, as before
    expect(forecastSeries(s.train, { horizon: 14, freq: 'D', models: [ets] }).model).toBe('ets');
  });

  it('weekly series of four years: 80 and 95 % bounds hold about 80 and 95 % of the held-out weeks', () => {
    // backtest origins over a whole year; from the last 24 weeks alone these were ~75 and ~90 %
    const sims = simulate({ seed: 2, daily: 0, weekly: 24 }).filter((s) => s.freq === 'W');
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (const s of sims) {
      const f = forecastSeries(s.train, { horizon: s.test.length, freq: 'W' });
      s.test.forEach((a, i) => {
        const p = f.points[i];
        if (a === null || !p) return;
        n += 1;
        in80 += a >= p.lo80 && a <= p.hi80 ? 1 : 0;
        in95 += a >= p.lo95 && a <= p.hi95 ? 1 : 0;
      });
    }
    expect(in80 / n).toBeGreaterThan(0.75);
    expect(in80 / n).toBeLessThan(0.9);
    expect(in95 / n).toBeGreaterThan(0.92);
  });
});
