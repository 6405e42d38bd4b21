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
/** One device's batch for insertMany. */
export interface ObservationBatchRows {
  orgId: string;
  deviceId: string;
  seq: number;
  rows: ObservationRow[];
  /** what the device last said it runs (its status), kept on every row for drift per model version */
  modelVersions: Record<string, string> | null;
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
    return (await this.insertMany([{ orgId, deviceId, seq, rows: obs, modelVersions }]))[0]!;
  }

  /**
   * Several devices' batches with one statement (ingest commits a run of small messages together:
   * a statement a message was most of its time). Returns each batch's new rows, in the order given;
   * an id in two batches of the call (a message delivered twice) counts as new in the first only.
   */
  async insertMany(batches: readonly ObservationBatchRows[]): Promise<StoredObservation[][]> {
    const all = batches.flatMap((b) => b.rows.map((o) => ({ b, o })));
    if (!all.length) return batches.map(() => []);
    const col = <K extends keyof ObservationRow>(k: K) => all.map(({ o }) => o[k]);
    const { rows } = await this.db.query<StoredObservation>(
      `WITH ins AS (
         INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units, confidence, state, trusted, batch_seq, model_versions)
         SELECT o.id, o.org_id, o.device_id, o.camera_id, o.slot_id, COALESCE(s.item_id, i.id), o.sku, o.at, o.count, o.fills, o.units, o.confidence, o.state, o.trusted, o.seq, o.model_versions
         FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::jsonb[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::int[], $11::jsonb[], $12::numeric[], $13::real[], $14::text[], $15::bool[])
              WITH ORDINALITY AS o(org_id, device_id, seq, model_versions, id, camera_id, slot_id, sku, at, count, fills, units, confidence, state, trusted, n)
         -- lookups by key (LIMIT 1 keeps them so): as plain joins PostgreSQL hashed every slot of the
         -- fleet for each run (47,000 slots, half the statement's time for a run of 900 observations)
         LEFT JOIN LATERAL (
           SELECT s.item_id FROM slots s WHERE s.device_id = o.device_id AND s.camera_id = o.camera_id AND s.id = o.slot_id LIMIT 1
         ) s ON true
         LEFT JOIN LATERAL (SELECT i.id FROM items i WHERE s.item_id IS NULL AND i.org_id = o.org_id AND i.sku = o.sku LIMIT 1) i ON true
         ORDER BY o.n
         ON CONFLICT (id, at) DO NOTHING
         RETURNING id, org_id, device_id, camera_id, slot_id, item_id, units, count, fills, confidence, state, trusted, at
       ), latest AS (
         -- each slot's newest trusted reading, for stock levels (migration 250); only rows new here, and never an older one
         INSERT INTO slot_readings (org_id, device_id, camera_id, slot_id, at, units, confidence)
         SELECT DISTINCT ON (device_id, camera_id, slot_id) org_id, device_id, camera_id, slot_id, at, units, confidence
         FROM ins WHERE trusted ORDER BY device_id, camera_id, slot_id, at DESC
         ON CONFLICT (device_id, camera_id, slot_id) DO UPDATE
           SET at = EXCLUDED.at, units = EXCLUDED.units, confidence = EXCLUDED.confidence
           WHERE EXCLUDED.at > slot_readings.at
       )
       SELECT ins.id, ins.device_id AS "deviceId", ins.camera_id AS "cameraId", ins.slot_id AS "slotId", ins.item_id AS "itemId",
              c.location_id AS "locationId", ins.units, ins.count, ins.fills, ins.confidence, ins.state, ins.trusted, ins.at
       FROM ins LEFT JOIN LATERAL (
         SELECT c.location_id FROM cameras c WHERE c.device_id = ins.device_id AND c.id = ins.camera_id LIMIT 1
       ) c ON true`,
      [
        all.map(({ b }) => b.orgId),
        all.map(({ b }) => b.deviceId),
        all.map(({ b }) => b.seq),
        all.map(({ b }) => (b.modelVersions ? JSON.stringify(b.modelVersions) : null)),
        col('id'),
        col('cameraId'),
        col('slotId'),
        col('sku'),
        col('at'),
        col('count'),
        all.map(({ o }) => JSON.stringify(o.fills)),
        col('units'),
        col('confidence'),
        col('state'),
        col('trusted'),
      ] as never,
      // one SQL text whatever the batches (their rows travel as arrays): planned once per connection
      // rather than on every ingest run (two inserts, four joins)
      { prepare: 'observations_insert_many' },
    );
    const fresh = new Map(rows.map((r) => [`${(r as StoredObservation & { deviceId: string }).deviceId} ${r.id}`, r]));
    return batches.map((b) =>
      b.rows.flatMap((o) => {
        const key = `${b.deviceId} ${o.id}`;
        const row = fresh.get(key);
        if (!row) return [];
        fresh.delete(key);
        const { deviceId: _deviceId, ...stored } = row as StoredObservation & { deviceId: string };
        return [stored];
      }),
    );
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
