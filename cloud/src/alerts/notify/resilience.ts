import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  noJitterGenerator,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { PermanentDeliveryError, type ChannelName } from './channels/channel.js';
import type { NotifyConfig } from './config.js';

/**
 * cockatiel, the project's one resilience library, supplies both halves:
 * a circuit breaker per channel (so a dead SMS gateway is not hammered and its
 * messages wait in the outbox), and the exponential backoff schedule. The
 * waiting itself happens in the outbox (next_attempt_at), not in a timer, so a
 * restart loses nothing.
 */
export function channelBreaker(cfg: NotifyConfig['breaker']): CircuitBreakerPolicy {
  // A permanent refusal says nothing about the channel's health.
  return circuitBreaker(
    handleWhen((err) => !(err instanceof PermanentDeliveryError)),
    {
      halfOpenAfter: cfg.halfOpenAfterSeconds * 1000,
      breaker: new ConsecutiveBreaker(cfg.consecutiveFailures),
    },
  );
}

export type Breakers = Record<ChannelName, CircuitBreakerPolicy>;

export function channelBreakers(cfg: NotifyConfig['breaker']): Breakers {
  return { sms: channelBreaker(cfg), email: channelBreaker(cfg), push: channelBreaker(cfg), log: channelBreaker(cfg) };
}

/** Delay before retry number `attempt` (1-based): initial, 2×, 4× … capped. No jitter: the outbox spreads load by itself. */
export function retryDelayMs(attempt: number, cfg: NotifyConfig['retry']): number {
  let b = new ExponentialBackoff({
    initialDelay: cfg.initialDelaySeconds * 1000,
    maxDelay: cfg.maxDelaySeconds * 1000,
    generator: noJitterGenerator,
  }).next();
  for (let i = 1; i < attempt; i++) b = b.next(undefined);
  return b.duration;
}
