import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Logger } from '@smartstock/runtime';
import type { RedisLink } from './client.js';

type Counted = (err: Error | null, res: { current: number; ttl: number } | null) => void;
interface Store {
  incr(key: string, cb: Counted, timeWindow: number, max: number): void;
  read(key: string, cb: Counted, timeWindow: number, max: number): void;
  child(routeOptions: RouteOptions): Store;
}
interface RouteOptions {
  continueExceeding: boolean;
  exponentialBackoff: boolean;
  routeInfo: { method: string; url: string };
}
type StoreClass<A extends unknown[]> = new (...args: A) => Store;

// the plugin's own stores: not exported by name, but they are the counters it is tested with
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreClass<[boolean, boolean]>;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreClass<[boolean, boolean, unknown, string]>;

/**
 * A @fastify/rate-limit store that counts in Redis, so every instance shares
 * one limit (N failed logins across A and B → 429). While Redis is away each
 * instance counts on its own: weaker than shared, but neither "no limit" nor
 * "every request fails" — the two alternatives the plugin offers.
 */
export function sharedRateLimitStore(link: RedisLink, log: Logger): FastifyRateLimitStoreCtor {
  let degraded = false;
  const fallBack = (err: Error | undefined) => {
    if (degraded) return;
    degraded = true;
    log.warn({ err: err?.message ?? 'not connected' }, 'rate limits counted per instance until redis is back');
  };

  class SharedStore implements Store {
    private readonly shared: Store;
    private readonly local: Store;
    constructor(params: { continueExceeding?: boolean; exponentialBackoff?: boolean }, pair?: [Store, Store]) {
      const [ce, eb] = [!!params.continueExceeding, !!params.exponentialBackoff];
      [this.shared, this.local] = pair ?? [new RedisStore(ce, eb, link.commands, `${link.prefix}rl:`), new LocalStore(ce, eb)];
    }
    incr(key: string, cb: Counted, timeWindow: number, max: number) {
      this.either('incr', key, cb, timeWindow, max);
    }
    read(key: string, cb: Counted, timeWindow: number, max: number) {
      this.either('read', key, cb, timeWindow, max);
    }
    child(routeOptions: RouteOptions): Store {
      return new SharedStore(routeOptions, [this.shared.child(routeOptions), this.local.child(routeOptions)]);
    }
    private either(op: 'incr' | 'read', key: string, cb: Counted, timeWindow: number, max: number) {
      if (link.commands.status !== 'ready') {
        fallBack(undefined);
        return this.local[op](key, cb, timeWindow, max);
      }
      this.shared[op](
        key,
        (err, res) => {
          if (!err) {
            if (degraded) log.info('rate limits shared through redis again');
            degraded = false;
            return cb(null, res);
          }
          fallBack(err);
          this.local[op](key, cb, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }
  }
  // the plugin's typings describe a looser store than the one it calls; this class is what it calls
  return SharedStore as unknown as FastifyRateLimitStoreCtor;
}
