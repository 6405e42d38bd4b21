/**
 * This process's side of announce (types.ts): each Db's listeners, by channel, told of an
 * announced payload at once when the writer's work commits. The bus tells every instance, this
 * one included, but later (NOTIFY reaches the listening connection after the writer's commit
 * returns), so a cache that forgot only through the bus could answer its own writer from before the write.
 */
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
