import type { Logger } from '@smartstock/runtime';

export interface Repeating {
  stop(): void;
}

/**
 * Housekeeping on this instance every intervalMs (and at once when asked): a failure is logged
 * and the next tick tries again. For work that queues jobs or prunes rows idempotently, so every
 * instance may run it; the process never waits on the timer to exit.
 */
export function repeatEvery(
  intervalMs: number,
  work: () => Promise<unknown>,
  o: { log: Logger; failed: string; atOnce?: boolean },
): Repeating {
  const tick = () => void work().catch((err: unknown) => o.log.warn({ err }, o.failed));
  if (o.atOnce) tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
