import { describe, expect, it } from 'vitest';
import { AckBatcher, type Waiting } from '../../src/ingest/ack-batcher.js';

/** A settle() the test releases by hand, to see what is acknowledged while a batch commits. */
function harness(
  o: { maxBatch?: number; highWater?: number; concurrentBatches?: number; orderKey?: (n: number) => string | undefined } = {},
) {
  const batches: number[][] = [];
  const acked: number[] = [];
  const releases: ((e?: Error) => void)[] = [];
  const errors: unknown[] = [];
  const b = new AckBatcher<number>({
    maxBatch: o.maxBatch ?? 100,
    highWater: o.highWater ?? 100,
    concurrentBatches: o.concurrentBatches,
    orderKey: o.orderKey,
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

  it('settles two batches at once and acknowledges in arrival order when the later one commits first', async () => {
    const h = harness({ concurrentBatches: 2 });
    h.b.push(h.w(1), () => {});
    h.b.push(h.w(2), () => {});
    h.b.push(h.w(3), () => {});
    await h.tick();
    expect(h.batches).toEqual([[1], [2]]); // both committing; 3 waits for a free place
    h.b.push(h.w(4), () => {});
    h.releases[1]!(); // the later batch commits first: its PUBACK waits for the earlier one
    await h.tick();
    expect(h.acked).toEqual([]);
    // it gives its place up: what gathered meanwhile settles beside the earlier batch (issue #30)
    expect(h.batches).toEqual([[1], [2], [3, 4]]);
    h.releases[2]!();
    await h.tick();
    expect(h.acked).toEqual([]); // 2, 3 and 4 committed, held behind 1
    h.releases[0]!();
    await h.tick();
    expect(h.acked).toEqual([1, 2, 3, 4]);
  });

  it('keeps both places busy behind a large batch: a lone message that settled first does not idle its place', async () => {
    // what one cloud did at half rate: a large batch, then the first message after it alone, its
    // place idle until the large one committed, so everything else waited for one batch at a time
    const h = harness({ concurrentBatches: 2 });
    for (const n of [1, 2, 3]) h.b.push(h.w(n), () => {});
    await h.tick();
    expect(h.batches).toEqual([[1], [2]]);
    h.releases[1]!(); // the lone message commits fast
    await h.tick();
    for (const n of [4, 5]) h.b.push(h.w(n), () => {});
    await h.tick();
    expect(h.batches).toEqual([[1], [2], [3]]); // 2 gave its place to 3 at once
    h.releases[2]!();
    await h.tick();
    expect(h.batches).toEqual([[1], [2], [3], [4, 5]]);
    h.releases[3]!();
    h.releases[0]!();
    await h.tick();
    expect(h.acked).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts settled messages held behind an earlier batch toward the high-water mark', async () => {
    const h = harness({ concurrentBatches: 2, maxBatch: 2, highWater: 3 });
    const resumed: number[] = [];
    for (const n of [1, 2, 3]) h.b.push(h.w(n), () => resumed.push(n));
    await h.tick();
    expect(h.batches).toEqual([[1], [2]]);
    h.releases[1]!(); // 2 held behind 1
    await h.tick();
    expect(h.batches).toEqual([[1], [2], [3]]);
    h.releases[2]!(); // 2 and 3 held
    await h.tick();
    for (const n of [4, 5]) h.b.push(h.w(n), () => resumed.push(n));
    await h.tick();
    // 2 and 3 held, 4 queued, then settling beside 1: 5 is the third waiting and is not read on
    expect(h.batches).toEqual([[1], [2], [3], [4]]);
    expect(resumed).toEqual([1, 2, 3, 4]);
    h.releases[0]!();
    await h.tick();
    expect(h.acked).toEqual([1, 2, 3]);
    expect(resumed).toEqual([1, 2, 3, 4, 5]);
  });

  it('acknowledges nothing after a failed batch on its connection, even what committed before the failure was known', async () => {
    const h = harness({ concurrentBatches: 2 });
    h.b.push(h.w(1), () => {});
    h.b.push(h.w(2), () => {});
    await h.tick();
    h.releases[1]!(); // 2 committed, waiting on 1
    await h.tick();
    h.releases[0]!(new Error('gave up'));
    await h.tick();
    h.b.push(h.w(3), () => {});
    await h.tick();
    h.releases[2]!();
    await h.tick();
    expect(h.errors).toHaveLength(1);
    expect(h.acked).toEqual([]);
    // a message of a later connection is acknowledged: the broker redelivers the rest after the reconnect
    h.b.push({ message: 5, messageId: 5, connection: 2 }, () => {});
    await h.tick();
    h.releases[3]!();
    await h.tick();
    expect(h.acked).toEqual([5]);
  });

  it('acknowledges nothing that settles after stop()', async () => {
    const h = harness({ concurrentBatches: 2 });
    h.b.push(h.w(1), () => {});
    h.b.push(h.w(2), () => {});
    await h.tick();
    h.b.stop();
    h.releases[1]!();
    h.releases[0]!();
    await h.tick();
    expect(h.acked).toEqual([]);
  });

  it('refuses a concurrency that is not a whole number of at least 1', () => {
    expect(() => harness({ concurrentBatches: 0 })).toThrow(/concurrentBatches must be a whole number of at least 1, not 0/);
  });

  it('never settles two messages of one order key at once: a batch stops short of a key still settling', async () => {
    // 10s and 20s are one device's statuses (key "a"); the rest are observations (no key)
    const h = harness({ concurrentBatches: 2, orderKey: (n) => (n >= 10 ? 'a' : undefined) });
    h.b.push(h.w(10), () => {});
    h.b.push(h.w(20), () => {});
    h.b.push(h.w(3), () => {});
    await h.tick();
    expect(h.batches).toEqual([[10]]); // 20 waits for 10's commit
    h.releases[0]!();
    await h.tick();
    expect(h.batches).toEqual([[10], [20, 3]]);
    h.b.push(h.w(4), () => {});
    await h.tick();
    expect(h.batches).toEqual([[10], [20, 3], [4]]); // no key: settles beside 20
    h.releases[2]!();
    h.releases[1]!();
    await h.tick();
    expect(h.acked).toEqual([10, 20, 3, 4]);
  });
});
