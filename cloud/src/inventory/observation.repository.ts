import type { Queryable } from '../db/types.js';

export interface ObservationRow {
  id: string;
  cameraId: string;
  slotId: string;
  sku: string | null;
  at: string;
  count: number;
  fills: (number | null)[];
  units: number;
  confidence: number;
  state: 'ok' | 'occluded' | 'stale';
  trusted: boolean;
}
export interface StoredObservation {
  id: string;
  cameraId: string;
  slotId: string;
  itemId: string | null;
  locationId: string | null;
  units: number;
  count: number;
  fills: (number | null)[];
  confidence: number;
  state: ObservationRow['state'];
  trusted: boolean;
  at: Date;
}
export interface ObservationPoint {
  at: Date;
  units: number;
  cameraId: string;
  slotId: string;
  confidence: number;
  trusted: boolean;
}

/** The observation time series. One UNNEST insert per batch; duplicates (redeliveries) are skipped by
 * (id, at): observations is partitioned by month on at, and a device resends an observation's id with the same at.
 * The same statement keeps slot_readings, each slot's latest trusted reading, which stock levels read. */
export class ObservationRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts a device's batch; returns only the rows that were new, with the item and location their slot maps to.
   * modelVersions: what the device last said it runs (its status), kept on every row for drift per model version.
   */
  async insertBatch(
    orgId: string,
    deviceId: string,
    seq: number,
    obs: ObservationRow[],
    modelVersions: Record<string, string> | null = null,
  ): Promise<StoredObservation[]> {
    const col = <K extends keyof ObservationRow>(k: K) => obs.map((o) => o[k]);
    const { rows } = await this.db.query<StoredObservation>(
      `WITH ins AS (
         INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units, confidence, state, trusted, batch_seq, model_versions)
         SELECT o.id, $1, $2, o.camera_id, o.slot_id, COALESCE(s.item_id, i.id), o.sku, o.at, o.count, o.fills, o.units, o.confidence, o.state, o.trusted, $3, $15::jsonb
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::int[], $10::jsonb[], $11::numeric[], $12::real[], $13::text[], $14::bool[])
              AS o(id, camera_id, slot_id, sku, at, count, fills, units, confidence, state, trusted)
         LEFT JOIN slots s ON s.device_id = $2 AND s.camera_id = o.camera_id AND s.id = o.slot_id
         LEFT JOIN items i ON s.item_id IS NULL AND i.org_id = $1 AND i.sku = o.sku
         ON CONFLICT (id, at) DO NOTHING
         RETURNING id, camera_id, slot_id, item_id, units, count, fills, confidence, state, trusted, at
       ), latest AS (
         -- each slot's newest trusted reading, for stock levels (migration 250); only rows new here, and never an older one
         INSERT INTO slot_readings (org_id, device_id, camera_id, slot_id, at, units, confidence)
         SELECT DISTINCT ON (camera_id, slot_id) $1, $2, camera_id, slot_id, at, units, confidence
         FROM ins WHERE trusted ORDER BY camera_id, slot_id, at DESC
         ON CONFLICT (device_id, camera_id, slot_id) DO UPDATE
           SET at = EXCLUDED.at, units = EXCLUDED.units, confidence = EXCLUDED.confidence
           WHERE EXCLUDED.at > slot_readings.at
       )
       SELECT ins.id, ins.camera_id AS "cameraId", ins.slot_id AS "slotId", ins.item_id AS "itemId", c.location_id AS "locationId",
              ins.units, ins.count, ins.fills, ins.confidence, ins.state, ins.trusted, ins.at
       FROM ins LEFT JOIN cameras c ON c.device_id = $2 AND c.id = ins.camera_id`,
      [
        orgId,
        deviceId,
        seq,
        col('id'),
        col('cameraId'),
        col('slotId'),
        col('sku'),
        col('at'),
        col('count'),
        obs.map((o) => JSON.stringify(o.fills)),
        col('units'),
        col('confidence'),
        col('state'),
        col('trusted'),
        modelVersions ? JSON.stringify(modelVersions) : null,
      ] as never,
    );
    return rows;
  }

  async countByIds(ids: string[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE id = ANY($1::uuid[])', [ids]);
    return rows[0]!.n;
  }

  async count(orgId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE org_id = $1', [orgId]);
    return rows[0]!.n;
  }

  async history(orgId: string, itemId: string, from: Date, to: Date, limit = 5000): Promise<ObservationPoint[]> {
    const { rows } = await this.db.query<ObservationPoint>(
      `SELECT at, units, camera_id AS "cameraId", slot_id AS "slotId", confidence, trusted FROM observations
       WHERE org_id = $1 AND item_id = $2 AND at >= $3 AND at < $4 ORDER BY at LIMIT $5`,
      [orgId, itemId, from, to, limit],
    );
    return rows;
  }
}
