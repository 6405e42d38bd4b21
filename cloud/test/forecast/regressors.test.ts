import { describe, expect, it } from 'vitest';
import { dateOf, dayNumber, forecastSeries, type RawPoint, type RegressorDays } from '../../src/forecast/models/index.js';
import { rng } from '../../bench/forecast/simulate.js';

const START = '2025-01-06';
const HISTORY = 420;
const HORIZON = 28;
const WEEK = [0.8, 0.8, 0.9, 1, 1.4, 1.6, 0.7];

/**
 * A bar item selling ~20 a day with a weekly shape and ±10 % noise, whose sales
 * rise by `lift` on event days (one in nine days, so every weekday has some).
 */
function barItem(lift: number, seed = 7): { points: RawPoint[]; days: RegressorDays } {
  const r = rng(seed);
  const days: RegressorDays = {};
  const points: RawPoint[] = [];
  for (let d = 0; d < HISTORY + HORIZON; d++) {
    const date = dateOf(dayNumber(START) + d);
    const event = d % 9 === 4 ? 1 : 0;
    days[date] = { event };
    if (d < HISTORY) points.push({ date, quantity: Math.round(20 * WEEK[d % 7]! * (event ? lift : 1) * (0.9 + 0.2 * r())) });
  }
  return { points, days };
}

describe('weather and events as regressors', () => {
  it('learn an event lift from the history and raise the forecast on the coming event days', () => {
    const { points, days } = barItem(1.8);
    const f = forecastSeries(points, { horizon: HORIZON, freq: 'D', regressors: days });
    const event = f.regressors.find((e) => e.name === 'event');
    expect(event?.factor).toBeGreaterThan(1.5);
    expect(event?.factor).toBeLessThan(2.1);
    expect(f.reasons.join(' ')).toMatch(/weather and events used \(event ×/);
    const plain = forecastSeries(points, { horizon: HORIZON, freq: 'D' });
    for (const [i, p] of f.points.entries()) {
      const isEvent = days[p.date]?.event === 1;
      const ratio = p.mean / plain.points[i]!.mean;
      if (isEvent) expect(ratio, p.date).toBeGreaterThan(1.4);
      else expect(ratio, p.date).toBeCloseTo(1, 1);
      expect(p.lo80).toBeLessThanOrEqual(p.mean);
      expect(p.hi95).toBeGreaterThanOrEqual(p.hi80);
    }
  });

  it('are left out, saying so, when they do not move sales', () => {
    const { points, days } = barItem(1);
    const f = forecastSeries(points, { horizon: HORIZON, freq: 'D', regressors: days });
    expect(f.regressors).toEqual([]);
    expect(f.reasons.join(' ')).toMatch(/did not improve the backtest: not used/);
  });

  it('need enough days behind them', () => {
    const { points, days } = barItem(1.8);
    const twoEvents = Object.fromEntries(Object.entries(days).map(([date, v], i) => [date, i < 15 ? v : { event: 0 }]));
    const f = forecastSeries(points, { horizon: HORIZON, freq: 'D', regressors: twoEvents });
    expect(f.regressors).toEqual([]);
    expect(f.reasons.join(' ')).toMatch(/too little history with weather or events/);
  });

  it('are used on daily series only', () => {
    const { points, days } = barItem(1.8);
    const weeks = points.filter((_, i) => i % 7 === 0).map((p) => ({ ...p, quantity: 140 }));
    const f = forecastSeries(weeks, { horizon: 4, freq: 'W', regressors: days });
    expect(f.regressors).toEqual([]);
    expect(f.reasons.join(' ')).toMatch(/daily series of regular sellers only/);
  });
});
