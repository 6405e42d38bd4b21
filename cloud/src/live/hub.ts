import type { Db } from '../db/types.js';
import { LIVE_CHANNEL, LiveEventRepository, type LiveEvent } from './live-event.repository.js';
import type { Logger } from '@smartstock/runtime';
import type { LiveMessage } from '@smartstock/api';

/**
 * A LiveMessage as the socket carries it: JSON, UTF-8. One frame per event is built and the same
 * Buffer handed to every socket it goes to (ws writes a Buffer as it is; a string it encodes per socket).
 */
export type LiveFrame = Buffer;

export interface LiveSubscriber {
  orgId: string;
  venueId: string;
  send(frame: LiveFrame): void;
}

/**
 * An event's message, its data the stored JSON text as it is (never parsed and stringified again);
 * the keys in LiveMessage's order: type, cursor, data (a client may read the cursor from the first bytes).
 */
const frameOf = (event: LiveEvent): LiveFrame =>
  Buffer.from(`{"type":${JSON.stringify(event.type)},"cursor":${Number(event.id)},"data":${event.json}}`);
const frameOfMessage = (message: LiveMessage): LiveFrame => Buffer.from(JSON.stringify(message));

/** An event on its way to the sockets: its id and its one frame. */
interface Push {
  id: number;
  frame: LiveFrame;
}

/** Ids already pushed, remembered so a catch-up after a bus outage does not push them twice. */
const REMEMBERED = 10_000;
/** events replayed after a reconnect; beyond them the client is told to resync */
const REPLAY = 10_000;

/** A subscriber as the hub holds it: from the moment it subscribes, so no push can fall between its replay and its first push. */
interface Socket {
  subscriber: LiveSubscriber;
  /** events pushed while its replay is being read, sent after the replay; undefined once it is live */
  held: Push[] | undefined;
  /** ids the replay sent whose push is still to come: each dropped once, when it comes */
  replayed: Set<number>;
}

/**
 * Fans committed live events out to this instance's WebSockets. Every instance
 * listens on the db's bus (NOTIFY, or Redis pub/sub); the message carries only
 * the event id, so each instance reads the same rows, whichever instance wrote
 * them. Reads are coalesced: many notifies, one query. When the bus says it may
 * have dropped messages, the hub reads what it missed after the highest id seen
 * (and below it, what committed late: LiveEventRepository.after).
 */
