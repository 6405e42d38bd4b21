import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7, type ObservationBatch } from '@smartstock/protocol';
import type { Db } from '../../src/db/index.js';
import { ObservationService, type ObservingDevice } from '../../src/inventory/index.js';
import type { Location } from '../../src/venues/index.js';
import { pgFactory } from '../support/db.js';
import { repos } from '../support/repos.js';

const SLOTS = 24;
const triangle: [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 1],
];

/**
 * Ingest commits two runs at once (AckBatcher concurrentBatches), as two cloud instances on one
 * shared subscription always could: on real PostgreSQL (PGlite has one connection), two runs that
 * write the same slots, in opposite orders, must neither deadlock nor leave the older reading as
 * a slot's latest, and a message in both (a redelivery) must be stored once.
 */
describe('ObservationService.recordMany, two runs at once on PostgreSQL', () => {
  let db: Db;
  let orgId: string;
  let device: ObservingDevice;

  beforeAll(async () => {
    db = await pgFactory.open();
    const r = repos(db);
    orgId = (await r.venues.createOrganisation('Concurrent Org')).id;
    const gin = (await r.items.create(orgId, { sku: 'GIN', name: 'Gin' })).id;
    const rum = (await r.items.create(orgId, { sku: 'RUM', name: 'Rum' })).id;
    const venue = await r.venues.createVenue(orgId, { name: 'V' });
    const location = (await r.venues.createLocation(orgId, { venueId: venue.id, name: 'Back bar' })) as Location;
    await r.devices.create(orgId, { id: 'dev-c', venueId: venue.id, name: 'D' });
    await r.devices.replaceCameras(orgId, 'dev-c', [
      {
        id: 'cam-1',
        locationId: location.id,
        url: 'rtsp://x/y',
        transport: 'tcp',
        sampleEverySeconds: 2,
        enabled: true,
        slots: Array.from({ length: SLOTS }, (_, k) => ({ id: `s${k}`, itemId: k % 2 ? gin : rum, polygon: triangle })),
      },
    ]);
    device = { id: 'dev-c', orgId, venueId: venue.id, health: null };
  });
  afterAll(() => pgFactory.dispose(db));

  const batch = (seq: number, at: Date, units: number, slots: number[]): ObservationBatch => ({
    v: 1,
    deviceId: 'dev-c',
    seq,
    sentAt: at.toISOString(),
    observations: slots.map((k) => ({
      id: uuidv7(),
      cameraId: 'cam-1',
      slotId: `s${k}`,
      sku: null,
      at: at.toISOString(),
      count: units,
      fills: Array.from({ length: units }, () => 1),
      units,
      confidence: 0.9,
      state: 'ok' as const,
      reason: 'heartbeat' as const,
    })),
  });

  it('keeps each slot at its newest reading, stores a message in both runs once, and never deadlocks', async () => {
    // every heartbeat stored (keep 0): each round repeats the last one's readings, which would fold,
    // and this is about two runs writing the same rows at once (heartbeat-fold.suite.ts is about folding)
    const service = new ObservationService(db, undefined, { heartbeatKeepSeconds: 0 });
    const up = Array.from({ length: SLOTS }, (_, k) => k);
    const down = [...up].reverse();
    let seq = 0;
    for (let round = 0; round < 20; round++) {
      const older = new Date(Date.UTC(2026, 0, 1, 0, 0, round * 2));
      const newer = new Date(older.getTime() + 1000);
      const shared = batch(seq++, older, 1, [0, 1, 2]);
      // the older run writes the slots upwards, the newer one downwards: crosswise, were the rows locked in arrival order
      const [a, b] = await Promise.all([
        service.recordMany([
          { device, batch: shared },
          { device, batch: batch(seq++, older, 2, up) },
        ]),
        service.recordMany([
          { device, batch: batch(seq++, newer, 5, down) },
          { device, batch: shared },
        ]),
      ]);
      expect(a[0]!.stored + b[1]!.stored).toBe(3);
      expect(a[1]!.stored).toBe(SLOTS);
      expect(b[0]!.stored).toBe(SLOTS);
      const { rows } = await db.query<{ units: number; at: Date }>(
        `SELECT units::float8 AS units, at FROM slot_readings WHERE device_id = 'dev-c' ORDER BY slot_id`,
      );
      expect(rows).toHaveLength(SLOTS);
      for (const row of rows) expect({ units: row.units, at: row.at.getTime() }).toEqual({ units: 5, at: newer.getTime() });
    }
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations WHERE device_id = 'dev-c'`);
    expect(rows[0]!.n).toBe(20 * (3 + 2 * SLOTS));
  });
});
