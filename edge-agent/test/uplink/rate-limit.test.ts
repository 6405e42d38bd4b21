import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/uplink/rate-limit.js';

describe('publish rate limiter', () => {
  it('spaces publishes so no second holds more than the limit', () => {
    let now = 1_000;
    const l = new RateLimiter(10, () => now);
    const at: number[] = [];
    for (let i = 0; i < 35; i++) at.push(now + l.reserve());
    for (let i = 10; i < at.length; i++) expect(at[i]! - at[i - 10]!).toBeGreaterThanOrEqual(1000);
    now += 10_000; // idle: no burst credit piles up beyond one slot
    expect(l.reserve()).toBe(0);
    expect(l.reserve()).toBe(100);
  });
});
