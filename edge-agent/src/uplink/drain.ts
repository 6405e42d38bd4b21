import type { MqttClient } from 'mqtt';
import { TOPICS, encodeBatch, type Observation } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { Outbox } from '../store/outbox.js';
import type { RateLimiter } from './rate-limit.js';
import { backoffDelay } from '../backoff.js';
import { watchUnrouted } from './unrouted.js';

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
  /** A batch the broker acknowledged but routed to no one (MQTT 5 "no matching subscribers"). */
  onUnrouted?: (batch: { seq: number; count: number; retryInMs: number }) => void;
  /** The wait after an unrouted batch grows from this to unroutedMaxMs while nobody listens. */
  unroutedMinMs: number;
  unroutedMaxMs: number;
}

/**
 * Moves the outbox to the broker: oldest first, packed into ≤128 KB batches,
 * QoS 1, rows deleted only in the PUBACK callback. A cursor remembers how far
 * rows have been handed to mqtt.js so rows already in flight (which mqtt.js
 * re-sends itself after a reconnect, clean: false) are not published twice.
 * Over MQTT 5 a PUBACK "no matching subscribers" means the broker dropped the
 * batch (the cloud's subscription not yet renewed after a broker restart): its
 * rows stay, and the drain pauses, backing off while nobody listens.
 */
export class OutboxDrainer {
  private cursor = 0;
  private inflight = 0;
  private running = false;
  private stopped = false;
  private unrouted: (messageId: number | undefined) => boolean;
  private unroutedStreak = 0;
  private pausedUntil = 0;
  private resume: NodeJS.Timeout | null = null;
  /** Set when a callback moved the cursor back, so the loop does not move it forward past that. */
  private rewound = false;

  constructor(private readonly deps: DrainDeps) {
    this.unrouted = watchUnrouted(deps.client);
  }

  /** Something was stored, or the connection came back: send what is waiting. */
  kick(): void {
    if (this.running || this.stopped) return;
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.resume ??= setTimeout(() => {
        this.resume = null;
        this.kick();
      }, wait);
      return;
    }
    this.running = true;
    void this.loop()
      .catch((err: Error) => this.deps.log.error({ err }, 'drain failed'))
      .finally(() => {
        this.running = false;
        if (this.pausedUntil > Date.now()) this.kick(); // sets the resume timer
      });
  }

  stop(): void {
    this.stopped = true;
    if (this.resume) clearTimeout(this.resume);
  }

  private rewind(to: number): void {
    this.cursor = Math.min(this.cursor, to);
    this.rewound = true;
  }

  get inFlight(): number {
    return this.inflight;
  }

  private async loop(): Promise<void> {
    const { client, outbox, deviceId } = this.deps;
    while (!this.stopped && client.connected && this.inflight < this.deps.maxInflight && Date.now() >= this.pausedUntil) {
      this.rewound = false;
      const rows = outbox.peek(this.cursor, this.deps.readBatch);
      if (!rows.length) return;
      const rowidOf = new Map(rows.map((row) => [row.id, row.rowid]));
      const observations = rows.map((row) => JSON.parse(row.body) as Observation);
      const batches = encodeBatch(deviceId, observations, { firstSeq: outbox.nextSeq });
      outbox.reserveSeq(batches.length); // durable before any goes out: a seq is never reused, gaps are fine
      for (const b of batches) {
        await this.deps.limiter.take();
        if (this.stopped || !client.connected || this.inflight >= this.deps.maxInflight) return; // the cursor still points before b
        if (this.rewound) break; // a batch came back: read again from it (the cursor points there)
        this.inflight += 1;
        this.cursor = rowidOf.get(b.ids.at(-1)!)!;
        const firstRowid = rowidOf.get(b.ids[0]!)!;
        client.publish(TOPICS.obs(deviceId), b.payload, { qos: 1 }, (err, packet) => {
          this.inflight -= 1;
          if (!err && this.unrouted(packet?.messageId)) {
            // read again from this batch on; a later batch still in flight may go twice (the cloud keys by id)
            this.rewind(firstRowid - 1);
            const retryInMs = backoffDelay(this.unroutedStreak++, this.deps.unroutedMinMs, this.deps.unroutedMaxMs);
            this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryInMs);
            this.deps.onUnrouted?.({ seq: b.seq, count: b.ids.length, retryInMs });
          } else if (err) {
            // mqtt.js gave up on it (client ended): read the rows again from the start next time.
            this.rewind(0);
            this.deps.onError?.(err);
            this.deps.log.warn({ err: err.message, seq: b.seq }, 'publish failed; rows stay in the outbox');
          } else {
            this.unroutedStreak = 0;
            outbox.remove(b.ids);
            this.deps.onPublished?.({ seq: b.seq, count: b.ids.length });
          }
          this.kick();
        });
      }
    }
  }
}
