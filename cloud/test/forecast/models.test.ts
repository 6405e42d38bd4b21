import { describe, expect, it } from 'vitest';
import {
  conformalQuantile,
  croston,
  crostonForecast,
  ets,
  forecastSeries,
  naive,
  prepareSeries,
  seasonalNaive,
  tsbForecast,
  type RawPoint,
} from '../../src/forecast/models/index.js';
import { lineSlope, theta, thetaForecast } from '../../src/forecast/models/theta.js';
import { simulate } from '../../bench/forecast/simulate.js';

const daily = (values: readonly (number | null)[], start = Date.UTC(2025, 0, 6)): RawPoint[] =>
  values.map((quantity, i) => ({ date: new Date(start + i * 86_400_000).toISOString().slice(0, 10), quantity }));

describe('models on series with known answers', () => {
  it('naive repeats the last value, seasonal naive the last season', () => {
    expect(naive.fit([1, 2, 3], 1).predict(2)).toEqual([3, 3]);
    expect(seasonalNaive.fit([9, 9, 1, 2, 3], 3).predict(4)).toEqual([1, 2, 3, 1]);
  });

  it('Croston, worked by hand: demands 3 then 5, four periods apart, alpha 0.1 → 3.2 / 3.1', () => {
    // z = 3, p = 3 at the first demand; then z = 3 + 0.1·(5−3) = 3.2, p = 3 + 0.1·(4−3) = 3.1
    expect(crostonForecast([0, 0, 3, 0, 0, 0, 5])).toBeCloseTo(3.2 / 3.1, 10);
    expect(croston.fit([0, 0, 3, 0, 0, 0, 5], 1).predict(2)).toEqual([3.2 / 3.1, 3.2 / 3.1]);
  });

  it('Croston on a regular seller each period is simple exponential smoothing of the sizes', () => {
    // with a demand every period p stays 1 and z is SES with alpha 0.1: 2, 2.2, 2.38
    expect(crostonForecast([2, 4, 4])).toBeCloseTo(2.38, 10);
  });

  it('TSB, worked by hand: probability decays on empty periods, size smooths on demands', () => {
    // prob 1/2 at the first demand, then 0.45, 0.405, 0.4645; size 2 then 2.2
    expect(tsbForecast([0, 2, 0, 0, 4])).toBeCloseTo(0.4645 * 2.2, 10);
    // a seller that stopped: TSB decays towards zero, Croston does not
    const stopped = [3, 0, 3, 0, 3, ...new Array<number>(40).fill(0)];
    expect(tsbForecast(stopped)).toBeLessThan(0.1);
    expect(crostonForecast(stopped)).toBeGreaterThan(1);
  });

  it('ETS continues a level and a trend', () => {
    const flat = ets.fit(new Array<number>(60).fill(5), 1).predict(3);
    flat.forEach((v) => expect(v).toBeCloseTo(5, 3));
    const trend = ets
      .fit(
        Array.from({ length: 60 }, (_, i) => 10 + 2 * i),
        1,
      )
      .predict(2);
    expect(trend[0]).toBeCloseTo(130, 0);
    expect(trend[1]).toBeCloseTo(132, 0);
  });

  it('ETS with the weekly season keeps the weekly shape', () => {
    const week = [10, 11, 12, 13, 30, 35, 9];
    const f = ets
      .fit(
        Array.from({ length: 70 }, (_, i) => week[i % 7] ?? 0),
        7,
      )
      .predict(7);
    f.forEach((v, i) => expect(v).toBeCloseTo(week[i] ?? 0, 0));
  });

  it('Theta, worked by hand: SES level plus half the line slope, as forecast::thetaf', () => {
    expect(lineSlope([1, 3, 5, 7])).toBeCloseTo(2, 12);
    // level 10, α 0.5, slope 2, n 3: lift (1 − 0.5³) / 0.5 = 1.75; h = 1, 2 → 10 + 1·(0 + 1.75), 10 + 1·(1 + 1.75)
    expect(thetaForecast(10, 0.5, 2, 3, 2)).toEqual([11.75, 12.75]);
    // on a straight line SES follows the last point (α at its bound) and Theta adds half the slope a step
    const line = Array.from({ length: 60 }, (_, t) => 5 + 2 * t);
    theta
      .fit(line, 1)
      .predict(3)
      .forEach((v, i) => expect(v).toBeCloseTo(123 + (i + 1), 1));
  });

  it('the conformal quantile is the ⌈(n+1)·level⌉-th smallest absolute error', () => {
    const errs = Array.from({ length: 19 }, (_, i) => i + 1);
    expect(conformalQuantile(errs, 0.8)).toBe(16);
    expect(conformalQuantile(errs, 0.95)).toBe(19);
  });
});

