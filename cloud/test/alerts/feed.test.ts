import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { DeviceStatus } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig, startAlerts, type RunningAlerts } from '../../src/alerts/index.js';
import { pgliteFactory } from '../support/db.js';
import { manualClock, seedBar, type Bar } from './fixtures.js';

/** The core's events, as startCloud hands them over, through startAlerts. */
describe('alert feed from device status and stock levels', () => {
  let db: Db;
  let bar: Bar;
  let alerts: RunningAlerts;
  const clock = manualClock('2026-11-20T18:00:00Z');
  const status = (over: { camera?: Partial<DeviceStatus & { state: 'online' }>['cameras']; depth?: number } = {}): DeviceStatus => ({
    v: 1,
    deviceId: bar.deviceId,
    state: 'online',
    at: clock.now().toISOString(),
    agentVersion: '1.0.0',
    uptimeS: 100,
    cameras: over.camera ?? [
      { id: 'cam-1', state: 'streaming', fps: 1, lastFrameAt: clock.now().toISOString(), restarts: 0, droppedFrames: 0 },
    ],
    inferenceMs: { p50: 10, p99: 20 },
    models: {},
    outbox: { depth: over.depth ?? 0, droppedRows: 0 },
    configRevision: 1,
  });

  beforeAll(async () => {
    db = await pgliteFactory.open();
    bar = await seedBar(db);
    await db.query(`INSERT INTO cameras (org_id, device_id, id, location_id, url) VALUES ($1, $2, 'cam-1', $3, 'rtsp://cam')`, [
      bar.orgId,
      bar.deviceId,
      bar.locationId,
    ]);
    alerts = await startAlerts({ db, config: defaultAlertsConfig(), logger: pino({ level: 'silent' }), now: clock.now });
  });
  afterAll(async () => {
    await alerts.stop();
    await db.close();
  });
  const open = async () => (await alerts.engine.list(bar.orgId, { states: ['raised'] })).map((a) => a.rule).sort();

  it('a frozen camera raises camera stale at its location, and vetoes low stock there', async () => {
    const frozen = [
      {
        id: 'cam-1',
        state: 'stale' as const,
        reason: 'no frame',
        fps: 0,
        lastFrameAt: '2026-11-20T17:00:00Z',
        restarts: 2,
        droppedFrames: 0,
      },
    ];
    for (let i = 0; i < 2; i++) {
      clock.advance(60_000);
      await alerts.feed.deviceStatus(bar.deviceId, status({ camera: frozen }));
    }
    for (let i = 0; i < 4; i++)
      await alerts.feed.stockLevels(bar.orgId, bar.venueId, [
        { itemId: bar.itemId, locationId: bar.locationId, level: 0, reorderPoint: 2 },
      ]);
    expect(await open()).toEqual(['camera_stale']);
    const [a] = await alerts.engine.list(bar.orgId);
    expect(a).toMatchObject({ locationId: bar.locationId, cameraId: 'cam-1' });
    expect(a!.message).toMatch(/^Main Bar: camera cam-1 on bar-pi-1 has sent no frame since 17:00/);
  });

  it('the camera recovering clears it; then low stock is judged again', async () => {
    clock.advance(60_000);
    await alerts.feed.deviceStatus(bar.deviceId, status());
    expect(await open()).toEqual([]);
    for (let i = 0; i < 3; i++)
      await alerts.feed.stockLevels(bar.orgId, bar.venueId, [
        { itemId: bar.itemId, locationId: bar.locationId, level: 1.4, reorderPoint: 2 },
      ]);
    expect(await open()).toEqual(['low_stock']);
  });

  it('a growing outbox raises upload backlog; the last will raises device offline after the grace period', async () => {
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await alerts.feed.deviceStatus(bar.deviceId, status({ depth: 1200 }));
    }
    expect(await open()).toEqual(['low_stock', 'outbox_backlog']);
    await alerts.feed.deviceStatus(bar.deviceId, { v: 1, deviceId: bar.deviceId, state: 'offline' });
    clock.advance(6 * 60_000);
    await alerts.engine.tick();
    expect(await open()).toEqual(['device_offline', 'low_stock', 'outbox_backlog']);
  });

  it('every change reached the live event stream in its own transaction', async () => {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM live_events WHERE type = 'alert' AND org_id = $1`, [
      bar.orgId,
    ]);
    expect(rows[0]!.n).toBe(5); // stale raised + resolved, low stock, backlog, offline
  });

  it('an unknown device is ignored, not an error', async () => {
    await expect(alerts.feed.deviceStatus('nobody', { v: 1, deviceId: 'nobody', state: 'offline' })).resolves.toBeUndefined();
  });
});
