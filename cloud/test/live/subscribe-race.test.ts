import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { Db } from '../../src/db/index.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { LiveHub, type LiveFrame } from '../../src/live/hub.js';
import { messageOf } from './frames.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { pgliteFactory } from '../support/db.js';

/**
 * A reconnecting socket's replay is read while the hub keeps pushing. Each test forces one
 * interleaving around that read (the repository is held at the exact point), and the socket must
 * still get every event after its cursor once, in id order.
 */
describe('LiveHub subscribe with a cursor while events are pushed', () => {
  let db: Db;
  let hub: LiveHub;
  let events: LiveEventRepository;
  let orgId: string;
  let venueId: string;
  /** the ids pushed to the socket subscribed from the start: tells a test when a push is done */
  const seen = new Set<number>();
  const waiting = new Map<number, () => void>();
  const arrived = (id: number) => (seen.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(id, resolve)));

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const venues = new VenueRepository(db);
    orgId = (await venues.createOrganisation('Race Org')).id;
    venueId = (await venues.createVenue(orgId, { name: 'V' })).id;
    events = new LiveEventRepository(db);
    hub = new LiveHub(db, createLogger('test', { level: 'silent' }));
    await hub.start();
    await hub.subscribe({
      orgId,
      venueId,
      send: (frame) => {
        const m = messageOf(frame);
        seen.add(Number(m.cursor));
        waiting.get(Number(m.cursor))?.();
      },
    });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await hub.stop();
    await pgliteFactory.dispose(db);
  });

  let n = 0;
  const append = () => events.append(orgId, venueId, 'device', { deviceId: `dev-${++n}`, online: true }).then(Number);
  /** appends an event and waits until the hub has pushed it to its sockets */
  const pushed = async () => {
    const id = await append();
    await arrived(id);
    return id;
  };
  const socket = () => {
    const cursors: number[] = [];
    const types: string[] = [];
    const send = (frame: LiveFrame) => {
      const m = messageOf(frame);
      cursors.push(Number(m.cursor));
      types.push(m.type);
    };
    return { cursors, types, subscriber: { orgId, venueId, send } };
  };

  it('sends what is pushed while its replay is read, after the replay (no gap)', async () => {
    const before = await pushed();
    const missed = await pushed();
    let during = 0;
    const after = LiveEventRepository.prototype.after;
    vi.spyOn(LiveEventRepository.prototype, 'after').mockImplementationOnce(async function (this: LiveEventRepository, ...args) {
      const rows = await after.apply(this, args);
      // the replay has been read; this event is committed and pushed before the socket would be added
      during = await pushed();
      return rows;
    });
    const s = socket();
    const unsubscribe = await hub.subscribe(s.subscriber, before);
    const later = await pushed();
    unsubscribe();
    expect(s.cursors).toEqual([missed, during, later]);
  });

  it('sends an event once when the replay reads it while its push is under way (no duplicate)', async () => {
    const before = await pushed();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const readingStarted = new Promise<void>((resolve) => (reading = resolve));
    const byIds = LiveEventRepository.prototype.byIds;
    vi.spyOn(LiveEventRepository.prototype, 'byIds').mockImplementationOnce(async function (this: LiveEventRepository, ids) {
      reading();
      await gate;
      return byIds.call(this, ids);
    });
    const racing = await append();
    const racingArrived = arrived(racing);
    // the hub is reading the event to push it; the replay reads it too
    await readingStarted;
    const s = socket();
    const unsubscribe = await hub.subscribe(s.subscriber, before);
    release();
    await racingArrived;
    const later = await pushed();
    unsubscribe();
    expect(s.cursors).toEqual([racing, later]);
  });

  it('tells a pruned cursor to resync from the newest event, then pushes what comes after it', async () => {
    const before = await pushed();
    let during = 0;
    vi.spyOn(LiveEventRepository.prototype, 'oldestKept').mockImplementationOnce(async () => {
      // pushed while the replay is read; everything up to it is then found pruned
      during = await pushed();
      return during + 1;
    });
    const s = socket();
    const unsubscribe = await hub.subscribe(s.subscriber, before - 1);
    const later = await pushed();
    unsubscribe();
    // the reload the resync asks for shows `during`: it is not sent again
    expect(s.types).toEqual(['resync', 'device']);
    expect(s.cursors).toEqual([during, later]);
  });
});
