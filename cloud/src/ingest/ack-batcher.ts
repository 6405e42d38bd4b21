/** One QoS 1 message waiting for its commit, and what its PUBACK needs. */
export interface Waiting<M> {
  message: M;
  /** the packet id to acknowledge; absent for QoS 0 (nothing to acknowledge) */
  messageId: number | undefined;
  /** the connection it came on (the link counts them): a PUBACK on a later connection could acknowledge another message */
  connection: number;
}

export interface AckBatcherOptions<M> {
  /** the most messages handed to settle() at once */
  maxBatch: number;
  /**
   * past this many waiting (queued, or settled and held behind an earlier batch still settling; besides
   * the batches settling), the link stops reading from the broker
   */
  highWater: number;
  /**
   * batches settling at once (default 1): while one waits on the database the next commits. A batch
   * that settled before an earlier one gives its place up at once (its PUBACKs wait, in order): when it
   * kept its place until the earlier one settled, one place went to a lone message (the first to arrive
   * after a large batch started) and sat idle while that batch committed, so the queue gathered behind
   * one batch at a time (issue #30: p99 publish → committed 2.4 s at half rate, one cloud)
   */
  concurrentBatches?: number | undefined;
  /**
   * messages with one key settle one after another, as they arrived: a batch stops short of a message
   * whose key a batch still settling holds (a device's statuses: online, then its will, then online again)
   */
  orderKey?(message: M): string | undefined;
  /** handles every message of the batch (commits, or dead-letters); resolves once none needs retrying */
  settle(batch: M[]): Promise<void>;
  /** sends one PUBACK, in arrival order, only after its batch and every batch before it settled */
  ack(w: Waiting<M>): void;
  onError(e: unknown): void;
}

/** A batch handed to settle(), until it is acknowledged (or withheld). */
interface InFlight<M> {
  batch: Waiting<M>[];
  /** its messages' order keys, held while it settles */
  keys: Set<string>;
  outcome: 'settling' | 'settled' | 'failed';
}

/**
 * Group commit for MQTT QoS 1. The link hands every message here and reads the next one at once
 * (its PUBACK is held), so while batches commit the next one gathers: a busy stream commits
 * many messages per transaction, a quiet one commits each as it comes (no timer, no added wait).
 * Up to `concurrentBatches` batches settle at once (one round trip after another was the limit
 * of one cloud, not its CPU nor PostgreSQL's). A PUBACK is sent only after its message's batch
 * and every earlier batch settled, in the order the messages arrived (MQTT 3.1.1 §4.6), so the
 * broker keeps anything not committed and redelivers it. A batch that fails is not acknowledged,
 * nor is anything after it on the same connection: the broker redelivers them after a reconnect.
 */
export class AckBatcher<M> {
  private readonly queue: Waiting<M>[] = [];
  private readonly paused: (() => void)[] = [];
  /** batches handed to settle() and not yet acknowledged, in arrival order */
  private readonly inFlight: InFlight<M>[] = [];
  private readonly concurrentBatches: number;
  /** a batch failed: nothing that arrived on this connection or an earlier one is acknowledged */
  private withheldThrough = -Infinity;
  private stopped = false;

  constructor(private readonly options: AckBatcherOptions<M>) {
    this.concurrentBatches = options.concurrentBatches ?? 1;
    if (!Number.isInteger(this.concurrentBatches) || this.concurrentBatches < 1)
      throw new Error(`concurrentBatches must be a whole number of at least 1, not ${options.concurrentBatches}`);
  }

  /** Queues a message; `resume` is called at once, or once the queue is below the high-water mark. */
  push(w: Waiting<M>, resume: () => void): void {
    this.queue.push(w);
    if (this.waiting() < this.options.highWater) resume();
    else this.paused.push(resume);
    this.startBatches();
  }

  /** Stops taking batches; what is queued or still settling is left unacknowledged, for the broker to redeliver. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const resume of this.paused.splice(0)) resume();
  }

  /** Messages the high-water mark counts: queued, and settled but held for their turn. */
  private waiting(): number {
    let held = 0;
    for (const flight of this.inFlight) if (flight.outcome !== 'settling') held += flight.batch.length;
    return this.queue.length + held;
  }

  /** Batches of inFlight still settling (the others wait only for their turn to be acknowledged). */
  private settling(): number {
    let settling = 0;
    for (const flight of this.inFlight) if (flight.outcome === 'settling') settling++;
    return settling;
  }

  private resumeBelowHighWater(): void {
    while (this.paused.length && this.waiting() < this.options.highWater) this.paused.shift()!();
  }

  private startBatches(): void {
    while (this.queue.length && !this.stopped && this.settling() < this.concurrentBatches) {
      const size = this.nextBatchSize();
      if (!size) return; // its first message waits for a batch holding its key
      const batch = this.queue.splice(0, size);
      const flight: InFlight<M> = { batch, keys: this.keysOf(batch), outcome: 'settling' };
      this.resumeBelowHighWater();
      this.inFlight.push(flight);
      this.options
        .settle(flight.batch.map((w) => w.message))
        .then(
          () => {
            flight.outcome = 'settled';
          },
          (e: unknown) => {
            // settle() retries what the database refuses; reaching here means giving the batch up: no PUBACK
            flight.outcome = 'failed';
            this.options.onError(e);
          },
        )
        .then(() => this.ackSettled())
        .catch((e: unknown) => this.options.onError(e));
    }
  }

  /** How many of the queue's leading messages the next batch takes: up to maxBatch, short of a held key. */
  private nextBatchSize(): number {
    const most = Math.min(this.options.maxBatch, this.queue.length);
    const orderKey = this.options.orderKey;
    if (!orderKey) return most;
    const held = new Set<string>();
    for (const f of this.inFlight) if (f.outcome === 'settling') for (const k of f.keys) held.add(k);
    if (!held.size) return most;
    let n = 0;
    while (n < most) {
      const key = orderKey(this.queue[n]!.message);
      if (key !== undefined && held.has(key)) break;
      n++;
    }
    return n;
  }

  private keysOf(batch: readonly Waiting<M>[]): Set<string> {
    const keys = new Set<string>();
    const orderKey = this.options.orderKey;
    if (orderKey)
      for (const w of batch) {
        const key = orderKey(w.message);
        if (key !== undefined) keys.add(key);
      }
    return keys;
  }

  /** Acknowledges the leading batches that settled (a later one that settled first waits), then starts more. */
  private ackSettled(): void {
    while (this.inFlight[0] && this.inFlight[0].outcome !== 'settling') {
      const { batch, outcome } = this.inFlight.shift()!;
      if (this.stopped) continue;
      if (outcome === 'failed') for (const w of batch) this.withheldThrough = Math.max(this.withheldThrough, w.connection);
      else for (const w of batch) if (w.connection > this.withheldThrough) this.options.ack(w);
    }
    this.resumeBelowHighWater();
    this.startBatches();
  }
}
