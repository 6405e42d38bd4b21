import type { MqttClient } from 'mqtt';
import { TOPICS, encodeBatch, type Observation } from '@smartstock/protocol';
import type { Logger } from '@smartstock/protocol/runtime';
import type { Outbox } from '../store/outbox.js';
import type { RateLimiter } from './rate-limit.js';

export interface DrainDeps {
  client: MqttClient;
  outbox: Outbox;
  limiter: RateLimiter;
  deviceId: string;
  readBatch: number;
  maxInflight: number;
  log: Logger;
  onPublished?: (batch: { seq: number; count: number }) => void;
  onError?: (err: Error) => void;
}

/**
 * Moves the outbox to the broker: oldest first, packed into ≤128 KB batches,
 * QoS 1, rows deleted only in the PUBACK callback. A cursor remembers how far
 * rows have been handed to mqtt.js so rows already in flight (which mqtt.js
 * re-sends itself after a reconnect, clean: false) are not published twice.
 */
export class OutboxDrainer {
  private cursor = 0;
  private inflight = 0;
  private running = false;
  private stopped = false;

  constructor(private readonly d: DrainDeps) {}

  /** Something was stored, or the connection came back: send what is waiting. */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.loop()
      .catch((err: Error) => this.d.log.error({ err }, 'drain failed'))
      .finally(() => {
        this.running = false;
      });
  }

  stop(): void {
    this.stopped = true;
  }

  get inFlight(): number {
    return this.inflight;
  }

  private async loop(): Promise<void> {
    const { client, outbox, deviceId } = this.d;
    while (!this.stopped && client.connected && this.inflight < this.d.maxInflight) {
      const rows = outbox.peek(this.cursor, this.d.readBatch);
      if (!rows.length) return;
      const rowidOf = new Map(rows.map((r) => [r.id, r.rowid]));
      const observations = rows.map((r) => JSON.parse(r.body) as Observation);
      const batches = encodeBatch(deviceId, observations, { firstSeq: outbox.nextSeq });
      outbox.reserveSeq(batches.length); // durable before any goes out: a seq is never reused, gaps are fine
      for (const b of batches) {
        await this.d.limiter.take();
        if (this.stopped || !client.connected || this.inflight >= this.d.maxInflight) return; // the cursor still points before b
        this.inflight += 1;
        this.cursor = rowidOf.get(b.ids.at(-1)!)!;
        client.publish(TOPICS.obs(deviceId), b.payload, { qos: 1 }, (err) => {
          this.inflight -= 1;
          if (err) {
            // mqtt.js gave up on it (client ended): read the rows again from the start next time.
            this.cursor = 0;
            this.d.onError?.(err);
            this.d.log.warn({ err: err.message, seq: b.seq }, 'publish failed; rows stay in the outbox');
          } else {
            outbox.remove(b.ids);
            this.d.onPublished?.({ seq: b.seq, count: b.ids.length });
          }
          this.kick();
        });
      }
    }
  }
}
