/**
 * The event ids a live socket has applied lately. A replay after a reconnect also sends the events
 * below the cursor whose writer committed late (the cloud cannot tell which of them this screen had
 * pushed already), so an id seen is skipped: an older stock level applied again would undo a newer one.
 */
export class SeenEvents {
  private readonly ids = new Set<number>();

  /** the events of the two ingest batches a cloud commits at once, and more: a late writer's are among them */
  constructor(private readonly capacity = 20_000) {}

  /** true the first time an id comes; it is then remembered, the oldest forgotten past the capacity */
  first(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // a Set iterates in insertion order: the first is the oldest
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  clear(): void {
    this.ids.clear();
  }
}
