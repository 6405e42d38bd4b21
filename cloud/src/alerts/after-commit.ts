/** What the after-commit queue needs: how to judge a chunk, and how large one may be. */
export interface AfterCommitOptions<T> {
  /** judges a chunk of the latest values, in the order their keys last committed */
  judge(chunk: T[]): Promise<void>;
  /** the most values one judge() call takes: bounds its statements and its turn of the event loop */
  chunk: number;
  onError(e: unknown): void;
  /** the clock the lag is read by (ms) */
  now?: () => number;
}

/** How far judging is behind: what waits (the chunk under way included) and for how long the oldest has. */
export interface AfterCommitLag {
  waiting: number;
  /** seconds since the oldest waiting value's key first waited with nothing judged since (0 when none waits) */
  oldestSeconds: number;
}

/**
 * Judgements that run after their commit, never on the acknowledgement's path: put() only records
 * the key's latest value and returns. Ingest once awaited the alert engine when over 2,000 levels
 * waited, so a fleet's burst held every PUBACK behind seconds of judging (issue #30: observation
 * commits paused 1–3 s). A judgement was never part of the guarantee (a crash after the commit loses
 * it either way), so nothing waits for it: what waits is at most one value a key (an item at a
 * location, a device), judged at its latest, and each chunk is judged on a later turn of the event
 * loop than the last, so messages and PUBACKs come and go between chunks.
 */
export class AfterCommitQueue<T> {
  /** the latest value of each key not judged yet, in the order the keys first waited */
  private readonly pending = new Map<string, { value: T; since: number }>();
  /** the chunk being judged: how many, and since when its oldest waited */
  private judging = { size: 0, since: Infinity };
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: AfterCommitOptions<T>) {
    if (!Number.isInteger(options.chunk) || options.chunk < 1)
      throw new Error(`chunk must be a whole number of at least 1, not ${options.chunk}`);
    this.now = options.now ?? Date.now;
  }

  /** Records key's latest value (judged after what committed before it) and returns at once. */
  put(key: string, value: T): void {
    if (this.stopped) return;
    // a key that moves again keeps its first wait and its place: what the alerts show of it is as old as
    // that, and a key that never stops moving (a bottle poured all night) must not be starved by going
    // to the back each time (Map.set on a present key keeps its place)
    const since = this.pending.get(key)?.since ?? this.now();
    this.pending.set(key, { value, since });
    this.running ??= this.drain();
  }

  /** Values waiting to be judged (one a key). */
  get size(): number {
    return this.pending.size;
  }

  /** For the metrics: judgements waiting, and the age of the oldest (judging falls behind a fleet's levels: issue #30). */
  lag(): AfterCommitLag {
    let since = this.judging.since;
    for (const { since: at } of this.pending.values()) since = Math.min(since, at);
    const waiting = this.pending.size + this.judging.size;
    return { waiting, oldestSeconds: waiting && Number.isFinite(since) ? Math.max(0, (this.now() - since) / 1000) : 0 };
  }

  /** Resolves once every value put so far has been judged. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Drops what waits and resolves once the chunk being judged is done (shutdown: the database goes next). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // a later turn: the commit's caller sends its PUBACKs, and messages waiting to be read are read, first
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.pending.size) return;
        const chunk: T[] = [];
        let since = Infinity;
        for (const [key, waiting] of this.pending) {
          if (chunk.length >= this.options.chunk) break;
          chunk.push(waiting.value);
          since = Math.min(since, waiting.since);
          this.pending.delete(key);
        }
        this.judging = { size: chunk.length, since };
        await this.options.judge(chunk).catch(this.options.onError);
        this.judging = { size: 0, since: Infinity };
      }
    } finally {
      this.judging = { size: 0, since: Infinity };
      this.running = undefined;
    }
  }
}
