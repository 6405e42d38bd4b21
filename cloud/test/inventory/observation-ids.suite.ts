import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import type { ObservationRow } from '../../src/inventory/observation.repository.js';
import { repos, type Repos } from '../support/repos.js';
import type { DbFactory } from '../support/db.js';
import { oneSlotDevice } from './one-slot-device.js';

const HOUR = 3600;
const DAY_MS = 86_400_000;

/**
 * An observation's id is the device's promise that it is one observation: a second arrival of the id
 * from the same device changes nothing whatever its time (a replay after a clock fix, a bug, a hostile
 * device), though observations is partitioned by month on the time and its key holds it (migration 281).
 * The first arrival wins: it is the one that was acknowledged.
 */
export function describeObservationIds(f: DbFactory) {
  describe(`observation ids on ${f.name}`, () => {
    let db: Db;
    let r: Repos;
    let orgId: string;
    let itemId: string;
    let devices = 0;
    beforeAll(async () => {
      db = await f.open();
      r = repos(db);
      orgId = (await r.venues.createOrganisation('Ids Org')).id;
      itemId = (await r.items.create(orgId, { sku: 'IDS-750', name: 'Ids gin' })).id;
    });
    afterAll(() => f.dispose(db));

    /** A device of its own for each test, one slot showing the item. */
    async function slot() {
      const deviceId = `ids-${++devices}`;
      await oneSlotDevice(r, orgId, itemId, deviceId);
      const t0 = Date.now() - 6 * HOUR * 1000;
      let seq = 0;
      const reading = (count: number, at: number, reason: ObservationRow['reason'] = 'change'): ObservationRow => ({
        id: uuidv7(),
        cameraId: 'cam-1',
        slotId: 's1',
        sku: 'IDS-750',
        at: new Date(t0 + at).toISOString(),
        count,
        fills: Array.from({ length: count }, () => 1),
        units: count,
        confidence: 0.9,
        state: 'ok',
        trusted: true,
        reason,
      });
      const send = async (rows: ObservationRow[], keep = HOUR) =>
        (await r.observations.insertMany([{ orgId, deviceId, seq: ++seq, rows, modelVersions: null }], keep))[0]!;
      const stored = async () =>
        (
          await db.query<{ id: string; at: Date; count: number }>(
            'SELECT id, at, count FROM observations WHERE device_id = $1 ORDER BY at, id',
            [deviceId],
          )
        ).rows;
      const latest = async () =>
        (await db.query<{ at: Date; count: number }>('SELECT at, count FROM slot_readings WHERE device_id = $1', [deviceId])).rows[0]!;
      return { deviceId, reading, send, stored, latest, at: (ms: number) => new Date(t0 + ms) };
    }

    it('a second arrival of an id with another time, even another month, is not stored and does not move the slot', async () => {
      const s = await slot();
      const first = s.reading(3, 0);
      expect(await s.send([first])).toHaveLength(1);
      const change = s.reading(2, 60_000);
      await s.send([change]);
      // the first one again, its time moved forward (into next month's partition) and its reading with it
      for (const later of [40 * DAY_MS, 90_000, -40 * DAY_MS]) {
        expect(await s.send([{ ...first, at: s.at(later).toISOString() }])).toEqual([]);
        expect(await s.send([{ ...first, count: 5, units: 5, at: s.at(later).toISOString() }], 0)).toEqual([]);
      }
      expect((await s.stored()).map((o) => o.id)).toEqual([first.id, change.id]);
      expect(await s.latest()).toEqual({ at: s.at(60_000), count: 2 });
      // the same time, as before
      expect(await s.send([first, change])).toEqual([]);
      expect(await s.stored()).toHaveLength(2);
    });

    it('an id twice in one batch, or in two batches of one call, at two times: the first is stored, once', async () => {
      const s = await slot();
      const one = s.reading(3, 0);
      const two = s.reading(4, 30_000);
      const out = await s.send([
        one,
        { ...one, count: 1, units: 1, at: s.at(60_000).toISOString() },
        two,
        { ...two, at: s.at(-60_000).toISOString() },
      ]);
      expect(out.map((o) => [o.id, o.at])).toEqual([
        [one.id, s.at(0)],
        [two.id, s.at(30_000)],
      ]);
      expect(await s.stored()).toEqual([
        { id: one.id, at: s.at(0), count: 3 },
        { id: two.id, at: s.at(30_000), count: 4 },
      ]);
      expect(await s.latest()).toEqual({ at: s.at(30_000), count: 4 });
      // two batches of one call (a message delivered twice, re-stamped): the first batch's copy
      const three = s.reading(2, 90_000);
      const both = await r.observations.insertMany(
        [
          { orgId, deviceId: s.deviceId, seq: 90, rows: [three], modelVersions: null },
          { orgId, deviceId: s.deviceId, seq: 91, rows: [{ ...three, at: s.at(120_000).toISOString() }], modelVersions: null },
        ],
        HOUR,
      );
      expect(both.map((b) => b.map((o) => o.at))).toEqual([[s.at(90_000)], []]);
      expect(await s.latest()).toEqual({ at: s.at(90_000), count: 2 });
    });

    it('a folded heartbeat sent again with a later time is not news and does not move the slot', async () => {
      const s = await slot();
      await s.send([s.reading(3, 0)]);
      const beat = s.reading(3, 60_000, 'heartbeat');
      expect(await s.send([beat])).toMatchObject([{ id: beat.id, folded: true }]);
      expect(await s.send([{ ...beat, at: s.at(120_000).toISOString() }])).toEqual([]);
      expect(await s.latest()).toEqual({ at: s.at(60_000), count: 3 });
      // and once flushed into observations by a change, it is known there
      await s.send([s.reading(2, 180_000)]);
      expect(await s.send([{ ...beat, at: s.at(240_000).toISOString() }])).toEqual([]);
      expect((await s.stored()).map((o) => o.count)).toEqual([3, 3, 2]);
      expect(await s.latest()).toEqual({ at: s.at(180_000), count: 2 });
    });
  });
}
