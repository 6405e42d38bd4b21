import { describe, expect, it } from 'vitest';
import { AckBatcher, type Waiting } from '../../src/ingest/ack-batcher.js';

/** A settle() the test releases by hand, to see what is acknowledged while a batch commits. */
function harness(o: { maxBatch?: number; highWater?: number } = {}) {
  const batches: number[][] = [];
  const acked: number[] = [];
  const releases: ((e?: Error) => void)[] = [];
  const errors: unknown[] = [];
  const b = new AckBatcher<number>({
    maxBatch: o.maxBatch ?? 100,
    highWater: o.highWater ?? 100,
    settle: (batch) =>
      new Promise<void>((res, rej) => {
        batches.push(batch);
        releases.push((e) => (e ? rej(e) : res()));
      }),
    ack: (w) => acked.push(w.messageId!),
    onError: (e) => errors.push(e),
  });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const w = (n: number): Waiting<number> => ({ message: n, messageId: n, connection: 1 });
  return { b, batches, acked, releases, errors, tick, w };
}

describe('AckBatcher', () => {
  it('acknowledges only after the commit, in arrival order, and gathers what arrives meanwhile into one batch', async () => {
    const h = harness();
    let resumed = 0;
    h.b.push(h.w(1), () => resumed++);
    await h.tick();
    for (const n of [2, 3, 4]) h.b.push(h.w(n), () => resumed++);
    expect(resumed).toBe(4); // reading goes on while the first batch commits
    expect(h.acked).toEqual([]);
    h.releases[0]!();
    await h.tick();
    expect(h.acked).toEqual([1]);
    expect(h.batches).toEqual([[1], [2, 3, 4]]);
    h.releases[1]!();
    await h.tick();
    expect(h.acked).toEqual([1, 2, 3, 4]);
  });

  it('stops reading past the high-water mark until a batch leaves the queue, and caps a batch', async () => {
    const h = harness({ maxBatch: 2, highWater: 3 });
    const resumed: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) h.b.push(h.w(n), () => resumed.push(n));
    await h.tick();
    expect(h.batches).toEqual([[1]]); // the first message commits at once, alone
    expect(resumed).toEqual([1, 2, 3]); // 2, 3, 4 waiting: 4 and 5 held
    h.releases[0]!();
    await h.tick();
    expect(h.batches).toEqual([[1], [2, 3]]);
    expect(resumed).toEqual([1, 2, 3, 4, 5]);
    h.releases[1]!();
    await h.tick();
    expect(h.batches).toEqual([[1], [2, 3], [4, 5]]);
    expect(h.acked).toEqual([1, 2, 3]);
  });

  it('sends no PUBACK for a batch that failed, nor for anything once stopped', async () => {
    const h = harness();
    h.b.push(h.w(1), () => {});
    await h.tick();
    h.b.push(h.w(2), () => {});
    h.releases[0]!(new Error('stopping'));
    await h.tick();
    expect(h.acked).toEqual([]);
    expect(h.errors).toHaveLength(1);
    h.b.stop();
    h.releases[1]!();
    await h.tick();
    expect(h.acked).toEqual([]);
  });
});
