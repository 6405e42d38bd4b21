import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { uuidv7, type ObservationBatch } from '@smartstock/protocol';
import { makeOnlineStatus } from '@smartstock/protocol/testing';
import type { Db } from '../../src/db/index.js';
import { createAlertFeed, type AlertEngine } from '../../src/alerts/index.js';
import { DeviceService } from '../../src/devices/index.js';
import { ObservationService } from '../../src/inventory/index.js';
import { seedDemo, type DemoSeed } from '../../src/seed/seed.service.js';
import { pgliteFactory } from '../support/db.js';
import { repos } from '../support/repos.js';

const log = pino({ level: 'silent' });
/** more items than ingest once let wait for the alert engine (2,000) before it held the commit's caller */
const ITEMS = 2100;
const DEVICE = 'after-commit-edge';

/** An alert engine that records what it is asked to judge and answers only when the test lets it. */
function stuckEngine() {
  const stock: { itemId: string; level: number }[][] = [];
  const health: { deviceId: string; online: boolean }[] = [];
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const engine = {
    stockLevels: async (_orgId: string, readings: { itemId: string; level: number }[]) => {
      stock.push(readings.map(({ itemId, level }) => ({ itemId, level })));
      await gate;
      return [];
    },
    deviceHealth: async (device: { deviceId: string; online: boolean }) => {
      health.push({ deviceId: device.deviceId, online: device.online });
      await gate;
      return [];
    },
  };
  return {
    engine: engine as unknown as AlertEngine,
    stock,
    health,
    release: () => open(),
  };
}

/**
 * Resolves 'held' if `p` has not settled within `ms`: the call waited on the alert engine, which answers
 * only once the test lets it (so a wait is never a slow machine's doing: the engine would never answer).
 */
const within = <T>(p: Promise<T>, ms = 20_000) =>
  Promise.race([p.then(() => 'returned' as const), new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), ms))]);

/**
 * Issue #30: ingest acknowledges a message once its commit resolves, and the alert engine judges
 * what the commit moved after it. Past 2,000 levels waiting, recordMany() waited for the engine, so a
 * fleet's PUBACKs paused for seconds at a time behind judgements that were never part of the guarantee.
 */
describe('alert judgements after an ingest commit never hold the commit’s caller', () => {
  let db: Db;
  let demo: DemoSeed;
  let skus: string[];

  beforeAll(async () => {
    db = await pgliteFactory.open();
    const org = await repos(db).venues.createOrganisation('After Commit Bars');
    demo = await seedDemo(db, org.id);
    skus = Array.from({ length: ITEMS }, (_, k) => `BULK-${k + 1}`);
    await db.query(
      `INSERT INTO items (org_id, sku, name, category, unit_cost) SELECT $1, s, 'Bulk ' || s, 'spirits', 20 FROM unnest($2::text[]) s`,
      [org.id, skus],
    );
    await repos(db).devices.create(org.id, { id: DEVICE, venueId: demo.venueId, name: DEVICE });
    const camera = { id: 'cam-1', locationId: demo.locations.mainBar, url: 'rtsp://x/y', transport: 'tcp' as const };
    await repos(db).devices.replaceCameras(org.id, DEVICE, [{ ...camera, sampleEverySeconds: 2, enabled: true, slots: [] }]);
    // slot s<k> holds item BULK-<k>: what makes a reading a level at the camera's location
    await db.query(
      `INSERT INTO slots (org_id, device_id, camera_id, id, item_id, polygon)
       SELECT $1, $2, 'cam-1', 's' || k, i.id, '[[0,0],[1,0],[1,1],[0,1]]' FROM unnest($3::text[]) WITH ORDINALITY AS x(sku, k)
       JOIN items i ON i.org_id = $1 AND i.sku = x.sku`,
      [org.id, DEVICE, skus],
    );
  }, 60_000);
  afterAll(() => pgliteFactory.dispose(db));

  const batch = (seq: number, units: number): ObservationBatch => ({
    v: 1,
    deviceId: DEVICE,
    seq,
    sentAt: new Date().toISOString(),
    observations: skus.map((sku, k) => ({
      id: uuidv7(),
      cameraId: 'cam-1',
      slotId: `s${k + 1}`,
      sku,
      at: new Date().toISOString(),
      count: units,
      fills: Array.from({ length: units }, () => 1),
      units,
      confidence: 0.9,
      state: 'ok' as const,
      reason: 'change' as const,
    })),
  });

  it(
    'returns from a commit of 2,100 levels while the engine still judges the last one, and judges each item once at its latest',
    { timeout: 90_000 },
    async () => {
      const stuck = stuckEngine();
      const service = new ObservationService(db, createAlertFeed(stuck.engine, db, log));
      const device = { id: DEVICE, orgId: demo.orgId, venueId: demo.venueId, health: null };
      expect(await within(service.record(device, batch(1, 1)))).toBe('returned');
      while (!stuck.stock.length) await new Promise((resolve) => setTimeout(resolve, 10));
      // the engine is judging the first commit's levels and does not answer: the next commit must not wait for it
      expect(await within(service.record(device, batch(2, 2)))).toBe('returned');
      stuck.release();
      const judged = () => stuck.stock.flat().length;
      for (let before = -1; before !== judged();) {
        before = judged();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // every item judged at 2 bottles, once; at 1 bottle only those already under way when 2 committed
      const latest = stuck.stock.flat().filter((r) => r.level === 2);
      expect(latest).toHaveLength(ITEMS);
      expect(new Set(latest.map((r) => r.itemId)).size).toBe(ITEMS);
      expect(stuck.stock.flat().length - ITEMS).toBe(stuck.stock[0]!.length);
    },
  );

  it('judges a device’s statuses through the same queue: never waited for, the latest status once', { timeout: 90_000 }, async () => {
    const stuck = stuckEngine();
    const feed = createAlertFeed(stuck.engine, db, log);
    const devices = new DeviceService(db, { publish: async () => undefined, requestSnapshot: async () => undefined }, feed);
    const online = makeOnlineStatus({ deviceId: DEVICE });
    expect(await within(devices.recordStatus(DEVICE, online))).toBe('returned');
    while (!stuck.health.length) await new Promise((resolve) => setTimeout(resolve, 10));
    // while the first is judged: offline, online, offline again; only the last of them is judged
    expect(await within(devices.recordStatus(DEVICE, { v: 1, deviceId: DEVICE, state: 'offline' }))).toBe('returned');
    expect(await within(devices.recordStatus(DEVICE, online))).toBe('returned');
    expect(await within(devices.recordStatus(DEVICE, { v: 1, deviceId: DEVICE, state: 'offline' }))).toBe('returned');
    stuck.release();
    await feed.afterCommitSettled();
    expect(stuck.health).toEqual([
      { deviceId: DEVICE, online: true },
      { deviceId: DEVICE, online: false },
    ]);
  });
});
