/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random,
 * so a bar full of devices coming back after an outage does not reconnect in step.
 * `random` is injectable so the watchdog tests are deterministic.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(base / 2 + (random() * base) / 2);
}
