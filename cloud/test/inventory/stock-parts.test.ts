import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '../../src/db/index.js';
import { alertsConfigSchema, createAlertEngine, createAlertFeed } from '../../src/alerts/index.js';
import { InventoryService, ObservationService } from '../../src/inventory/index.js';
import { seedDemo, type DemoSeed } from '../../src/seed/seed.service.js';
import { pgliteFactory } from '../support/db.js';
import { slotSeen } from '../support/observations.js';
import { repos, type Repos } from '../support/repos.js';
import { seedMember } from '../alerts/fixtures.js';

const log = pino({ level: 'silent' });
const APEROL = 'APEROL-1000';
const JAMESON = 'JAMESON-750';

/**
 * The stock arithmetic through the services, on PGlite: an item's stock at a location is
 * what the cameras see on its slots there plus the off-camera part, and a camera reading
 * moves only the first.
 */
describe('stock in two parts: on the shelf (cameras) and off camera', () => {
  let db: Db;
  let r: Repos;
  let demo: DemoSeed;
  let inv: InventoryService;
  let cams: ObservationService;
  let engine: ReturnType<typeof createAlertEngine>;
  let sam: { orgId: string; userId: string; role: 'manager' };
  let seq = 0;
  const device = () => ({ id: `bar-pi-${demo.orgId.slice(0, 8)}`, orgId: demo.orgId, venueId: demo.venueId, health: null });

  beforeAll(async () => {
    db = await pgliteFactory.open();
    r = repos(db);
  });
  afterAll(() => pgliteFactory.dispose(db));

  beforeEach(async () => {
    const org = await r.venues.createOrganisation(`Org ${Math.random()}`);
    demo = await seedDemo(db, org.id);
    sam = { orgId: org.id, userId: await seedMember(db, org.id, 'manager', 'Sam'), role: 'manager' };
    // every rule raises on its first reading, so one level decides
    const config = alertsConfigSchema.parse({
      rules: {
        lowStock: { debounce: { raiseAfterReadings: 1 } },
        outOfStock: { debounce: { raiseAfterReadings: 1, clearAfterReadings: 1 } },
      },
    });
    engine = createAlertEngine({ db, config, logger: log });
    const feed = createAlertFeed(engine, db, log);
    inv = new InventoryService(db, feed);
    cams = new ObservationService(db, feed);
    // one camera over Main Bar's back shelf, one slot on Aperol
    await r.devices.create(org.id, { id: device().id, venueId: demo.venueId, name: 'bar-pi' });
    await r.devices.replaceCameras(org.id, device().id, [
      {
        id: 'cam-1',
        locationId: demo.locations.mainBar,
        url: 'rtsp://x/y',
        transport: 'tcp',
        sampleEverySeconds: 2,
        enabled: true,
        slots: [
          {
            id: 's1',
            itemId: demo.items[APEROL]!,
            polygon: [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          },
        ],
      },
    ]);
  });

  const seen = async (units: number): Promise<void> => {
    await cams.record(device(), slotSeen(device().id, ++seq, APEROL, units));
  };
  const level = async (sku: string, loc: keyof DemoSeed['locations']) => {
    const { levels } = await inv.locationStock(demo.orgId, demo.locations[loc]);
    return levels.find((l) => l.itemId === demo.items[sku])!;
  };
  const count = (sku: string, quantity: number, part?: 'on_shelf' | 'off_camera' | 'whole', loc: keyof DemoSeed['locations'] = 'mainBar') =>
    inv.adjust(sam, demo.items[sku]!, { locationId: demo.locations[loc], type: 'COUNT', quantity, part });
  const openAlerts = async () => (await engine.list(demo.orgId)).filter((a) => a.state !== 'resolved');

  it('a camera reading moves only the on-shelf part: an off-camera count stays, and the level is their sum', async () => {
    await seen(1.5);
    expect(await level(APEROL, 'mainBar')).toMatchObject({
      level: 1.5,
      status: 'ok',
      watched: true,
      onShelf: { units: 1.5, source: { kind: 'camera' } },
      offCamera: { units: null, source: null },
    });
    const c = await count(APEROL, 2, 'off_camera');
    expect(c.transaction).toMatchObject({ type: 'COUNT', part: 'off_camera', counted: 'off_camera', quantity: 2, partAfter: 2 });
    expect(c.stock).toMatchObject({ level: 3.5, onShelf: { units: 1.5 }, offCamera: { units: 2 } });
    // the camera reads again: the shelf changes, the count does not
    await seen(0.19);
    const after = await level(APEROL, 'mainBar');
    expect(after).toMatchObject({
      level: 2.19,
      onShelf: { units: 0.19, source: { kind: 'camera' } },
      offCamera: { units: 2, source: { kind: 'count', userName: 'Sam', counted: 'off_camera' } },
    });
    expect(after.offCamera.lastCount).toMatchObject({ units: 2, userId: sam.userId, userName: 'Sam', current: true });
  });

  it('a whole-location count sets the off-camera part to whole − shelf, and the camera keeps its part', async () => {
    await seen(0.19);
    const c = await count(APEROL, 2.5, 'whole');
    expect(c.transaction).toMatchObject({ part: 'off_camera', counted: 'whole', partAfter: 2.31, before: 0.19, after: 2.5 });
    expect(c.stock).toMatchObject({ level: 2.5, onShelf: { units: 0.19 }, offCamera: { units: 2.31 } });
    expect(c.stock.offCamera.lastCount).toMatchObject({ units: 2.5, counted: 'whole' });
    // 11 s later the camera reads 0.19 again: still 2.5, not 0.19
    await seen(0.19);
    expect((await level(APEROL, 'mainBar')).level).toBe(2.5);
    // a whole count below what the cameras see is refused, naming what to do
    await expect(count(APEROL, 0.1, 'whole')).rejects.toMatchObject({ status: 400, field: 'quantity' });
  });

  it('a count without a part counts the whole location', async () => {
    await seen(1);
    const c = await count(APEROL, 4);
    expect(c.transaction).toMatchObject({ counted: 'whole', partAfter: 3 });
    expect(c.stock.level).toBe(4);
  });

  it('an on-shelf count corrects the camera until its next reading, and the person’s number stays in view', async () => {
    await seen(1);
    const c = await count(APEROL, 3, 'on_shelf');
    expect(c.transaction).toMatchObject({ part: 'on_shelf', counted: 'on_shelf', quantity: 2 });
    expect(c.stock).toMatchObject({ level: 3, onShelf: { units: 3, source: { kind: 'count', userName: 'Sam' } } });
    await seen(2);
    const after = await level(APEROL, 'mainBar');
    expect(after.onShelf).toMatchObject({ units: 2, source: { kind: 'camera' } });
    expect(after.onShelf.lastCount).toMatchObject({ units: 3, userName: 'Sam', counted: 'on_shelf', current: false });
    // where no camera watches, there is no shelf to count
    await expect(count(JAMESON, 1, 'on_shelf')).rejects.toMatchObject({ status: 400, field: 'part' });
  });

  it('a delivery goes to the venue’s storage by default, off camera, and says so', async () => {
    const d = await inv.adjust(sam, demo.items[JAMESON]!, { type: 'RECEIVE', quantity: 24 });
    expect(d.transaction).toMatchObject({ locationId: demo.locations.storage, part: 'off_camera', quantity: 24 });
    expect(d.stock).toMatchObject({ locationId: demo.locations.storage, level: 24, status: 'ok' });
    expect(d.stock.offCamera).toMatchObject({ units: 24, source: { kind: 'delivery', userName: 'Sam' } });
    // to the bar when asked, and a camera reading there does not take it back
    await inv.adjust(sam, demo.items[APEROL]!, { type: 'RECEIVE', quantity: 12, locationId: demo.locations.mainBar });
    await seen(1);
    expect((await level(APEROL, 'mainBar')).level).toBe(13);
    await expect(inv.adjust(sam, demo.items[JAMESON]!, { type: 'COUNT', quantity: 1 })).rejects.toMatchObject({ field: 'locationId' });
  });

  it('a transfer moves stock from storage to the bar as two rows, both or neither', async () => {
    await inv.adjust(sam, demo.items[JAMESON]!, { type: 'RECEIVE', quantity: 12 });
    const t = await inv.transfer(sam, demo.items[JAMESON]!, { toLocationId: demo.locations.mainBar, quantity: 3 });
    expect(t.out).toMatchObject({ type: 'TRANSFER', locationId: demo.locations.storage, quantity: -3, transferId: t.transferId });
    expect(t.in).toMatchObject({ type: 'TRANSFER', locationId: demo.locations.mainBar, quantity: 3, transferId: t.transferId });
    expect(t.from).toMatchObject({ level: 9, offCamera: { source: { kind: 'transfer' } } });
    expect(t.to).toMatchObject({ level: 3, status: 'ok' });
    // a refused second half leaves the first undone too
    const before = (await r.transactions.history(demo.orgId, demo.items[JAMESON]!, new Date(0), new Date(Date.now() + 1000))).length;
    await expect(
      inv.transfer(sam, demo.items[JAMESON]!, { toLocationId: demo.locations.mainBar, quantity: 1, toPart: 'on_shelf' }),
    ).rejects.toMatchObject({ field: 'part' });
    expect((await r.transactions.history(demo.orgId, demo.items[JAMESON]!, new Date(0), new Date(Date.now() + 1000))).length).toBe(before);
    expect((await level(JAMESON, 'storage')).level).toBe(9);
  });

  it('an item-location nobody has counted is not_counted, not out, and raises no alert', async () => {
    const rooftop = await level(JAMESON, 'rooftop');
    expect(rooftop).toMatchObject({ status: 'not_counted', level: 0, source: 'none' });
    // a sale from the till at an uncounted location still says nothing about what is there
    const recorded = await db.transaction((tx) =>
      inv.recordSales(tx, demo.orgId, [
        { itemId: demo.items[JAMESON]!, locationId: demo.locations.rooftop, quantity: -0.1, sourceId: 'pos:1' },
      ]),
    );
    await inv.salesCommitted(demo.orgId, recorded);
    expect((await level(JAMESON, 'rooftop')).status).toBe('not_counted');
    expect(await openAlerts()).toEqual([]);
  });

  it('a till sale that leaves an item under its reorder point raises low_stock with the level it leaves, as its live event says', async () => {
    await count(JAMESON, 2.1);
    await seen(3);
    const sell = async (sales: { sku: string; quantity: number }[]) => {
      const recorded = await db.transaction((tx) =>
        inv.recordSales(
          tx,
          demo.orgId,
          sales.map((s, i) => ({
            itemId: demo.items[s.sku]!,
            locationId: demo.locations.mainBar,
            quantity: s.quantity,
            sourceId: `pos:${seq}:${i}`,
          })),
        ),
      );
      await inv.salesCommitted(demo.orgId, recorded);
    };
    const live = async (sku: string) => {
      const { rows } = await db.query<{ data: { level: number; status: string; onShelf: { units: number } } }>(
        `SELECT data FROM live_events WHERE org_id = $1 AND type = 'stock' AND data->>'itemId' = $2 ORDER BY id DESC LIMIT 1`,
        [demo.orgId, demo.items[sku]!],
      );
      return rows[0]!.data;
    };
    await sell([
      { sku: JAMESON, quantity: -0.2 },
      { sku: APEROL, quantity: -0.25 },
    ]);
    const open = await openAlerts();
    expect(open.map((a) => a.rule)).toEqual(['low_stock']);
    expect(open[0]!.message).toBe('Low: Jameson Irish Whiskey 750 ml at Main Bar, 1.9 bottles left (reorder at 2).');
    expect(await live(JAMESON)).toMatchObject({ level: 1.9, status: 'low' });
    // the watched item's sale comes off the shelf the camera read
    expect(await live(APEROL)).toMatchObject({ level: 2.75, onShelf: { units: 2.75 } });
    expect(await level(APEROL, 'mainBar')).toMatchObject({ level: 2.75 });
    // the refund's reversal puts it back, and the live event says so
    await sell([{ sku: JAMESON, quantity: 0.7 }]);
    expect(await live(JAMESON)).toMatchObject({ level: 2.6, status: 'ok' });
  });

  it('zero raises out_of_stock ("Out of …"), a low level low_stock ("Low: …"), never both', async () => {
    await count(JAMESON, 0);
    expect(await level(JAMESON, 'mainBar')).toMatchObject({ status: 'out', level: 0 });
    let open = await openAlerts();
    expect(open.map((a) => a.rule)).toEqual(['out_of_stock']);
    expect(open[0]!.message).toBe('Out of Jameson Irish Whiskey 750 ml at Main Bar.');
    await count(JAMESON, 1.5);
    open = await openAlerts();
    expect(open.map((a) => a.rule)).toEqual(['low_stock']);
    expect(open[0]!.message).toBe('Low: Jameson Irish Whiskey 750 ml at Main Bar, 1.5 bottles left (reorder at 2).');
  });
});
