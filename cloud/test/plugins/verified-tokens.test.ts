import { afterEach, describe, expect, it, vi } from 'vitest';
import { VerifiedTokens } from '../../src/plugins/verified-tokens.js';

const principal = (sub: string, exp: number) => ({ sub, org: 'org-1', role: 'owner' as const, exp });

/** Verified tokens are remembered whole, never past their exp, and a full cache drops the oldest. */
describe('verified tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('answers a token until its exp, and not a moment after', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const tokens = new VerifiedTokens(10);
    tokens.set('a.b.c', principal('u1', 1_060));
    vi.setSystemTime(1_060_000);
    expect(tokens.get('a.b.c')).toMatchObject({ sub: 'u1' });
    vi.setSystemTime(1_060_001);
    expect(tokens.get('a.b.c')).toBeUndefined();
  });

  it('answers only the very token verified', () => {
    const tokens = new VerifiedTokens(10);
    tokens.set('a.b.c', principal('u1', Date.now() / 1000 + 60));
    expect(tokens.get('a.b.d')).toBeUndefined();
    expect(tokens.get('a.b.c ')).toBeUndefined();
    expect(tokens.get('a.b')).toBeUndefined();
  });

  it('at its bound forgets the token remembered longest ago', () => {
    const tokens = new VerifiedTokens(2);
    const exp = Date.now() / 1000 + 60;
    tokens.set('t1', principal('u1', exp));
    tokens.set('t2', principal('u2', exp));
    tokens.set('t3', principal('u3', exp));
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.get('t2')).toMatchObject({ sub: 'u2' });
    expect(tokens.get('t3')).toMatchObject({ sub: 'u3' });
  });
});