export class LiveHub {
  private readonly subs = new Set<Socket>();
  /** the sockets by organisation, then venue: an ingest run's thousands of events each looked at every socket */
  private readonly byOrg = new Map<string, Map<string, Set<Socket>>>();
  private pending: number[] = [];
  private readonly pushed = new Set<number>();
  /** the ids of the batch read and not yet fanned out: pushed, yet still to reach the sockets */
  private fanning = new Set<number>();
  private highest = 0;
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
    this.highest = await this.events.lastId();
    this.unlisten = await this.db.listen(
      LIVE_CHANNEL,
      // one id, or several comma-separated (LiveEventRepository.appendMany)
      (payload) => {
        const ids = payload.split(',').map(Number).filter(Number.isSafeInteger);
        if (ids.length) this.enqueue(ids);
      },
      () => void this.catchUp(),
    );
  }

  private enqueue(ids: number[]): void {
    this.pending.push(...ids);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async catchUp(): Promise<void> {
    try {
      const missed = await this.events.after(this.highest, 10_000);
      this.log.info({ after: this.highest, missed: missed.length }, 'live bus back; pushing what it missed');
      this.enqueue(missed.map((event) => event.id));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'live catch-up failed; clients resync from their cursor');
    }
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    await this.draining;
    this.subs.clear();
  }

  /**
   * Adds a socket; with a cursor it first receives every event after it (after a reconnect), or, when
   * they cannot all be replayed, one resync message: the client reloads what it shows instead.
   * The socket is held from the start: what is pushed while the replay is read waits and follows it,
   * in id order, without what the replay already sent.
   */
  async subscribe(subscriber: LiveSubscriber, cursor?: number): Promise<() => void> {
    const socket: Socket = { subscriber, held: cursor === undefined ? undefined : [], replayed: new Set() };
    const unsubscribe = this.add(socket);
    if (cursor === undefined) return unsubscribe;
    try {
      await this.replay(socket, cursor);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  private add(socket: Socket): () => void {
    const { orgId, venueId } = socket.subscriber;
    this.subs.add(socket);
    const venues = this.byOrg.get(orgId) ?? new Map<string, Set<Socket>>();
    this.byOrg.set(orgId, venues);
    const here = venues.get(venueId) ?? new Set<Socket>();
    venues.set(venueId, here);
    here.add(socket);
    return () => {
      this.subs.delete(socket);
      here.delete(socket);
      if (!here.size && venues.get(venueId) === here) venues.delete(venueId);
      if (!venues.size && this.byOrg.get(orgId) === venues) this.byOrg.delete(orgId);
    };
  }

  private async replay(socket: Socket, cursor: number): Promise<void> {
    const subscriber = socket.subscriber;
    const missed = await this.events.after(cursor, REPLAY, { orgId: subscriber.orgId, venueId: subscriber.venueId });
    // read after the replay: a prune in between then costs a needless resync, never a silent gap
    const oldest = await this.events.oldestKept();
    // cursor 0 is a fresh start, not a reconnect: it has missed nothing, so what is kept is its history
    const reason = cursor > 0 && cursor + 1 < oldest ? 'pruned' : missed.length >= REPLAY ? 'too-many' : undefined;
    if (!reason) {
      const sent = new Set(missed.map((event) => Number(event.id)));
      for (const event of missed) subscriber.send(frameOf(event));
      this.goLive(socket, (id) => sent.has(id));
      // a push of a replayed event may still come: its notify not handled yet (past the highest, or queued),
      // or in the batch being fanned out. Only those are kept, so the set empties as they come; a writer that
      // committed behind a later id's push is the one case left out: a rare duplicate, never a gap
      const queued = new Set(this.pending);
      for (const id of sent) if (id > this.highest || queued.has(id) || this.fanning.has(id)) socket.replayed.add(id);
      return;
    }
    // the reload that follows shows everything up to now: resume after the newest event, or after the
    // pruned ones when none is kept (else the next reconnect would resync again)
    const newest = Math.max(Number(await this.events.lastId()), oldest - 1, Number(missed.at(-1)?.id ?? 0));
    this.log.info({ cursor, oldest, reason }, 'live cursor cannot be replayed; client told to resync');
    subscriber.send(frameOfMessage({ type: 'resync', cursor: newest, data: { reason } }));
    // what is held up to the resync's cursor is in the reload; a later push of an older id (its writer
    // committed late) still goes out: the client keeps the highest cursor, and nothing is lost
    this.goLive(socket, (id) => id <= newest);
  }

  /** Sends what was held during the replay, in id order, once each and without what `sent` says went already; then pushes go straight out. */
  private goLive(socket: Socket, sent: (id: number) => boolean): void {
    const held = new Map((socket.held ?? []).map((push) => [push.id, push.frame]));
    socket.held = undefined;
    for (const id of [...held.keys()].sort((a, b) => a - b)) if (!sent(id)) socket.subscriber.send(held.get(id)!);
  }

  private deliver(socket: Socket, push: Push): void {
    if (socket.held) socket.held.push(push);
    else if (!socket.replayed.delete(push.id)) socket.subscriber.send(push.frame);
  }

  private remember(id: number): void {
    this.pushed.add(id);
    if (id > this.highest) this.highest = id;
    // a Set iterates in insertion order: the first is the oldest
    if (this.pushed.size > REMEMBERED) this.pushed.delete(this.pushed.values().next().value!);
  }

  get size(): number {
    return this.subs.size;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const ids = this.pending.splice(0, 2000).filter((id) => !this.pushed.has(id));
      for (const id of ids) this.remember(id);
      if (!this.subs.size || !ids.length) continue;
      this.fanning = new Set(ids);
      try {
        for (const event of await this.events.byIds(ids)) {
          const venues = this.byOrg.get(event.orgId);
          if (!venues) continue;
          // an event of no venue goes to every socket of its organisation
          const to = event.venueId === null ? [...venues.values()] : [venues.get(event.venueId) ?? []];
          // built once, after it is known someone gets it; a socket dropped as too slow leaves its set meanwhile
          let push: Push | undefined;
          for (const set of to) for (const socket of set) this.deliver(socket, (push ??= { id: Number(event.id), frame: frameOf(event) }));
        }
      } catch (err) {
        // which organisations the batch was for is in the rows not read: every socket reloads what it shows
        this.log.warn({ err: (err as Error).message, sockets: this.subs.size }, 'live events could not be read; clients told to resync');
        const resync = frameOfMessage({ type: 'resync', cursor: this.highest, data: { reason: 'unread' } });
        for (const socket of this.subs) socket.subscriber.send(resync);
      } finally {
        this.fanning = new Set();
      }
    }
  }
}
