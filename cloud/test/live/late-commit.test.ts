import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import { pgliteFactory } from '../support/db.js';

/**
 * LiveEventRepository.after on PGlite (one connection, so no two transactions at once): a writer that took
 * its id before the cursor's event and committed after it is played by taking the id first and inserting
 * the row later (late-commit.int.test.ts has the real race on PostgreSQL).
 */
describe('LiveEventRepository.after with an event committed after a higher id', () => {
  let db: Db;
  let events: LiveEventRepository;
  let orgId: string;
  let venueId: string;

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const venues = new VenueRepository(db);
    orgId = (await venues.createOrganisation('Late Org')).id;
    venueId = (await venues.createVenue(orgId, { name: 'V' })).id;
    events = new LiveEventRepository(db);
  });
  afterAll(() => pgliteFactory.dispose(db));

  const append = (deviceId: string) => events.append(orgId, venueId, 'device', { deviceId, online: true }).then(Number);

  it('sends the late event below the cursor, and none the cursor had', async () => {
    const before = await append('before');
    const { rows } = await db.query<{ id: string }>(`SELECT nextval('live_events_id_seq') AS id`);
    const late = Number(rows[0]!.id);
    const cursor = await append('cursor');
    await db.query(`INSERT INTO live_events (id, org_id, venue_id, type, data) VALUES ($1, $2, $3, 'device', '{"deviceId":"late"}')`, [
      late,
      orgId,
      venueId,
    ]);
    const after = await append('after');
    expect(late).toBeLessThan(cursor);
    expect((await events.after(cursor, 100, { orgId, venueId })).map((e) => Number(e.id))).toEqual([late, after]);
    expect((await events.after(before, 100, { orgId, venueId })).map((e) => Number(e.id))).toEqual([late, cursor, after]);
    // the hub's catch-up reads with no scope
    expect((await events.after(cursor, 100)).map((e) => Number(e.id))).toEqual([late, after]);
  });
});
