import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { Db } from '../../src/db/index.js';
import { LIVE_CHANNEL, LiveEventRepository } from '../../src/live/live-event.repository.js';
import { LiveHub, type LiveFrame, type LiveSubscriber } from '../../src/live/hub.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { pgliteFactory } from '../support/db.js';
import { messageOf } from './frames.js';

/**
 * One event goes to many dashboards: the hub builds its frame once, from the JSON text stored, and hands
 * the same bytes to every socket of the event's organisation and venue, and to no other.
 */
describe('LiveHub fan-out to many sockets', () => {
  let db: Db;
  let hub: LiveHub;
  let events: LiveEventRepository;
  let orgId: string;
  let venueId: string;
  let otherVenueId: string;
  let otherOrgId: string;
  let otherOrgVenueId: string;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const venues = new VenueRepository(db);
    orgId = (await venues.createOrganisation('Fan Org')).id;
    venueId = (await venues.createVenue(orgId, { name: 'Main' })).id;
    otherVenueId = (await venues.createVenue(orgId, { name: 'Rooftop' })).id;
    otherOrgId = (await venues.createOrganisation('Other Org')).id;
    otherOrgVenueId = (await venues.createVenue(otherOrgId, { name: 'Elsewhere' })).id;
    events = new LiveEventRepository(db);
    hub = new LiveHub(db, createLogger('test', { level: 'silent' }));
    await hub.start();
  });
  afterAll(async () => {
    await hub.stop();
    await pgliteFactory.dispose(db);
  });

  /** a socket that keeps the frames it is sent */
  const socket = (org: string, venue: string) => {
    const frames: LiveFrame[] = [];
    const subscriber: LiveSubscriber = { orgId: org, venueId: venue, send: (frame) => frames.push(frame) };
    return { frames, subscriber };
  };
  /** until every socket has `count` frames */
  const until = async (sockets: { frames: LiveFrame[] }[], count: number) => {
    for (let i = 0; i < 500 && sockets.some((s) => s.frames.length < count); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("sends 50 sockets of a venue one frame object per event, the stored text as it is, and other venues' and organisations' sockets nothing", async () => {
    const watching = Array.from({ length: 50 }, () => socket(orgId, venueId));
    const otherVenue = socket(orgId, otherVenueId);
    const otherOrg = socket(otherOrgId, otherOrgVenueId);
    const unsubscribe = await Promise.all([...watching, otherVenue, otherOrg].map((s) => hub.subscribe(s.subscriber)));

    // as a writer other than appendMany may store it: its text, spaces and all, is what the sockets get
    const text = '{"deviceId": "dev-1",  "online": true, "configError": "quote \\" and \u00e9"}';
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO live_events (org_id, venue_id, type, data) VALUES ($1, $2, 'device', $3) RETURNING id`,
      [orgId, venueId, text],
    );
    const id = Number(rows[0]!.id);
    await db.notify(LIVE_CHANNEL, String(id));
    await until(watching, 1);

    expect(new Set(watching.map((s) => s.frames[0])).size).toBe(1);
    expect(watching[0]!.frames[0]!.toString('utf8')).toBe(`{"type":"device","cursor":${id},"data":${text}}`);
    expect(messageOf(watching[0]!.frames[0]!)).toEqual({ type: 'device', cursor: id, data: JSON.parse(text) });

    // an event of no venue goes to every venue of its organisation, the same frame to each
    const orgWide = Number(await events.append(orgId, null, 'device', { deviceId: 'dev-2', online: false }));
    await until([...watching, otherVenue], 2);
    expect(new Set([...watching, otherVenue].map((s) => s.frames.at(-1))).size).toBe(1);
    expect(messageOf(otherVenue.frames.at(-1)!)).toMatchObject({ cursor: orgWide });

    // the other organisation's own event tells where its socket stands: everything before it has been fanned out
    const theirs = Number(await events.append(otherOrgId, null, 'device', { deviceId: 'dev-3', online: true }));
    await until([otherOrg], 1);
    expect(otherOrg.frames.map((f) => messageOf(f).cursor)).toEqual([theirs]);
    expect(otherVenue.frames.map((f) => messageOf(f).cursor)).toEqual([orgWide]);
    expect(watching.every((s) => s.frames.length === 2)).toBe(true);
    for (const stop of unsubscribe) stop();
  });
});
