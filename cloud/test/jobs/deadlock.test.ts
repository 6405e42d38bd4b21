import { describe, expect, it } from 'vitest';
import { retryOnDeadlock } from '../../src/jobs/deadlock.js';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('queue setup when instances start together', () => {
  it('tries again after a deadlock and returns what the setup returns', async () => {
    let calls = 0;
    const out = await retryOnDeadlock(
      async () => {
        calls++;
        if (calls < 3) throw deadlock();
        return 'created';
      },
      { delayMs: () => 0 },
    );
    expect(out).toBe('created');
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt with the deadlock itself', async () => {
    let calls = 0;
    const run = retryOnDeadlock(
      async () => {
        calls++;
        throw deadlock();
      },
      { attempts: 4, delayMs: () => 0 },
    );
    await expect(run).rejects.toMatchObject({ code: '40P01' });
    expect(calls).toBe(4);
  });

  it('tries again after two creators of one schema met in the catalogue (a unique violation)', async () => {
    let calls = 0;
    const out = await retryOnDeadlock(
      async () => {
        calls++;
        if (calls < 2)
          throw Object.assign(new Error('duplicate key value violates unique constraint "pg_namespace_nspname_index"'), { code: '23505' });
        return 'created';
      },
      { delayMs: () => 0 },
    );
    expect(out).toBe('created');
    expect(calls).toBe(2);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    const run = retryOnDeadlock(
      async () => {
        calls++;
        throw Object.assign(new Error('permission denied'), { code: '42501' });
      },
      { delayMs: () => 0 },
    );
    await expect(run).rejects.toThrow('permission denied');
    expect(calls).toBe(1);
  });
});
