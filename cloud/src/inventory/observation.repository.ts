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
  /** what the device said (protocol): a heartbeat re-reports an unchanged slot; absent: a change */
  reason?: 'change' | 'heartbeat' | undefined;
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
  /** a heartbeat folded into its slot's reading (no row of observations): see foldedReadingsSql */
  folded: boolean;
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

/**
 * Folding unchanged heartbeats (a fleet's heartbeats are most of its rows, and say again what is
 * stored). Per row of the input `o`, beside its slot's reading in slot_readings (migration 291):
 * - unchanged: trusted, with the slot's reading (item, count, units, fills: every figure a row holds
 *   but the confidence, which moves frame to frame and is no part of the level), whatever its reason and time;
 * - same: an unchanged heartbeat at or after the time the reading was stored and within $17 seconds
 *   of it, and the slot's previous row in this statement (by time) a trusted one with that reading
 *   too, so a reading that changed and changed back within one statement is stored;
 * - folded: same, and the slot's next row here (if any) unchanged too: the last heartbeat before a
 *   reading changes is stored, so the time a reading was last seen before it changed is kept (variance
 *   reads the sales around a fall from the time of the row before it);
 * - flushes: the first row after the slot's folded heartbeat (slot_readings.seen_id), and changed:
 *   that heartbeat is stored with it, for the same reason;
 * - run_stored_at: for a folded row, the time of the stored row its reading is that of.
 * A change, an untrusted row, and any row of a slot with no reading is stored.
 */
const foldedReadingsSql = `r AS (
    SELECT o.*, u.unchanged,
           COALESCE(o.reason = 'heartbeat' AND $17::int > 0
             AND o.at >= o.stored_at AND o.at < o.stored_at + make_interval(secs => $17::int)
             AND u.unchanged
             AND (lag(o.n) OVER w IS NULL
                  OR lag(ROW(o.trusted, o.item_id, o.count, o.units, o.fills)) OVER w IS NOT DISTINCT FROM ROW(true, o.item_id, o.count, o.units, o.fills)),
             false) AS same
    FROM o CROSS JOIN LATERAL (
      SELECT COALESCE(o.trusted AND o.item_id IS NOT DISTINCT FROM o.seen_item_id AND o.count = o.seen_count
        AND o.units::numeric(10, 3) = o.seen_units AND o.fills = o.seen_fills, false) AS unchanged
    ) u
    WINDOW w AS (PARTITION BY o.device_id, o.camera_id, o.slot_id ORDER BY o.at, o.n)
  ), f AS (
    SELECT r.*, r.same AND COALESCE(lead(r.unchanged) OVER w, true) AS folded,
           r.seen_id IS NOT NULL AND r.at > r.seen_at AND NOT r.unchanged AND COALESCE(lag(r.at) OVER w <= r.seen_at, true) AS flushes,
           GREATEST(r.stored_at, max(r.at) FILTER (WHERE NOT r.same) OVER w) AS run_stored_at
    FROM r WINDOW w AS (PARTITION BY r.device_id, r.camera_id, r.slot_id ORDER BY r.at, r.n)
  )`;

