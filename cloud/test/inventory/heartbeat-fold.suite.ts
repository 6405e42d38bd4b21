import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import type { ObservationRow } from '../../src/inventory/observation.repository.js';
import { ObservationService } from '../../src/inventory/index.js';
import { CorrectionRepository, type CorrectableSlot } from '../../src/corrections/correction.repository.js';
import { repos, type Repos } from '../support/repos.js';
import type { DbFactory } from '../support/db.js';
import { oneSlotDevice, SLOT_POLYGON } from './one-slot-device.js';

const HOUR = 3600;
const MINUTE_MS = 60_000;

/** Unchanged heartbeats folded into their slot's reading (migration 291): the same SQL on PGlite and PostgreSQL. */
export function describeHeartbeatFold(f: DbFactory) {
  describe(`heartbeat fold on ${f.name}`, () => {
    let db: Db;
    let r: Repos;
    let orgId: string;
    let itemId: string;
    let devices = 0;
    beforeAll(async () => {
      db = await f.open();
      r = repos(db);
      const org = await r.venues.createOrganisation('Fold Org');
      orgId = org.id;
      itemId = (await r.items.create(orgId, { sku: 'FOLD-750', name: 'Fold gin' })).id;
    });
    afterAll(() => f.dispose(db));

    /** A device of its own for each test, one slot showing the item. */
    async function slot() {
      const deviceId = `fold-${++devices}`;
      const { venue, location: loc } = await oneSlotDevice(r, orgId, itemId, deviceId);
      const t0 = Date.now() - 6 * HOUR * 1000;
      let seq = 0;
      /** count bottles, the last one half full, `minutes` after t0 */
      const reading = (count: number, minutes: number, reason: ObservationRow['reason'] = 'heartbeat'): ObservationRow => {
        const fills = Array.from({ length: count }, (_, k) => (k === count - 1 ? 0.5 : 1));
        return {
          id: uuidv7(),
          cameraId: 'cam-1',
          slotId: 's1',
          sku: 'FOLD-750',
          at: new Date(t0 + minutes * MINUTE_MS).toISOString(),
          count,
          fills,
          units: count - 0.5,
          confidence: 0.8 + Math.random() * 0.1,
          state: 'ok',
          trusted: true,
          reason,
        };
      };
      const send = async (rows: ObservationRow[], keep = HOUR) =>
        (await r.observations.insertMany([{ orgId, deviceId, seq: ++seq, rows, modelVersions: null }], keep))[0]!;
      const stored = async () =>
        (await db.query<{ id: string }>('SELECT id FROM observations WHERE device_id = $1 ORDER BY at, id', [deviceId])).rows.map(
          (o) => o.id,
        );
      const latest = async () =>
        (
          await db.query<{ at: Date; units: string; seen_id: string | null }>(
            'SELECT at, units::text AS units, seen_id FROM slot_readings WHERE device_id = $1',
            [deviceId],
          )
        ).rows[0]!;
      /** through the service, as ingest records a message: what it came to, and the live events it wrote */
      const record = async (service: ObservationService, rows: ObservationRow[]) => {
        const cursor = await r.live.lastId();
        const device = { id: deviceId, orgId, venueId: venue.id, health: null };
        const observations = rows.map(({ trusted: _trusted, ...o }) => ({ ...o, reason: o.reason ?? 'change' }));
        const out = await service.record(device, { v: 1, deviceId, seq: ++seq, sentAt: new Date().toISOString(), observations });
        return { out, events: (await r.live.after(cursor)).map((e) => e.type) };
      };
      const corrected: CorrectableSlot = {
        deviceId,
        cameraId: 'cam-1',
        slotId: 's1',
        itemId,
        polygon: SLOT_POLYGON,
        locationId: loc.id,
        venueId: venue.id,
        deviceOnline: true,
      };
      return { reading, send, stored, latest, record, corrected, at: (minutes: number) => new Date(t0 + minutes * MINUTE_MS) };
    }

    it('stores one row for unchanged heartbeats within the window, brings the slot time forward, and a redelivery changes nothing', async () => {
      const s = await slot();
      const first = s.reading(3, 0, 'change');
      expect(await s.send([first])).toHaveLength(1);
      const beats = [5, 10, 15].map((m) => s.reading(3, m));
      for (const beat of beats) {
        // news to the live stream once (its row was): folded, not stored
        expect(await s.send([beat])).toMatchObject([{ id: beat.id, folded: true, units: 2.5 }]);
        expect((await s.latest()).at).toEqual(new Date(beat.at));
      }
      expect(await s.stored()).toEqual([first.id]);
      const before = await s.latest();
      expect(await s.send([beats[2]!])).toEqual([]);
      expect(await s.send([beats[1]!])).toEqual([]);
      expect(await s.stored()).toEqual([first.id]);
      expect(await s.latest()).toEqual(before);
      // a batch of heartbeats in one statement folds alike
      expect(await s.send([s.reading(3, 20), s.reading(3, 25)])).toHaveLength(2);
      expect(await s.stored()).toEqual([first.id]);
      // the window is counted from the stored row: a heartbeat an hour after it is stored, and starts the next
      const late = s.reading(3, 60);
      expect(await s.send([late])).toMatchObject([{ id: late.id, folded: false }]);
      await s.send([s.reading(3, 65)]);
      expect(await s.stored()).toEqual([first.id, late.id]);
      expect((await s.latest()).at).toEqual(s.at(65));
    });

    it('a correction of the reading the dashboard shows finds a folded heartbeat, and counts from its time', async () => {
      const s = await slot();
      await s.send([s.reading(3, 0, 'change')]);
      const shown = s.reading(3, 5);
      await s.send([shown]);
      const corrections = new CorrectionRepository(db);
      const answer = { observationId: shown.id, observedAt: new Date(shown.at), count: 3, fills: [1, 1, 0.5], units: 2.5, trusted: true };
      expect(await corrections.latestAnswer(orgId, s.corrected, shown.id)).toMatchObject(answer);
      expect(await corrections.latestAnswer(orgId, s.corrected)).toMatchObject(answer);
      expect(await corrections.unitsNow(orgId, s.corrected)).toBe(2.5);
    });

    it('stores a heartbeat whose reading differs, every change, and the last heartbeat seen before a change', async () => {
      const s = await slot();
      const first = s.reading(3, 0, 'change');
      await s.send([first]);
      const unchanged = s.reading(3, 5);
      const lastSeen = s.reading(3, 10);
      await s.send([unchanged]);
      await s.send([lastSeen]);
      const differs = s.reading(2, 15); // a heartbeat (say the change was lost) with another reading
      expect(await s.send([differs])).toMatchObject([{ id: differs.id, folded: false, units: 1.5 }]);
      expect(await s.stored()).toEqual([first.id, lastSeen.id, differs.id]);
      const same = s.reading(2, 20, 'change'); // a change is stored even when it reads the same
      expect(await s.send([same])).toMatchObject([{ id: same.id, folded: false }]);
      // one statement: the reading changes and changes back; the heartbeat back is stored, as is the one before the change
      const [a, b, c, d] = [s.reading(2, 25), s.reading(4, 30, 'change'), s.reading(2, 35), s.reading(2, 40)];
      await s.send([d, c, b, a]);
      expect(await s.stored()).toEqual([first.id, lastSeen.id, differs.id, same.id, a.id, b.id, c.id]);
      expect(await s.latest()).toMatchObject({ at: s.at(40), units: '1.500', seen_id: d.id });
      // an untrusted heartbeat is stored (history), and moves nothing
      const stale = { ...s.reading(2, 45), state: 'stale' as const, trusted: false };
      await s.send([stale]);
      expect((await s.stored()).at(-1)).toBe(stale.id);
    });

    it('stores every heartbeat with a keep of 0', async () => {
      const s = await slot();
      const rows = [s.reading(3, 0, 'change'), s.reading(3, 5), s.reading(3, 10)];
      for (const row of rows) expect(await s.send([row], 0)).toMatchObject([{ id: row.id, folded: false }]);
      const kept = new ObservationService(db, undefined, { heartbeatKeepSeconds: 0 });
      const more = s.reading(3, 15);
      expect((await s.record(kept, [more])).out).toEqual({ stored: 1, folded: 0, duplicates: 0 });
      expect(await s.stored()).toEqual([...rows, more].map((o) => o.id));
    });

    it('a folded heartbeat is news to the live stream (and so the alert engine) once, as its row was', async () => {
      const s = await slot();
      const service = new ObservationService(db); // the default keep: an hour
      expect(await s.record(service, [s.reading(3, 0, 'change')])).toEqual({
        out: { stored: 1, folded: 0, duplicates: 0 },
        events: ['observation', 'stock'],
      });
      const beat = s.reading(3, 5);
      expect(await s.record(service, [beat])).toEqual({ out: { stored: 0, folded: 1, duplicates: 0 }, events: ['observation', 'stock'] });
      expect(await s.record(service, [beat])).toEqual({ out: { stored: 0, folded: 0, duplicates: 1 }, events: [] });
      expect(await s.stored()).toHaveLength(1);
    });
  });
}
