import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import type { LiveMessage } from '@smartstock/api';
import type { Db } from '../../src/db/index.js';
import { LiveEventRepository } from '../../src/live/live-event.repository.js';
import { pruneLiveEvents } from '../../src/live/live-event-pruner.js';
import { LiveHub } from '../../src/live/hub.js';
import { messageOf } from './frames.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import type { DbFactory } from '../support/db.js';

/** Live events older than live.retentionHours are pruned; a cursor before what is kept gets a resync, never a gap. */
export function describeLivePrune(f: DbFactory) {
  describe(`live event pruning on ${f.name}`, () => {
    let db: Db;
    let orgId: string;
    let venueId: string;
    let hub: LiveHub;
    const ids: number[] = [];

    /** ten events; the first six written two days ago */
    beforeAll(async () => {
      db = await f.open();
      const venues = new VenueRepository(db);
      orgId = (await venues.createOrganisation('Prune Org')).id;
      venueId = (await venues.createVenue(orgId, { name: 'V' })).id;
      const events = new LiveEventRepository(db);
      for (let i = 0; i < 10; i++) ids.push(Number(await events.append(orgId, venueId, 'device', { deviceId: `dev-${i}`, online: true })));
      await db.query(`UPDATE live_events SET at = now() - interval '48 hours' WHERE id = ANY($1::bigint[])`, [ids.slice(0, 6)]);
      hub = new LiveHub(db, createLogger('test', { level: 'silent' }));
    });
    afterAll(() => f.dispose(db));

    const kept = async () => (await db.query<{ id: number }>('SELECT id FROM live_events ORDER BY id')).rows.map((row) => Number(row.id));

    const received = async (cursor: number) => {
      const messages: LiveMessage[] = [];
      const unsubscribe = await hub.subscribe({ orgId, venueId, send: (frame) => messages.push(messageOf(frame)) }, cursor);
      unsubscribe();
      return messages;
    };

    it('replays the events after a cursor while they are all kept', async () => {
      const messages = await received(ids[2]!);
      expect(messages.map((m) => m.cursor)).toEqual(ids.slice(3));
    });

    it('deletes the events older than the retention in batches and keeps the recent ones', async () => {
      // batches of 4: the six old events take two DELETEs, the second finding the first kept event
      expect(await pruneLiveEvents(db, 24, 4)).toBe(6);
      expect(await kept()).toEqual(ids.slice(6));
      expect(await pruneLiveEvents(db, 24, 4)).toBe(0);
    });

    it('tells a dashboard whose cursor was pruned to resync instead of replaying what is left', async () => {
      const messages = await received(ids[2]!);
      expect(messages).toEqual([{ type: 'resync', cursor: ids[9], data: { reason: 'pruned' } }]);
    });

    it('gives a fresh start (cursor 0) what is kept, not a resync: it has missed nothing', async () => {
      const messages = await received(0);
      expect(messages.map((m) => m.cursor)).toEqual(ids.slice(6));
    });

    it('replays as before when the cursor is the newest pruned event (nothing after it is gone)', async () => {
      const messages = await received(ids[5]!);
      expect(messages.map((m) => m.type)).toEqual(['device', 'device', 'device', 'device']);
      expect(messages.map((m) => m.cursor)).toEqual(ids.slice(6));
    });

    it('keeps the prune a prefix in id order: an old event after a recent one waits for it', async () => {
      await db.query(`UPDATE live_events SET at = now() - interval '48 hours' WHERE id = $1`, [ids[8]!]);
      expect(await pruneLiveEvents(db, 24, 4)).toBe(0);
      expect(await kept()).toEqual(ids.slice(6));
    });

    it('resyncs a cursor older than everything once the whole table is pruned', async () => {
      await db.query(`UPDATE live_events SET at = now() - interval '48 hours'`);
      expect(await pruneLiveEvents(db, 24, 4)).toBe(4);
      expect(await received(ids[7]!)).toEqual([{ type: 'resync', cursor: ids[9], data: { reason: 'pruned' } }]);
      // the newest cursor missed nothing
      expect(await received(ids[9]!)).toEqual([]);
    });
  });
}
