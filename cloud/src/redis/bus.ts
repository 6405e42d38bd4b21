import type { Logger } from '@smartstock/runtime';
import type { Bus } from '../db/types.js';
import type { RedisLink } from './client.js';

/**
 * notify/listen over Redis pub/sub. Unlike NOTIFY, Redis knows nothing of the
 * writer's transaction, so the publish waits for the commit. While Redis is
 * away a publish is lost (the rows are not: they are committed); listeners are
 * told to catch up from the database once the subscriber is back.
 */
export function redisBus(link: RedisLink, log: Logger): Bus {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const resumers = new Set<() => void>();
  let lost = false;
  let failing = false;
  link.subscriber.on('message', (channel: string, payload: string) => handlers.get(channel)?.forEach((h) => h(payload)));
  const markLost = () => (lost = true);
  link.subscriber.on('close', markLost);
  link.subscriber.on('error', markLost);
  link.subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    resumers.forEach((resume) => resume());
  });

  return {
    kind: 'redis',
    async publish(_q, afterCommit, channel, payload) {
      afterCommit(() => {
        link.commands.publish(link.prefix + channel, payload).then(
          () => (failing = false),
          (err: Error) => {
            if (!failing) log.warn({ channel, err: err.message }, 'redis publish failed; listeners catch up when it is back');
            failing = true;
          },
        );
      });
    },
    async listen(channel, onMessage, onResume) {
      const key = link.prefix + channel;
      let set = handlers.get(key);
      if (!set) {
        set = new Set();
        handlers.set(key, set);
        // not awaited: with Redis away at start-up the cloud still starts, and the subscribe is sent on connect
        link.subscriber.subscribe(key).catch((err: Error) => log.warn({ channel, err: err.message }, 'redis subscribe failed'));
      }
      set.add(onMessage);
      if (onResume) resumers.add(onResume);
      return async () => {
        set.delete(onMessage);
        if (onResume) resumers.delete(onResume);
        if (!set.size) {
          handlers.delete(key);
          // while Redis is away the command would wait in the queue forever; the subscription dies with the connection anyway
          if (link.subscriber.status === 'ready') await link.subscriber.unsubscribe(key).catch(() => undefined);
        }
      };
    },
  };
}
