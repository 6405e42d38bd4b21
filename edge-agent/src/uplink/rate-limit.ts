/**
 * Spaces calls at least 1/rate seconds apart: the uplink promises at most
 * `rate` publishes a second on its connection (AWS IoT allows 100; we stay at 10).
 */
export class RateLimiter {
  private nextAt = 0;
  private readonly intervalMs: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Milliseconds to wait before the next call may go; reserves that slot. */
  reserve(): number {
    const t = this.now();
    const at = Math.max(t, this.nextAt);
    this.nextAt = at + this.intervalMs;
    return at - t;
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
