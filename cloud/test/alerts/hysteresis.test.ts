import { describe, expect, it } from 'vitest';
import { due, IDLE, step, type ConditionState, type Hysteresis, type Verdict } from '../../src/alerts/hysteresis.js';

const h: Hysteresis = { raiseAfterReadings: 3, raiseAfterMs: 10 * 60_000, clearAfterReadings: 2 };
const t0 = Date.parse('2026-11-20T18:00:00Z');

/** Feeds verdicts one minute apart and returns the actions taken. */
function run(verdicts: Verdict[], hy = h, start: ConditionState = IDLE) {
  let s = start;
  const actions: string[] = [];
  verdicts.forEach((v, i) => {
    const r = step(s, v, new Date(t0 + i * 60_000), hy);
    s = r.state;
    if (r.action) actions.push(`${i}:${r.action}`);
  });
  return { actions, state: s };
}

describe('hysteresis', () => {
  it('raises after K breach readings, not before', () => {
    expect(run(['breach', 'breach']).actions).toEqual([]);
    expect(run(['breach', 'breach', 'breach']).actions).toEqual(['2:raise']);
  });

  it('raises once when readings flap in the band around the threshold', () => {
    const flap: Verdict[] = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'band' : 'breach'));
    expect(run(flap).actions).toEqual(['4:raise']);
  });

  it('a clear reading starts the count again', () => {
    expect(run(['breach', 'breach', 'clear', 'breach', 'breach']).actions).toEqual([]);
  });

  it('resolves only after consecutive clear readings; the band does not clear', () => {
    const { actions } = run(['breach', 'breach', 'breach', 'clear', 'band', 'clear', 'clear']);
    expect(actions).toEqual(['2:raise', '6:resolve']);
  });

  it('raises on duration when readings are sparse', () => {
    let r = step(IDLE, 'breach', new Date(t0), h);
    expect(r.raiseAt?.toISOString()).toBe(new Date(t0 + 600_000).toISOString());
    r = step(r.state, 'breach', new Date(t0 + 601_000), h);
    expect(r.action).toBe('raise');
  });

  it('due() raises a pending breach once its time has come, with no new reading', () => {
    const pending = step(IDLE, 'breach', new Date(t0), { ...h, raiseAfterReadings: Infinity }).state;
    expect(due(pending, new Date(t0 + 599_000), h).action).toBeNull();
    const fired = due(pending, new Date(t0 + 600_000), h);
    expect(fired.action).toBe('raise');
    expect(due(fired.state, new Date(t0 + 700_000), h).action).toBeNull();
    expect(due(IDLE, new Date(t0 + 700_000), h).action).toBeNull();
  });
});