describe('forecastSeries on bad input: a forecast with a plain reason, never NaN', () => {
  const allFinite = (f: ReturnType<typeof forecastSeries>): boolean =>
    f.points.every((p) => [p.mean, p.lo80, p.hi80, p.lo95, p.hi95].every(Number.isFinite));

  it('one point: the mean with wide bounds, and says the history is too short', () => {
    const f = forecastSeries(daily([4]), { horizon: 3, freq: 'D' });
    expect(f.model).toBe('mean');
    expect(f.points.map((p) => p.date)).toEqual(['2025-01-07', '2025-01-08', '2025-01-09']);
    expect(f.points[0]?.mean).toBe(4);
    expect(f.points[0]?.hi95).toBeGreaterThan(8);
    expect(f.reasons.join(' ')).toMatch(/too short to backtest/);
    expect(allFinite(f)).toBe(true);
  });

  it('all zeros: zero, and says there were no sales', () => {
    const f = forecastSeries(daily(new Array<number>(30).fill(0)), { horizon: 2, freq: 'D' });
    expect(f.points.map((p) => p.hi95)).toEqual([0, 0]);
    expect(f.reasons).toContain('no sales in the history: forecast zero');
  });

  it('every day a stock-out: zero, and says no demand was known', () => {
    const f = forecastSeries(daily([null, null, null]), { horizon: 2, freq: 'D' });
    expect(f.points.map((p) => p.mean)).toEqual([0, 0]);
    expect(f.reasons).toContain('no day of known demand: forecast zero');
  });

  it('gaps, negatives and duplicate dates are repaired and said', () => {
    const pts = daily(Array.from({ length: 60 }, (_, i) => 5 + (i % 7)));
    const bad = [...pts.slice(0, 20), ...pts.slice(25), { date: pts[3]?.date ?? '', quantity: 2 }, { ...pts[40]!, quantity: -3 }];
    const f = forecastSeries(bad, { horizon: 7, freq: 'D' });
    expect(f.reasons).toEqual(
      expect.arrayContaining([
        '2 duplicate date(s) summed',
        '1 negative quantit(ies) counted as zero',
        '5 missing date(s) counted as zero sales',
      ]),
    );
    expect(allFinite(f)).toBe(true);
  });

  it('a date that is not YYYY-MM-DD is refused by name', () => {
    expect(() => forecastSeries([{ date: '06/01/2025', quantity: 1 }], { horizon: 1, freq: 'D' })).toThrow(
      'date "06/01/2025" is not a calendar date in YYYY-MM-DD form',
    );
  });

  it('daily input summed into weeks for W, an unfinished last week left out', () => {
    const p = prepareSeries(daily(new Array<number>(17).fill(1)), 'W');
    expect(p.values).toEqual([7, 7]);
    expect(p.reasons).toEqual(['the last 3 day(s), less than a week, left out']);
  });
});

describe('stock-outs censor demand', () => {
  it('days at zero stock (unknown demand) do not pull the forecast down as zeros would', () => {
    const week = [10, 10, 10, 10, 20, 20, 10];
    const demand = Array.from({ length: 84 }, (_, i) => week[i % 7] ?? 0);
    const out = new Set([66, 67, 68, 69, 70, 71, 72, 78, 79, 80, 81]);
    const censored = forecastSeries(daily(demand.map((v, i) => (out.has(i) ? null : v))), { horizon: 7, freq: 'D' });
    const asZero = forecastSeries(daily(demand.map((v, i) => (out.has(i) ? 0 : v))), { horizon: 7, freq: 'D' });
    const total = (f: typeof censored): number => f.points.reduce((a, p) => a + p.mean, 0);
    expect(total(censored)).toBeCloseTo(90, -1);
    expect(total(asZero)).toBeLessThan(total(censored) - 5);
    expect(censored.reasons.join(' ')).toMatch(/11 period\(s\) of unknown demand/);
  });
});

describe('interval coverage on simulated sales', () => {
  it('the 80 and 95 % bounds cover about 80 and 95 % of a held-out tail', () => {
    const sims = simulate({ seed: 7, daily: 6, weekly: 6, dailyDays: 400 });
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (const s of sims) {
      const f = forecastSeries(s.train, { horizon: s.test.length, freq: s.freq });
      s.test.forEach((a, i) => {
        const p = f.points[i];
        if (a === null || !p) return;
        n += 1;
        in80 += a >= p.lo80 && a <= p.hi80 ? 1 : 0;
        in95 += a >= p.lo95 && a <= p.hi95 ? 1 : 0;
      });
    }
    expect(in80 / n).toBeGreaterThan(0.65);
    expect(in80 / n).toBeLessThan(0.95);
    expect(in95 / n).toBeGreaterThan(0.85);
  });
});
