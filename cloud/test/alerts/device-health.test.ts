import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { DeviceStatus } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { defaultAlertsConfig, startAlerts, type RunningAlerts } from '../../src/alerts/index.js';
import { pgliteFactory, recording } from '../support/db.js';
import { manualClock, seedBar, type Bar } from './fixtures.js';

/**
 * A device's status is on the ingest path: a healthy device's subjects (the device, each camera,
 * its outbox) are clear and hold no condition, so they cost one read, not a locked transaction each;
 * a subject that is not clear is still judged.
 */
describe("alert feed: a device's status judged with one read when all is well", () => {
  let db: Db;
  let bar: Bar;
  let alerts: RunningAlerts;
  const sql: string[] = [];
  const clock = manualClock('2026-11-20T18:00:00Z');
  const cams = ['cam-1', 'cam-2', 'cam-3'];
  const status = (stale?: string): DeviceStatus => ({
    v: 1,
    deviceId: bar.deviceId,
    state: 'online',
    at: clock.now().toISOString(),
    agentVersion: '1.0.0',
    uptimeS: 100,
    cameras: cams.map((id) =>
      id === stale
        ? { id, state: 'stale' as const, reason: 'no frame', fps: 0, lastFrameAt: '2026-11-20T17:00:00Z', restarts: 1, droppedFrames: 0 }
        : { id, state: 'streaming' as const, fps: 1, lastFrameAt: clock.now().toISOString(), restarts: 0, droppedFrames: 0 },
    ),
    inferenceMs: { p50: 10, p99: 20 },
    models: {},
    outbox: { depth: 0, droppedRows: 0 },
    configRevision: 1,
  });

  beforeAll(async () => {
    db = await pgliteFactory.open();
    bar = await seedBar(db);
    for (const id of cams)
      await db.query(`INSERT INTO cameras (org_id, device_id, id, location_id, url) VALUES ($1, $2, $3, $4, 'rtsp://cam')`, [
        bar.orgId,
        bar.deviceId,
        id,
        bar.locationId,
      ]);
    // the engine's statements, inside its transactions too
    const watched = recording(db, sql);
    alerts = await startAlerts({ db: watched, config: defaultAlertsConfig(), logger: pino({ level: 'silent' }), now: clock.now });
  });
  afterAll(async () => {
    await alerts.stop();
    await db.close();
  });
  const locks = () => sql.filter((s) => /FOR UPDATE/.test(s)).length;

  it('a healthy status locks nothing', async () => {
    sql.length = 0;
    await alerts.feed.deviceStatus(bar.deviceId, status());
    expect(locks()).toBe(0);
    expect(sql.length).toBeLessThanOrEqual(3);
  });

  it('a stale camera is judged (its condition builds, then it raises); the healthy ones beside it are not', async () => {
    for (let i = 0; i < 3; i++) {
      sql.length = 0;
      clock.advance(60_000);
      await alerts.feed.deviceStatus(bar.deviceId, status('cam-2'));
      expect(locks()).toBe(1);
    }
    const open = await alerts.engine.list(bar.orgId, { states: ['raised'] });
    expect(open.map((a) => [a.rule, a.cameraId])).toEqual([['camera_stale', 'cam-2']]);
  });

  it('the last will is judged, and raises device offline after the grace period', async () => {
    sql.length = 0;
    await alerts.feed.deviceStatus(bar.deviceId, { v: 1, deviceId: bar.deviceId, state: 'offline' });
    expect(locks()).toBe(1);
    clock.advance(6 * 60_000);
    await alerts.engine.tick();
    const open = await alerts.engine.list(bar.orgId, { states: ['raised'] });
    expect(open.map((a) => a.rule).sort()).toEqual(['camera_stale', 'device_offline']);
  });
});
