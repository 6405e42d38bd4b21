import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { LiveEventRepository, LIVE_CHANNEL } from '../../src/live/live-event.repository.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';
import type { DbFactory } from '../support/db.js';

/** appendMany hands the events' data over as one JSON array: each event keeps its own data, type and venue, in order. */
export function describeAppendMany(f: DbFactory) {
  describe(`LiveEventRepository.appendMany on ${f.name}`, () => {
    let db: Db;
    let orgId: string;
    let venueId: string;

    beforeAll(async () => {
      db = await f.open();
      const v = new VenueRepository(db);
      orgId = (await v.createOrganisation('Live Org')).id;
      venueId = (await v.createVenue(orgId, { name: 'V' })).id;
    });
    afterAll(() => f.dispose(db));

    it('stores every event with its own data (multi-byte text too: the data travels as bytes), in the order given, and announces all their ids', async () => {
      const notified: string[] = [];
      const stop = await db.listen(LIVE_CHANNEL, (p) => notified.push(p));
      const events = Array.from({ length: 700 }, (_, i) =>
        i % 2
          ? {
              orgId,
              venueId,
              type: 'stock' as const,
              data: {
                itemId: `item-${i}`,
                level: i / 2,
                quote: 'a "quoted" \\ name',
                name: i % 3 ? 'Crème de cassis ☕' : 'Ågua 🍋 Ünïcode',
              },
            }
          : { orgId, venueId: null, type: 'device' as const, data: { deviceId: `dev-${i}`, online: true } },
      );
      const ids = await db.transaction((tx) => new LiveEventRepository(tx).appendMany(events as never));
      expect(ids).toHaveLength(700);
      const { rows } = await db.query<{ id: number; type: string; venue_id: string | null; data: unknown }>(
        'SELECT id, type, venue_id, data FROM live_events WHERE id = ANY($1::bigint[]) ORDER BY id',
        [ids],
      );
      expect(rows.map((r) => [r.type, r.venue_id, r.data])).toEqual(events.map((e) => [e.type, e.venueId, e.data]));
      await new Promise((r) => setTimeout(r, 50));
      expect(notified.flatMap((p) => p.split(',')).map(Number)).toEqual(ids);
      await stop();
    });

    it("keeps each event's data as it was written, keys in their order (json, migration 276: not parsed into jsonb and printed back)", async () => {
      // jsonb would hand these back shortest key first, then alphabetically: level, itemId, a long key
      const data = { zzLongerKeyFirst: 1, itemId: 'item-x', level: 2.5, fills: [1, 0.5, null] };
      const [id] = await db.transaction((tx) => new LiveEventRepository(tx).appendMany([{ orgId, venueId, type: 'stock', data } as never]));
      const { rows } = await db.query<{ text: string; type: string }>(
        `SELECT data::text AS text, pg_typeof(data)::text AS type FROM live_events WHERE id = $1`,
        [id!],
      );
      expect(rows[0]!.type).toBe('json');
      expect(rows[0]!.text).toBe(JSON.stringify(data));
      const [back] = await new LiveEventRepository(db).byIds([id!]);
      // read back as the text stored, not parsed: the hub sends it as it is
      expect(back!.json).toBe(JSON.stringify(data));
    });

    it('keeps the events of each call apart when called again and again with other counts (one prepared statement, generic after five runs)', async () => {
      await db.transaction(async (tx) => {
        const repo = new LiveEventRepository(tx);
        for (let run = 1; run <= 8; run++) {
          const events = Array.from({ length: run * 3 }, (_, i) => ({ orgId, venueId, type: 'stock' as const, data: { run, i } }));
          const ids = await repo.appendMany(events as never);
          const { rows } = await tx.query<{ data: unknown }>('SELECT data FROM live_events WHERE id = ANY($1::bigint[]) ORDER BY id', [
            ids,
          ]);
          expect(rows.map((r) => r.data)).toEqual(events.map((e) => e.data));
        }
      });
    });
  });
}
