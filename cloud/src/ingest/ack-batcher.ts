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
  /** past this many waiting (besides the batch committing), the link stops reading from the broker */
  highWater: number;
  /** handles every message of the batch (commits, or dead-letters); resolves once none needs retrying */
  settle(batch: M[]): Promise<void>;
  /** sends one PUBACK, in arrival order, only after its batch settled */
  ack(w: Waiting<M>): void;
  onError(e: unknown): void;
}

/**
 * Group commit for MQTT QoS 1. The link hands every message here and reads the next one at once
 * (its PUBACK is held), so while one batch commits the next one gathers: a busy stream commits
 * many messages per transaction, a quiet one commits each as it comes (no timer, no added wait).
 * A PUBACK is sent only after its message's batch settled, in the order the messages arrived
 * (MQTT 3.1.1 §4.6), so the broker keeps anything not committed and redelivers it.
 */
export class AckBatcher<M> {
  private readonly queue: Waiting<M>[] = [];
  private readonly paused: (() => void)[] = [];
  private running = false;
  private stopped = false;

  constructor(private readonly o: AckBatcherOptions<M>) {}

  /** Queues a message; `resume` is called at once, or once the queue is below the high-water mark. */
  push(w: Waiting<M>, resume: () => void): void {
    this.queue.push(w);
    if (this.queue.length < this.o.highWater) resume();
    else this.paused.push(resume);
    if (!this.running) void this.drain();
  }

  /** Stops taking batches; what is queued is left unacknowledged, for the broker to redeliver. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const resume of this.paused.splice(0)) resume();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length && !this.stopped) {
        const batch = this.queue.splice(0, this.o.maxBatch);
        while (this.paused.length && this.queue.length < this.o.highWater) this.paused.shift()!();
        try {
          await this.o.settle(batch.map((w) => w.message));
        } catch (e) {
          // settle() retries what the database refuses; reaching here means stopping: no PUBACK
          this.o.onError(e);
          continue;
        }
        if (this.stopped) break;
        for (const w of batch) this.o.ack(w);
      }
    } finally {
      this.running = false;
    }
  }
}
