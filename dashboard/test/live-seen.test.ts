// The live socket's record of the events it applied: a replay's late-committed events that this
// screen had pushed already are skipped, the others applied.
import { describe, expect, it } from 'vitest';
import { SeenEvents } from '../src/lib/live-seen';

describe('SeenEvents', () => {
  it('lets each id through once', () => {
    const seen = new SeenEvents();
    expect([104, 105, 104, 106, 105].map((id) => seen.first(id))).toEqual([true, true, false, true, false]);
  });

  it('forgets the oldest ids past its capacity, and all of them when cleared', () => {
    const seen = new SeenEvents(2);
    for (const id of [1, 2, 3]) seen.first(id);
    expect(seen.first(1)).toBe(true);
    expect(seen.first(3)).toBe(false);
    seen.clear();
    expect(seen.first(3)).toBe(true);
  });
});
