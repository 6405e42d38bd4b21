import type { Db } from '../db/types.js';
import { LIVE_CHANNEL, LiveEventRepository, type LiveEvent } from '../repositories/live-event.repository.js';
import type { Logger } from '@smartstock/protocol/runtime';

export interface LiveMessage {
  type: LiveEvent['type'];
  cursor: number;
  data: unknown;
}
export interface LiveSubscriber {
  orgId: string;
  venueId: string;
  send(m: LiveMessage): void;
}

const toMessage = (e: LiveEvent): LiveMessage => ({ type: e.type, cursor: e.id, data: e.data });

/**
 * Fans committed live events out to this instance's WebSockets. Every instance
 * LISTENs; NOTIFY carries the event id, so each instance reads the same rows,
 * whichever instance wrote them. Reads are coalesced: many notifies, one query.
 */
export class LiveHub {
  private readonly subs = new Set<LiveSubscriber>();
  private pending: number[] = [];
  private draining: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly events: LiveEventRepository;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {
    this.events = new LiveEventRepository(db);
  }

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(LIVE_CHANNEL, (payload) => {
      const id = Number(payload);
      if (!Number.isSafeInteger(id)) return;
      this.pending.push(id);
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    await this.draining;
    this.subs.clear();
  }

  /** Adds a socket; with a cursor it first receives every event after it (resync after a reconnect). */
  async subscribe(s: LiveSubscriber, cursor?: number): Promise<() => void> {
    if (cursor !== undefined) {
      for (const e of await this.events.after(cursor, 10_000, { orgId: s.orgId, venueId: s.venueId })) s.send(toMessage(e));
    }
    this.subs.add(s);
    return () => this.subs.delete(s);
  }

  get size(): number {
    return this.subs.size;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const ids = this.pending.splice(0, 500);
      if (!this.subs.size) continue;
      try {
        for (const e of await this.events.byIds(ids)) {
          for (const s of this.subs) {
            if (s.orgId === e.orgId && (e.venueId === null || e.venueId === s.venueId)) s.send(toMessage(e));
          }
        }
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'live events could not be read; clients resync from their cursor');
      }
    }
  }
}