/** The observation time series. One UNNEST insert per batch. An id a device has had stored before is skipped
 * whatever its time (a redelivery, or a replay re-stamped): the first arrival wins, as it is the one acknowledged.
 * observations is partitioned by month on at, so its key (id, at) cannot say that: the statement claims each
 * stored id in observation_ids (migration 281), and a folded heartbeat's id is known as its slot's seen_id.
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
   *
   * heartbeatKeepSeconds > 0 folds unchanged heartbeats (see foldedReadingsSql): a folded one is
   * returned with folded: true when it brought its slot's time forward (it is news to the live
   * stream and the alert engine, as its row was), and not at all when it did not (a redelivery).
   */
  async insertMany(batches: readonly ObservationBatchRows[], heartbeatKeepSeconds = 0): Promise<StoredObservation[][]> {
    // an id once per device, its first in the call (a message delivered twice, or re-stamped), dropped here:
    // DISTINCT ON in the statement was a sort, and its estimate (one row) made the joins after it nested loops
    const sent = new Set<string>();
    const all = batches.flatMap((b, i) =>
      b.rows.flatMap((o) => {
        const key = `${b.deviceId} ${o.id}`;
        return sent.has(key) ? [] : (sent.add(key), [{ batch: i + 1, o }]);
      }),
    );
    if (!all.length) return batches.map(() => []);
    const col = <K extends keyof ObservationRow>(k: K) => all.map(({ o }) => o[k]);
    const { rows } = await this.db.query<
      Pick<StoredObservation, 'id' | 'itemId' | 'locationId' | 'units' | 'folded'> & { deviceId: string }
    >(
      `WITH o AS (
         -- only an id this device has not had stored (each once in the call, see above): claimed in
         -- observation_ids (migration 281) or folded as its slot's last heartbeat (seen_id)
         SELECT o.*, COALESCE(s.item_id, i.id) AS item_id,
                sr.at AS seen_at, sr.stored_at, sr.seen_id, sr.item_id AS seen_item_id, sr.count AS seen_count,
                sr.fills AS seen_fills, sr.units AS seen_units, sr.confidence AS seen_confidence
         -- a batch's organisation, device, seq and models once (a run's thousands of rows are a hundred batches)
         FROM (
           SELECT b.org_id, b.device_id, b.seq, b.model_versions, x.*
           FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::int[], $11::jsonb[], $12::numeric[], $13::real[], $14::text[], $15::bool[], $16::text[], $18::int[])
                WITH ORDINALITY AS x(id, camera_id, slot_id, sku, at, count, fills, units, confidence, state, trusted, reason, batch, n)
           JOIN unnest($1::uuid[], $2::text[], $3::bigint[], $4::jsonb[]) WITH ORDINALITY AS b(org_id, device_id, seq, model_versions, batch)
             ON b.batch = x.batch
         ) o
         -- lookups by key (LIMIT 1 keeps them so): as plain joins PostgreSQL hashed every slot of the
         -- fleet for each run (47,000 slots, half the statement's time for a run of 900 observations)
         LEFT JOIN LATERAL (
           SELECT s.item_id FROM slots s WHERE s.device_id = o.device_id AND s.camera_id = o.camera_id AND s.id = o.slot_id LIMIT 1
         ) s ON true
         LEFT JOIN LATERAL (SELECT i.id FROM items i WHERE s.item_id IS NULL AND i.org_id = o.org_id AND i.sku = o.sku LIMIT 1) i ON true
         LEFT JOIN LATERAL (
           SELECT sr.* FROM slot_readings sr WHERE sr.device_id = o.device_id AND sr.camera_id = o.camera_id AND sr.slot_id = o.slot_id LIMIT 1
         ) sr ON true
         -- an anti join (probes of its key), not a lateral filter: estimated as one row in a thousand, that made
         -- every join after it a nested loop (the folded rows against the slots they moved: seconds a run)
         WHERE NOT EXISTS (SELECT FROM observation_ids k WHERE k.device_id = o.device_id AND k.id = o.id)
           AND o.id IS DISTINCT FROM sr.seen_id
       ), ${foldedReadingsSql}, keep AS (
         SELECT n, id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units, confidence, state, trusted, seq, model_versions
         FROM f WHERE NOT folded
         UNION ALL
         -- the slot's last folded heartbeat, now that a row after it is stored
         (SELECT DISTINCT ON (device_id, camera_id, slot_id) 0, seen_id, org_id, device_id, camera_id, slot_id, seen_item_id, sku, seen_at,
                 seen_count, seen_fills, seen_units, seen_confidence, 'ok', true, seq, model_versions
          FROM f WHERE flushes ORDER BY device_id, camera_id, slot_id)
       ), claimed AS (
         -- the first arrival of an id is the one stored, whatever the time of a later one (migration 281)
         INSERT INTO observation_ids (device_id, id, org_id, at)
         SELECT device_id, id, org_id, at FROM keep ORDER BY n
         ON CONFLICT (device_id, id) DO NOTHING
         RETURNING device_id, id
       ), ins AS (
         INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units, confidence, state, trusted, batch_seq, model_versions)
         SELECT id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units, confidence, state, trusted, seq, model_versions
         FROM keep JOIN claimed USING (device_id, id)
         ORDER BY n
         -- another device's id at the same time (ids are per device): skipped, as before
         ON CONFLICT (id, at) DO NOTHING
         RETURNING id, org_id, device_id, camera_id, slot_id, item_id, units, count, fills, confidence, state, trusted, at
       ), latest AS (
         -- each slot's newest trusted reading, for stock levels (migration 250), stored or folded (migration 291):
         -- only rows new here, and never an older one
         INSERT INTO slot_readings (org_id, device_id, camera_id, slot_id, at, units, confidence, item_id, count, fills, stored_at, seen_id)
         SELECT DISTINCT ON (device_id, camera_id, slot_id) org_id, device_id, camera_id, slot_id, at, units, confidence, item_id, count, fills,
                stored_at, seen_id
         FROM (
           SELECT org_id, device_id, camera_id, slot_id, at, units, confidence, item_id, count, fills, at AS stored_at, NULL::uuid AS seen_id
           FROM ins WHERE trusted
           UNION ALL
           SELECT org_id, device_id, camera_id, slot_id, at, units, confidence, item_id, count, fills, run_stored_at, id FROM f WHERE folded
         ) x
         ORDER BY device_id, camera_id, slot_id, at DESC
         ON CONFLICT (device_id, camera_id, slot_id) DO UPDATE
           SET at = EXCLUDED.at, units = EXCLUDED.units, confidence = EXCLUDED.confidence, item_id = EXCLUDED.item_id,
               count = EXCLUDED.count, fills = EXCLUDED.fills, seen_id = EXCLUDED.seen_id,
               stored_at = CASE WHEN EXCLUDED.seen_id IS NULL THEN EXCLUDED.stored_at
                                ELSE GREATEST(slot_readings.stored_at, EXCLUDED.stored_at) END
           WHERE EXCLUDED.at > slot_readings.at
         RETURNING device_id, camera_id, slot_id
       ), fresh AS (
         SELECT id, device_id, camera_id, slot_id, item_id, units, count, fills, confidence, state, trusted, at, false AS folded FROM ins
         UNION ALL
         -- folded heartbeats that brought their slot forward (checked under the row's lock, so a
         -- redelivery, or the same message committing beside it, is not news twice)
         SELECT f.id, f.device_id, f.camera_id, f.slot_id, f.item_id, f.units, f.count, f.fills, f.confidence, f.state, f.trusted, f.at, true
         FROM f JOIN latest l ON l.device_id = f.device_id AND l.camera_id = f.camera_id AND l.slot_id = f.slot_id
         WHERE f.folded AND f.at > f.seen_at
       )
       -- only what the batch's rows do not already say (the rest is theirs, as stored): printing every
      -- column of every row back was a tenth of the statement
      SELECT fresh.id, fresh.device_id AS "deviceId", fresh.item_id AS "itemId", c.location_id AS "locationId", fresh.units, fresh.folded
       FROM fresh LEFT JOIN LATERAL (
         SELECT c.location_id FROM cameras c WHERE c.device_id = fresh.device_id AND c.id = fresh.camera_id LIMIT 1
       ) c ON true`,
      [
        batches.map((b) => b.orgId),
        batches.map((b) => b.deviceId),
        batches.map((b) => b.seq),
        batches.map((b) => (b.modelVersions ? JSON.stringify(b.modelVersions) : null)),
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
        all.map(({ o }) => o.reason ?? 'change'),
        heartbeatKeepSeconds,
        all.map(({ batch }) => batch),
      ] as never,
      // one SQL text whatever the batches (their rows travel as arrays): planned once per connection
      // rather than on every ingest run (two inserts, four joins)
      { prepare: 'observations_insert_many' },
    );
    const fresh = new Map(rows.map((r) => [`${r.deviceId} ${r.id}`, r]));
    return batches.map((b) =>
      b.rows.flatMap((o) => {
        const key = `${b.deviceId} ${o.id}`;
        const row = fresh.get(key);
        if (!row) return [];
        fresh.delete(key);
        const { id, cameraId, slotId, count, fills, confidence, state, trusted } = o;
        const { itemId, locationId, units, folded } = row;
        return [{ id, cameraId, slotId, itemId, locationId, units, count, fills, confidence, state, trusted, at: new Date(o.at), folded }];
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
