import { Redis } from 'ioredis';
import { redactUrl, type Logger } from '@smartstock/runtime';

export interface RedisLink {
  /** commands: rate-limit counters and publishes; fails fast while disconnected rather than queueing */
  commands: Redis;
  /** pub/sub subscriptions need a connection of their own */
  subscriber: Redis;
  /** namespaces every key and channel, so deployments (and test runs) sharing one Redis never meet */
  prefix: string;
  close(): void;
}

/**
 * Connects lazily and keeps reconnecting forever: the cloud starts and serves
 * while Redis is away, and each user of the link decides how to degrade.
 * Only the redacted URL is ever logged.
 */
export function connectRedis(url: string, prefix: string, log: Logger): RedisLink {
  const where = redactUrl(url);
  const retryStrategy = (times: number) => Math.min(100 * times, 2000);
  const commands = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy, lazyConnect: false });
  // subscriptions wait in the queue while Redis is away and ioredis re-sends them on reconnect
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, retryStrategy, lazyConnect: false });
  for (const [role, c] of [
    ['commands', commands],
    ['subscriber', subscriber],
  ] as const) {
    let down = false;
    // one line per outage and one per recovery, not one per retry
    c.on('error', (err: Error) => {
      if (down) return;
      down = true;
      log.warn({ redis: where, role, err: redactUrl(err.message) }, 'redis unreachable; retrying');
    });
    c.on('ready', () => {
      if (down) log.info({ redis: where, role }, 'redis reachable again');
      else log.info({ redis: where, role }, 'redis connected');
      down = false;
    });
  }
  return {
    commands,
    subscriber,
    prefix,
    close() {
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
