/** Pooling backtest figures over a venue's series, with forecasts stored before the figures were kept. */
import { describe, expect, it } from 'vitest';
import { pool, scoreView } from '../../src/forecast/accuracy.js';
import { mstlDecompose, stl } from '../../src/forecast/models/stl.js';
import type { BacktestScore } from '../../src/forecast/models/index.js';

describe('accuracy pooling', () => {
  const a: BacktestScore = { model: 'ets', mae: 2, mase: 0.5, steps: 10, wape: 0.2, meanActual: 10, bias: 1, cover80: 0.8, cover95: 1 };
  const b: BacktestScore = { model: 'ets', mae: 1, mase: 1.5, steps: 30, wape: 0.5, meanActual: 2, bias: -1, cover80: 0.6, cover95: 0.9 };
  const old: BacktestScore = { model: 'ets', mae: 5, mase: 2, steps: 20 };

  it('MASE is the mean of the series; WAPE all errors over all demand; bias and coverage per step', () => {
    expect(pool([a, b])).toEqual({
      series: 2,
      steps: 40,
      mase: 1,
      wape: (2 * 10 + 1 * 30) / (10 * 10 + 2 * 30),
      bias: (10 - 30) / 40,
      cover80: (8 + 18) / 40,
      cover95: (10 + 27) / 40,
    });
  });

  it('a score stored before WAPE, bias and coverage were kept shows them as null and adds only its MASE', () => {
    expect(scoreView(old)).toEqual({ model: 'ets', mae: 5, mase: 2, steps: 20, wape: null, bias: null, cover80: null, cover95: null });
    const p = pool([a, old]);
    expect(p).toMatchObject({ series: 2, steps: 30, mase: 1.25, wape: 0.2, bias: 1, cover80: 0.8, cover95: 1 });
    expect(pool([old])).toMatchObject({ wape: null, bias: null, cover80: null });
  });
});

describe('STL and MSTL', () => {
  it('splits a weekly pattern on a trend into the pattern (centred) and the trend', () => {
    const week = [0, 1, 2, 3, 10, 12, -28];
    const y = Array.from({ length: 140 }, (_, i) => 50 + 0.1 * i + (week[i % 7] ?? 0));
    const d = stl(y, 7);
    for (let i = 14; i < 126; i++) {
      expect(d.seasonal[i]).toBeCloseTo(week[i % 7] ?? 0, 1);
      expect(d.trend[i]).toBeCloseTo(50 + 0.1 * i, 1);
    }
  });

  it('MSTL takes a weekly and a yearly season apart', () => {
    const week = [0, 1, 2, 3, 10, 12, -28];
    const year = (i: number) => 20 * Math.sin((2 * Math.PI * i) / 365);
    const y = Array.from({ length: 800 }, (_, i) => 100 + (week[i % 7] ?? 0) + year(i));
    const { seasonals, adjusted } = mstlDecompose(y, [7, 365]);
    for (let i = 300; i < 500; i++) {
      expect(seasonals[0]![i]).toBeCloseTo(week[i % 7] ?? 0, 0);
      expect(Math.abs(seasonals[1]![i]! - year(i))).toBeLessThan(2);
      expect(adjusted[i]).toBeCloseTo(100, -0.5);
    }
  });
});
