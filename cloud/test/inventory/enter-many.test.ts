import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import type { Queryable } from '../../src/db/types.js';
import { repos as inventoryRepos } from '../../src/inventory/inventory.service.js';
import { enterMany, type LedgerEntry } from '../../src/inventory/ledger.js';
import { present } from '../../src/inventory/stock.js';
import type { Location } from '../../src/venues/index.js';
import { repos, type Repos } from '../support/repos.js';
import { pgliteFactory } from '../support/db.js';

/**
 * enterMany works out the level each row leaves instead of reading it back: what it hands the
 * live event and the alert rules must be what the levels query reads once the rows are in, in
 * every case the query's rules tell apart.
 */
describe('enterMany: the level after each movement', () => {
  let db: Db;
  let r: Repos;
  let orgId: string;
  let loc: Location;
  const item: Record<string, string> = {};
  const cameraAt = new Date(Date.now() - 60_000);

  beforeAll(async () => {
    db = await pgliteFactory.open();
    r = repos(db);
    const org = await r.venues.createOrganisation('Ledger Org');
    orgId = org.id;
    const venue = await r.venues.createVenue(orgId, { name: 'V' });
    loc = (await r.venues.createLocation(orgId, { venueId: venue.id, name: 'Main Bar' })) as Location;
    for (const sku of ['WATCHED', 'WELL', 'COUNTED', 'NEW']) item[sku] = (await r.items.create(orgId, { sku, name: sku })).id;
    await r.items.setStockSettings(orgId, { itemId: item.WATCHED!, locationId: loc.id, parLevel: 6, reorderPoint: 2 });
    await r.items.setStockSettings(orgId, { itemId: item.WELL!, locationId: loc.id, parLevel: 4, reorderPoint: 1.5 });
    await r.items.setStockSettings(orgId, { itemId: item.COUNTED!, locationId: loc.id, parLevel: 4, reorderPoint: 1 });
    await r.devices.create(orgId, { id: 'dev-1', venueId: venue.id, name: 'D' });
    const triangle: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
    ];
    await r.devices.replaceCameras(orgId, 'dev-1', [
      {
        id: 'cam-1',
        locationId: loc.id,
        url: 'rtsp://x/y',
        transport: 'tcp',
        sampleEverySeconds: 2,
        enabled: true,
        slots: [{ id: 's1', itemId: item.WATCHED!, polygon: triangle }],
      },
    ]);
    await r.observations.insertBatch(orgId, 'dev-1', 1, [
      {
        id: uuidv7(),
        cameraId: 'cam-1',
        slotId: 's1',
        sku: 'WATCHED',
        at: cameraAt.toISOString(),
        count: 3,
        fills: [1, 1, 1],
        units: 3,
        confidence: 0.9,
        state: 'ok' as const,
        trusted: true,
      },
    ]);
    // the well has a delivery by a person, so its source row has an author with a name
    const user = await r.users.createUser({ email: 'm@x.test', name: 'Mia', passwordHash: 'x' });
    await inventoryRepos(db).transactions.insert(orgId, {
      itemId: item.WELL!,
      locationId: loc.id,
      type: 'RECEIVE',
      quantity: 2,
      part: 'off_camera',
      counted: null,
      partAfter: 2,
      transferId: null,
      before: 0,
      after: 2,
      userId: user.id,
      reason: null,
      sourceType: 'manual',
      sourceId: null,
    });
  });
  afterAll(() => pgliteFactory.dispose(db));

  /** enterMany in a transaction whose levels reads are counted; what it answered, what the query reads after, and the reads. */
  async function enter(entries: Omit<LedgerEntry, 'userId' | 'sourceType'>[]) {
    let levelReads = 0;
    const out = await db.transaction(async (tx) => {
      const counted: Queryable = {
        ...tx,
        query: (sql, params) => {
          // a few items' levels (levelsAt's statement) or the whole location's
          if (/^\s*WITH (p|cam) AS/.test(sql)) levelReads++;
          return tx.query(sql, params);
        },
        exec: (sql) => tx.exec(sql),
        notify: (c, p) => tx.notify(c, p),
      };
      return enterMany(
        inventoryRepos(counted),
        orgId,
        loc,
        entries.map((e) => ({ ...e, userId: null, sourceType: 'pos' })),
      );
    });
    const read = (
      await r.stock.levels(
        orgId,
        loc.id,
        out.map((s) => s.itemId),
      )
    ).map(present);
    return { out, read: out.map((s) => read.find((l) => l.itemId === s.itemId)), levelReads };
  }

  it('a sale now, a sale dated before the camera reading, a well sale and its reversal: as read back, with one read', async () => {
    const sold = await enter([
      { itemId: item.WATCHED!, type: 'SALE', quantity: -0.25, signed: true },
      { itemId: item.WELL!, type: 'SALE', quantity: -0.5, signed: true, at: new Date(Date.now() - 3_600_000) },
    ]);
    expect(sold.out).toEqual(sold.read);
    expect(sold.out.map((s) => s.level)).toEqual([2.75, 1.5]);
    expect(sold.out[1]!.status).toBe('low');
    expect(sold.levelReads).toBe(1);

    // sold before the camera looked: the reading already has it, the level does not move
    const before = await enter([
      { itemId: item.WATCHED!, type: 'SALE', quantity: -1, signed: true, at: new Date(cameraAt.getTime() - 1000) },
    ]);
    expect(before.out).toEqual(before.read);
    expect(before.out[0]!.level).toBe(2.75);

    const reversed = await enter([
      { itemId: item.WELL!, type: 'SALE', quantity: 0.5, signed: true },
      { itemId: item.WATCHED!, type: 'SALE', quantity: 0.1, signed: true, part: 'off_camera' },
    ]);
    expect(reversed.out).toEqual(reversed.read);
    expect(reversed.out.map((s) => s.level)).toEqual([2, 2.85]);
    expect(reversed.levelReads).toBe(1);
  });

  it('two till sales of the same moment (as a POS dates its orders) need no read back; a count at that moment does', async () => {
    const moment = new Date(Date.now() + 60_000);
    const first = await enter([{ itemId: item.WELL!, type: 'SALE', quantity: -0.125, signed: true, at: moment }]);
    const second = await enter([{ itemId: item.WELL!, type: 'SALE', quantity: -0.125, signed: true, at: moment }]);
    expect([first.out, second.out]).toEqual([first.read, second.read]);
    expect([first.levelReads, second.levelReads]).toEqual([1, 1]);
    const count = await enter([{ itemId: item.WELL!, type: 'COUNT', quantity: 1, part: 'off_camera', at: moment }]);
    expect(count.out).toEqual(count.read);
    expect(count.levelReads).toBe(2);
  });

  it('a count makes an item counted and is its latest count; an item with no level before is read back', async () => {
    const counted = await enter([
      { itemId: item.COUNTED!, type: 'SALE', quantity: -1, signed: true },
      { itemId: item.NEW!, type: 'SALE', quantity: -1, signed: true },
    ]);
    expect(counted.out).toEqual(counted.read);
    expect(counted.out[0]!.status).toBe('not_counted');
    expect(counted.levelReads).toBe(2);
    const recount = await enter([{ itemId: item.COUNTED!, type: 'COUNT', quantity: 3, part: 'off_camera' }]);
    expect(recount.out).toEqual(recount.read);
    expect(recount.out[0]).toMatchObject({ level: 3, status: 'ok' });
    expect(recount.out[0]!.offCamera.lastCount).toMatchObject({ units: 3, counted: 'off_camera' });
  });

  it("a few items' levels (read per item from the indexes) are the location's levels (its ledger read at once)", async () => {
    // one more of each kind at the same location: a shelf count by nobody, a transfer in, an archived item's row
    await enter([
      { itemId: item.WATCHED!, type: 'COUNT', quantity: 2, part: 'on_shelf' },
      { itemId: item.WELL!, type: 'TRANSFER', quantity: 1 },
    ]);
    const all = await r.stock.levels(orgId, loc.id);
    expect(all.map((l) => l.itemId).sort()).toEqual(Object.values(item).sort());
    const few = await r.stock.levels(orgId, loc.id, [item.WELL!, item.WATCHED!, item.NEW!]);
    expect(few).toEqual(all.filter((l) => [item.WELL, item.WATCHED, item.NEW].includes(l.itemId)));
    expect(few.find((l) => l.itemId === item.WELL)!.offCount).toMatchObject({ type: 'COUNT', partAfter: 1 });
    expect(few.find((l) => l.itemId === item.WATCHED)!.shelfCount).toMatchObject({ type: 'COUNT', partAfter: 2 });
    // an item with nothing at the location is not listed by either
    const stranger = (await r.items.create(orgId, { sku: 'ELSEWHERE', name: 'Elsewhere' })).id;
    expect(await r.stock.levels(orgId, loc.id, [stranger])).toEqual([]);
  });
});
