/**
 * Work shared by the candidates of one forecast: the seasonal split of a history (ets and theta
 * both forecast its adjusted part) and the fits of that part (theta's SES is ets's ANN form),
 * keyed by the very array they were made from. Only inside withSharing (forecastSeries wraps
 * one series' work in it), and dropped at its end: a Map held for one series costs nothing to
 * collect, where WeakMaps kept across series made a quarter of the CPU garbage collection.
 */
type Store = Map<object, Map<string, unknown>>;

let store: Store | undefined;

export function withSharing<T>(fn: () => T): T {
  const outer = store;
  store = new Map();
  try {
    return fn();
  } finally {
    store = outer;
  }
}

/** What was kept under (owner, key) in this forecast; undefined outside withSharing. */
export function recall<T>(owner: object, key: string): T | undefined {
  return store?.get(owner)?.get(key) as T | undefined;
}

/** Keeps value under (owner, key) for the rest of this forecast; nothing outside withSharing. */
export function keep(owner: object, key: string, value: unknown): void {
  if (!store) return;
  let byKey = store.get(owner);
  if (!byKey) store.set(owner, (byKey = new Map()));
  byKey.set(key, value);
}

/** recall, else make and keep. */
export function once<T>(owner: object, key: string, make: () => T): T {
  const hit = recall<T>(owner, key);
  if (hit !== undefined) return hit;
  const value = make();
  keep(owner, key, value);
  return value;
}
