import { describe, expect, it } from 'vitest';
import { AfterCommitQueue } from '../../src/alerts/after-commit.js';

/** A queue whose judge() records each chunk and waits until the test lets it finish. */
function queue(chunk = 2) {
  const chunks: string[][] = [];
  const gates: (() => void)[] = [];
  const errors: unknown[] = [];
  const q = new AfterCommitQueue<string>({
    chunk,
    judge: async (values) => {
      chunks.push(values);
      await new Promise<void>((resolve) => gates.push(resolve));
    },
    onError: (e) => errors.push(e),
  });
  /** lets the chunk being judged finish, once one has started */
  const release = async () => {
    while (!gates.length) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
  };
  return { q, chunks, errors, release };
}

describe('AfterCommitQueue (ingest hands its judgements to the alert engine after the commit)', () => {
  it('returns from put() at once while a judgement hangs, however many wait', async () => {
    const { q, chunks, release } = queue(500);
    q.put('first', 'first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual([['first']]); // under way, and it hangs
    for (let i = 0; i < 5000; i++) q.put(`key ${i}`, `value ${i}`);
    expect(q.size).toBe(5000);
    await release();
    while (chunks.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(chunks[1]).toHaveLength(500);
  });

  it('keeps the latest value a key, in the order keys first waited (a busy key is not starved), in chunks of at most `chunk`', async () => {
    const { q, chunks, release } = queue(2);
    q.put('a', 'a1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual([['a1']]);
    // while a1 is judged: b, a, c commit, then b again
    q.put('b', 'b1');
    q.put('a', 'a2');
    q.put('c', 'c1');
    q.put('b', 'b2');
    expect(q.size).toBe(3);
    await release();
    await release();
    await release();
    await q.settled();
    expect(chunks).toEqual([['a1'], ['b2', 'a2'], ['c1']]);
  });

  it('judges each chunk on a later turn of the event loop: what waits on I/O runs between two chunks', async () => {
    const order: string[] = [];
    const q = new AfterCommitQueue<string>({
      chunk: 1,
      // a judge that needs no I/O: chained on promises alone, the next chunk would start before any I/O callback
      judge: async ([value]) => {
        order.push(value!);
        if (value === 'a') setImmediate(() => order.push('a turn of the event loop'));
      },
      onError: () => undefined,
    });
    q.put('a', 'a');
    q.put('b', 'b');
    await q.settled();
    expect(order).toEqual(['a', 'a turn of the event loop', 'b']);
  });

  it('settles once everything put has been judged, goes on after a failed chunk, and drops what waits on stop()', async () => {
    const errors: unknown[] = [];
    const judged: string[] = [];
    const q = new AfterCommitQueue<string>({
      chunk: 1,
      judge: async ([value]) => {
        if (value === 'bad') throw new Error('engine away');
        judged.push(value!);
      },
      onError: (e) => errors.push(e),
    });
    q.put('x', 'bad');
    q.put('y', 'good');
    await q.settled();
    expect(judged).toEqual(['good']);
    expect(errors).toHaveLength(1);
    q.put('z', 'later');
    await q.stop();
    q.put('w', 'after stop');
    await q.settled();
    expect(judged).toEqual(['good']);
    expect(q.size).toBe(0);
  });

  it('tells how far judging is behind: what waits (the chunk under way too) and since when the oldest has', async () => {
    let clock = 1_000_000;
    const gates: (() => void)[] = [];
    const q = new AfterCommitQueue<string>({
      chunk: 1,
      judge: () => new Promise<void>((resolve) => gates.push(resolve)),
      onError: () => undefined,
      now: () => clock,
    });
    expect(q.lag()).toEqual({ waiting: 0, oldestSeconds: 0 });
    q.put('a', 'a1');
    clock += 2_000;
    q.put('b', 'b1');
    while (!gates.length) await new Promise((resolve) => setImmediate(resolve));
    clock += 3_000;
    // a1 is being judged: still waiting, for 5 s; b1 for 3 s
    expect(q.lag()).toEqual({ waiting: 2, oldestSeconds: 5 });
    q.put('b', 'b2');
    clock += 1_000;
    // b's new value keeps b's first wait: the alerts show b as it was 4 s ago
    gates.shift()!();
    while (!gates.length) await new Promise((resolve) => setImmediate(resolve));
    expect(q.lag()).toEqual({ waiting: 1, oldestSeconds: 4 });
    gates.shift()!();
    await q.settled();
    expect(q.lag()).toEqual({ waiting: 0, oldestSeconds: 0 });
  });

  it('refuses a chunk that is not a whole number of at least 1', () => {
    expect(() => new AfterCommitQueue({ chunk: 0, judge: async () => undefined, onError: () => undefined })).toThrow(/chunk/);
  });
});
