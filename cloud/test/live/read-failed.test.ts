import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { LiveMessage } from '@smartstock/api';
import type { Db } from '../../src/db/index.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { LiveHub, type LiveFrame } from '../../src/live/hub.js';
import { messageOf } from './frames.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { pgliteFactory } from '../support/db.js';

/** The hub could not read a batch it was told of: its sockets never get those events, so they must reload instead. */
describe('LiveHub when a batch of events cannot be read', () => {
  let db: Db;
  let hub: LiveHub;
  let events: LiveEventRepository;
  let orgId: string;
  let venueId: string;
  let otherOrgId: string;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const venues = new VenueRepository(db);
    orgId = (await venues.createOrganisation('Read Org')).id;
    venueId = (await venues.createVenue(orgId, { name: 'V' })).id;
    otherOrgId = (await venues.createOrganisation('Other Org')).id;
    events = new LiveEventRepository(db);
    hub = new LiveHub(db, createLogger('test', { level: 'silent' }));
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await pgliteFactory.dispose(db);
  });

  /** a socket, and a promise of the next message it gets */
  const socket = (org: string, venue: string) => {
    const got: LiveMessage[] = [];
    let next: (m: LiveMessage) => void = () => undefined;
    const subscriber = {
      orgId: org,
      venueId: venue,
      send: (frame: LiveFrame) => {
        const m = messageOf(frame);
        got.push(m);
        next(m);
      },
    };
    return { got, subscriber, nextMessage: () => new Promise<LiveMessage>((resolve) => (next = resolve)) };
  };

  it('tells every socket to resync from the newest id, then pushes what comes after as before', async () => {
    const here = socket(orgId, venueId);
    const elsewhere = socket(otherOrgId, (await new VenueRepository(db).createVenue(otherOrgId, { name: 'W' })).id);
    const unsubscribe = [await hub.subscribe(here.subscriber), await hub.subscribe(elsewhere.subscriber)];
    vi.spyOn(LiveEventRepository.prototype, 'byIds').mockRejectedValueOnce(new Error('connection reset'));
    const told = here.nextMessage();
    const lost = await events.append(orgId, venueId, 'device', { deviceId: 'dev-lost', online: true });
    expect(await told).toEqual({ type: 'resync', cursor: Number(lost), data: { reason: 'unread' } });
    // the batch's organisations are in the rows it could not read: the other organisation's socket reloads too
    expect(elsewhere.got).toEqual([{ type: 'resync', cursor: Number(lost), data: { reason: 'unread' } }]);

    const pushed = here.nextMessage();
    const later = await events.append(orgId, venueId, 'device', { deviceId: 'dev-later', online: false });
    expect(await pushed).toMatchObject({ type: 'device', cursor: Number(later) });
    for (const stop of unsubscribe) stop();
  });
});
