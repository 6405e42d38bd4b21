import { describe, expect, it } from 'vitest';
import { historiesOf } from '../../src/forecast/models/backtest.js';
import { seasonalSplit } from '../../src/forecast/models/decomposed.js';
import { withSharing } from '../../src/forecast/models/shared.js';
import { mstlDecompose, stlReach } from '../../src/forecast/models/stl.js';
import { rng } from '../../bench/forecast/simulate.js';

/** two years of days: a level with a drift, a weekly shape, a yearly wave, noise */
function days(seed: number, n = 716): number[] {
  const r = rng(seed);
  const week = [0.7, 0.8, 0.9, 1, 1.4, 1.6, 0.6];
  return Array.from({ length: n }, (_, t) => (20 + 0.01 * t) * week[t % 7]! * (1 + 0.3 * Math.sin(t / 58)) + 6 * (r() - 0.5));
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
};

describe('a backtest history split from its whole history', () => {
  it('is the split of the history itself, to rounding, at every backtest origin', () => {
    for (const seed of [1, 2, 3]) {
      const y = days(seed);
      withSharing(() => {
        const historyAt = historiesOf(y);
        const whole = seasonalSplit(y, [7]);
        for (const origin of [702, 695, 688, 681, 674, 600]) {
          const prefix = historyAt(origin);
          const quick = seasonalSplit(prefix, [7]);
          const direct = mstlDecompose(prefix, [7]);
          expect(quick.adjusted.length).toBe(origin);
          // made from the whole's: its first values are the whole's own
          expect(quick.seasonals[0]![0]).toBe(whole.seasonals[0]![0]);
          expect(worst(quick.seasonals[0]!, direct.seasonals[0]!)).toBeLessThan(1e-9);
          expect(worst(quick.adjusted, direct.adjusted)).toBeLessThan(1e-9);
        }
      });
    }
  });

  it('near the end is not the whole history’s: that part is decomposed again', () => {
    const y = days(4);
    const whole = seasonalSplit(y, [7]);
    const direct = mstlDecompose(y.slice(0, 702), [7]);
    const reach = stlReach(7);
    // the last weeks of the shorter history differ from the longer one's...
    expect(worst(whole.seasonals[0]!.subarray(702 - 28, 702), direct.seasonals[0]!.subarray(702 - 28))).toBeGreaterThan(1e-3);
    // ...and further back than the reach they do not
    expect(worst(whole.seasonals[0]!.subarray(0, 702 - reach), direct.seasonals[0]!.subarray(0, 702 - reach))).toBeLessThan(1e-9);
  });
});
