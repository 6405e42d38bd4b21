/**
 * This process's side of announce (types.ts): each Db's listeners, by channel, told of an
 * announced payload at once when the writer's work commits. The bus tells every instance, this
 * one included, but later (NOTIFY reaches the listening connection after the writer's commit
 * returns), so a cache that forgot only through the bus could answer its own writer from before the write.
 */
import { assertChannel, type Bus, type Queryable } from './types.js';

type AfterCommit = (fn: () => void) => void;

export function echoes() {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  return {
    /** registers h for the echo; resolves to its removal */
    add(channel: string, h: (payload: string) => void): () => void {
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(h);
      return () => {
        set.delete(h);
        if (!set.size) handlers.delete(channel);
      };
    },
    send(channel: string, payload: string): void {
      handlers.get(channel)?.forEach((h) => h(payload));
    },
  };
}

export type Echoes = ReturnType<typeof echoes>;

/** Queryable.announce: through the bus, and to this process's listeners as q's work commits. */
export async function announceBoth(echo: Echoes, bus: Bus, q: Queryable, afterCommit: AfterCommit, channel: string, payload: string) {
  await bus.publish(q, afterCommit, channel, payload);
  afterCommit(() => echo.send(channel, payload));
}

/** Db.listen: hears the bus and this process's echo of channel; resolves to the removal of both. */
export async function listenBoth(
  echo: Echoes,
  bus: Bus,
  channel: string,
  onMessage: (payload: string) => void,
  onResume?: () => void,
): Promise<() => Promise<void>> {
  const unecho = echo.add(assertChannel(channel), onMessage);
  const unlisten = await bus.listen(channel, onMessage, onResume).catch((e: unknown) => {
    unecho();
    throw e;
  });
  return async () => {
    unecho();
    await unlisten();
  };
}
