import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { repos as inventoryRepos } from '../../src/inventory/inventory.service.js';
import { enterMany } from '../../src/inventory/ledger.js';
import type { Location } from '../../src/venues/index.js';
import { repos, type Repos } from '../support/repos.js';
import type { DbFactory } from '../support/db.js';

/**
 * Ingest reads the levels a run moved at every location with one statement (levelsAt), and so do a
 * stock page and a movement (levels(org, location, items)): each location's answer must be what the
 * whole location's statement answers for those items, in every case its rules
 * tell apart (camera reading, counts by a person, transfers, off-camera rows, an item not there).
 */
export function describeStockLevelsMany(f: DbFactory) {
  describe(`StockLevelsManyRepository.levelsAt on ${f.name}`, () => {
    let db: Db;
    let r: Repos;
    let orgId: string;
    const loc: Location[] = [];
    const item: Record<string, string> = {};

    beforeAll(async () => {
      db = await f.open();
      r = repos(db);
      orgId = (await r.venues.createOrganisation('Many Org')).id;
      const triangle: [number, number][] = [
        [0, 0],
        [1, 0],
        [1, 1],
      ];
      for (const sku of ['GIN', 'RUM', 'VODKA', 'NOWHERE']) item[sku] = (await r.items.create(orgId, { sku, name: sku })).id;
      for (const [k, name] of ['Front bar', 'Back bar'].entries()) {
        const venue = await r.venues.createVenue(orgId, { name: `V${k}` });
        const l = (await r.venues.createLocation(orgId, { venueId: venue.id, name })) as Location;
        loc.push(l);
        await r.items.setStockSettings(orgId, { itemId: item.GIN!, locationId: l.id, parLevel: 6, reorderPoint: 2 + k });
        await r.devices.create(orgId, { id: `dev-${k}`, venueId: venue.id, name: 'D' });
        await r.devices.replaceCameras(orgId, `dev-${k}`, [
          {
            id: 'cam-1',
            locationId: l.id,
            url: 'rtsp://x/y',
            transport: 'tcp',
            sampleEverySeconds: 2,
            enabled: true,
            slots: [
              { id: 's1', itemId: item.GIN!, polygon: triangle },
              { id: 's2', itemId: item.GIN!, polygon: triangle },
              ...(k === 0 ? [{ id: 's3', itemId: item.RUM!, polygon: triangle }] : []),
            ],
          },
        ]);
        const at = new Date(Date.now() - 60_000 * (k + 1)).toISOString();
        const reading = (slotId: string, units: number) => ({
          id: uuidv7(),
          cameraId: 'cam-1',
          slotId,
          sku: null,
          at,
          count: Math.ceil(units),
          fills: [units],
          units,
          confidence: 0.8 + k / 10,
          state: 'ok' as const,
          trusted: true,
        });
        await r.observations.insertBatch(orgId, `dev-${k}`, 1, [reading('s1', 2 + k), reading('s2', 0.5), reading('s3', 1)]);
      }
      // a count and a sale on the front bar's shelf after its reading, a delivery to the back bar's storage
      await db.transaction((tx) =>
        enterMany(inventoryRepos(tx), orgId, loc[0]!, [
          { itemId: item.GIN!, type: 'COUNT', quantity: 3, part: 'on_shelf', userId: null, sourceType: 'manual' },
          { itemId: item.RUM!, type: 'SALE', quantity: 1, userId: null, sourceType: 'pos' },
        ]),
      );
      await db.transaction((tx) =>
        enterMany(inventoryRepos(tx), orgId, loc[1]!, [
          { itemId: item.VODKA!, type: 'RECEIVE', quantity: 4, part: 'off_camera', userId: null, sourceType: 'manual' },
        ]),
      );
      // a part whose newest row is not its newest count: the count is looked up, not taken from the newest row
      for (const entry of [
        { itemId: item.GIN!, type: 'COUNT' as const, quantity: 2, part: 'off_camera' as const },
        { itemId: item.GIN!, type: 'RECEIVE' as const, quantity: 1, part: 'off_camera' as const },
      ])
        await db.transaction((tx) => enterMany(inventoryRepos(tx), orgId, loc[1]!, [{ ...entry, userId: null, sourceType: 'manual' }]));
    });
    afterAll(() => f.dispose(db));

    it('answers each location as levels() does for its items, in its order', async () => {
      const wanted = new Map([
        [loc[0]!.id, [item.VODKA!, item.RUM!, item.GIN!, item.NOWHERE!]],
        [loc[1]!.id, [item.GIN!, item.VODKA!, item.RUM!]],
      ]);
      const many = await inventoryRepos(db).stockMany.levelsAt(orgId, wanted);
      for (const [locationId, ids] of wanted) {
        // the whole location's statement (LOCATION_LEVELS), not levelsAt again through levels(org, location, items)
        const one = (await r.stock.levels(orgId, locationId)).filter((l) => ids.includes(l.itemId));
        expect(one.length).toBeGreaterThan(0);
        expect(many.get(locationId)).toEqual(one);
      }
      // what tells the cases apart is there: the camera's reading, the count after it, the delivery
      expect(many.get(loc[0]!.id)!.find((l) => l.itemId === item.GIN)).toMatchObject({ cameraUnits: 2.5, shelfRows: 1 });
      expect(many.get(loc[1]!.id)!.find((l) => l.itemId === item.VODKA)).toMatchObject({ offCamera: 4, watched: false });
      expect(many.get(loc[1]!.id)!.map((l) => l.itemId)).not.toContain(item.RUM);
      expect(many.get(loc[1]!.id)!.find((l) => l.itemId === item.GIN)).toMatchObject({
        offLast: { type: 'RECEIVE' },
        offCount: { type: 'COUNT' },
      });
    });

    it('answers the same when asked again and again with other numbers of pairs (one prepared statement, which PostgreSQL plans generically after five runs)', async () => {
      const asks = [
        new Map([[loc[0]!.id, [item.GIN!]]]),
        new Map([
          [loc[0]!.id, [item.VODKA!, item.RUM!, item.GIN!]],
          [loc[1]!.id, [item.GIN!, item.VODKA!]],
        ]),
        new Map([[loc[1]!.id, [item.VODKA!, item.NOWHERE!]]]),
      ];
      // in one transaction: every run on the same connection, so the sixth on are the generic plan's
      await db.transaction(async (tx) => {
        for (let run = 0; run < 9; run++) {
          const wanted = asks[run % asks.length]!;
          const many = await inventoryRepos(tx).stockMany.levelsAt(orgId, wanted);
          // levels() through tx too: PGlite has one connection, which the transaction holds
          for (const [locationId, ids] of wanted)
            expect(many.get(locationId)).toEqual(
              (await inventoryRepos(tx).stock.levels(orgId, locationId)).filter((l) => ids.includes(l.itemId)),
            );
        }
      });
    });

    it('leaves out a location none of whose items is there, and answers nothing for nothing asked', async () => {
      const many = await inventoryRepos(db).stockMany.levelsAt(orgId, new Map([[loc[1]!.id, [item.NOWHERE!]]]));
      expect(many.size).toBe(0);
      expect((await inventoryRepos(db).stockMany.levelsAt(orgId, new Map())).size).toBe(0);
    });
  });
}
