import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { repos, type Repos } from '../support/repos.js';
import type { DbFactory } from '../support/db.js';

/** Observations (UNNEST insert, idempotent), the ledger and derived stock levels: the same SQL on PGlite and PostgreSQL. */
export function describeStockRepositories(f: DbFactory) {
  describe(`observation, transaction and stock repositories on ${f.name}`, () => {
    let db: Db;
    let r: Repos;
    beforeAll(async () => {
      db = await f.open();
      r = repos(db);
    });
    afterAll(() => f.dispose(db));

    it('stores a batch once, maps slots to items, and derives the level from the latest trusted reading plus later transactions', async () => {
      const org = await r.venues.createOrganisation('Stock Org');
      const other = await r.venues.createOrganisation('Other Org');
      const venue = await r.venues.createVenue(org.id, { name: 'V' });
      const loc = await r.venues.createLocation(org.id, { venueId: venue.id, name: 'Main Bar' });
      const item = await r.items.create(org.id, { sku: 'TITOS-750', name: "Tito's" });
      await r.items.setStockSettings(org.id, { itemId: item.id, locationId: loc.id, parLevel: 6, reorderPoint: 2 });
      await r.devices.create(org.id, { id: 'dev-1', venueId: venue.id, name: 'D' });
      await r.devices.replaceCameras(org.id, 'dev-1', [
        {
          id: 'cam-1',
          locationId: loc.id,
          url: 'rtsp://x/y',
          transport: 'tcp',
          sampleEverySeconds: 2,
          enabled: true,
          slots: [
            {
              id: 's1',
              itemId: item.id,
              polygon: [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            },
          ],
        },
      ]);
      const t0 = new Date(Date.now() - 60_000).toISOString();
      const obs = (units: number, at: string, trusted = true) => ({
        id: uuidv7(),
        cameraId: 'cam-1',
        slotId: 's1',
        sku: 'TITOS-750',
        at,
        count: Math.ceil(units),
        fills: Array.from({ length: Math.ceil(units) }, () => 1),
        units,
        confidence: 0.9,
        state: 'ok' as const,
        trusted,
      });
      const a = obs(3, t0);
      const first = await r.observations.insertBatch(org.id, 'dev-1', 1, [a]);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ itemId: item.id, locationId: loc.id, units: 3, trusted: true });
      expect(await r.observations.insertBatch(org.id, 'dev-1', 1, [a])).toEqual([]);
      // an untrusted later reading does not move the level
      await r.observations.insertBatch(org.id, 'dev-1', 2, [obs(0, new Date(Date.now() - 30_000).toISOString(), false)]);
      await r.transactions.insert(org.id, {
        itemId: item.id,
        locationId: loc.id,
        type: 'SALE',
        quantity: -0.5,
        part: 'on_shelf',
        counted: null,
        partAfter: 2.5,
        transferId: null,
        before: 3,
        after: 2.5,
        userId: null,
        reason: null,
        sourceType: 'pos',
        sourceId: 'x',
      });
      const [level] = await r.stock.levels(org.id, loc.id);
      expect(level).toMatchObject({ itemId: item.id, cameraUnits: 3, manualDelta: -0.5, level: 2.5, parLevel: 6, reorderPoint: 2 });
      expect(await r.stock.levels(other.id, loc.id)).toEqual([]);
      expect(await r.observations.history(org.id, item.id, new Date(Date.now() - 3600_000), new Date())).toHaveLength(2);
      expect(await r.observations.history(other.id, item.id, new Date(Date.now() - 3600_000), new Date())).toEqual([]);
      // the slot's latest reading (slot_readings): an older one delivered late leaves it, a newer one replaces it
      await r.observations.insertBatch(org.id, 'dev-1', 3, [obs(1, new Date(Date.now() - 120_000).toISOString())]);
      expect((await r.stock.levels(org.id, loc.id))[0]).toMatchObject({ cameraUnits: 3, level: 2.5 });
      await r.observations.insertBatch(org.id, 'dev-1', 4, [obs(4, new Date(Date.now() + 1000).toISOString())]);
      expect((await r.stock.levels(org.id, loc.id))[0]).toMatchObject({ cameraUnits: 4, manualDelta: 0, level: 4 });

      // a run of several devices' batches in one statement (ingest): each batch gets its own new rows,
      // an id in two batches of the run is new in the first only, and the slot keeps the run's newest reading
      const otherVenue = await r.venues.createVenue(other.id, { name: 'W' });
      await r.devices.create(other.id, { id: 'dev-2', venueId: otherVenue.id, name: 'D2' });
      const [x, y, z] = [
        obs(5, new Date(Date.now() + 2000).toISOString()),
        obs(6, new Date(Date.now() + 3000).toISOString()),
        obs(1, new Date(Date.now() + 4000).toISOString()),
      ];
      const elsewhere = obs(2, new Date().toISOString());
      const run = await r.observations.insertMany([
        { orgId: org.id, deviceId: 'dev-1', seq: 5, rows: [x, y], modelVersions: null },
        { orgId: other.id, deviceId: 'dev-2', seq: 1, rows: [elsewhere], modelVersions: { counter: 'v2' } },
        { orgId: org.id, deviceId: 'dev-1', seq: 6, rows: [y, z, x], modelVersions: null },
      ]);
      expect(run.map((b) => b.map((o) => o.id))).toEqual([[x.id, y.id], [elsewhere.id], [z.id]]);
      expect(run[0]![0]).toMatchObject({ itemId: item.id, locationId: loc.id, units: 5 });
      expect(run[1]![0]).toMatchObject({ itemId: null, locationId: null });
      expect((await r.stock.levels(org.id, loc.id))[0]).toMatchObject({ cameraUnits: 1, level: 1 });
      const stored = await db.query<{ org_id: string; device_id: string; batch_seq: number; model_versions: unknown }>(
        'SELECT org_id, device_id, batch_seq, model_versions FROM observations WHERE id = ANY($1::uuid[]) ORDER BY at',
        [[x.id, y.id, z.id, elsewhere.id]],
      );
      expect(stored.rows.map((o) => [o.org_id, o.device_id, Number(o.batch_seq), o.model_versions])).toEqual([
        [other.id, 'dev-2', 1, { counter: 'v2' }],
        [org.id, 'dev-1', 5, null],
        [org.id, 'dev-1', 5, null],
        [org.id, 'dev-1', 6, null],
      ]);
    });

    it("pages a location's items in the order levels() answers them: stocked, moved there or watched, none archived", async () => {
      const org = await r.venues.createOrganisation('Paging Org');
      const venue = await r.venues.createVenue(org.id, { name: 'V' });
      const bar = await r.venues.createLocation(org.id, { venueId: venue.id, name: 'Bar' });
      const cellar = await r.venues.createLocation(org.id, { venueId: venue.id, name: 'Cellar' });
      let n = 0;
      const make = (name: string) => r.items.create(org.id, { sku: `PAGE-${n++}`, name });
      const [gin, Gin2, rum, vodka, wine, old, elsewhere] = [
        await make('gin'),
        await make('Gin'),
        await make('rum'),
        await make('vodka'),
        await make('wine'),
        await make('old stock'),
        await make('cellar only'),
      ];
      for (const i of [gin!, Gin2!, vodka!, old!])
        await r.items.setStockSettings(org.id, { itemId: i.id, locationId: bar.id, parLevel: 1, reorderPoint: 0 });
      await r.items.setStockSettings(org.id, { itemId: elsewhere!.id, locationId: cellar.id, parLevel: 1, reorderPoint: 0 });
      // rum only moved there (a ledger row), wine only watched by a camera
      await db.query(
        `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, before, after) VALUES ($1, $2, $3, 'COUNT', 2, 0, 2)`,
        [org.id, rum!.id, bar.id],
      );
      await r.devices.create(org.id, { id: 'dev-page', venueId: venue.id, name: 'D' });
      await r.devices.replaceCameras(org.id, 'dev-page', [
        {
          id: 'cam-1',
          locationId: bar.id,
          url: 'rtsp://x/y',
          transport: 'tcp',
          sampleEverySeconds: 2,
          enabled: true,
          slots: [
            {
              id: 's1',
              itemId: wine!.id,
              polygon: [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            },
          ],
        },
      ]);
      await db.query('UPDATE items SET archived = true WHERE id = $1', [old!.id]);

      const all = (await r.stock.levels(org.id, bar.id)).map((l) => l.itemId);
      expect(new Set(all)).toEqual(new Set([gin!.id, Gin2!.id, rum!.id, vodka!.id, wine!.id]));
      const paged: string[] = [];
      let after: { name: string; id: string } | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await r.stock.pageOfItems(org.id, bar.id, { after, limit: 2 });
        paged.push(...page.map((p) => p.id));
        if (page.length < 2) break;
        after = { name: page[1]!.key, id: page[1]!.id };
      }
      expect(paged).toEqual(all);
    });

    it('keeps dead letters byte for byte with a NUL-safe reason', async () => {
      const bytes = new Uint8Array([0, 1, 2, 255]);
      await r.deadLetters.insert({ topic: 't', deviceId: null, orgId: null, reason: 'bad \u0000 byte', payload: bytes });
      const [d] = await r.deadLetters.list(null, 1);
      expect(new Uint8Array(d!.payload)).toEqual(bytes);
      expect(d!.reason).toBe('bad \\u0000 byte');
    });
  });
}
