import type { Queryable } from '../db/types.js';

export interface StockLevel {
  itemId: string;
  locationId: string;
  sku: string;
  name: string;
  parLevel: number;
  reorderPoint: number;
  /** units seen by the cameras (sum of each slot's latest trusted observation), null without camera coverage */
  cameraUnits: number | null;
  cameraAt: Date | null;
  confidence: number | null;
  /** net transactions since the camera reading (all of them without one) */
  manualDelta: number;
  manualAt: Date | null;
  level: number;
}

/**
 * Stock levels are derived, never stored: the latest trusted observation of
 * every slot mapped to the item at the location, plus the transactions since.
 * The LATERAL walks observations_slot_latest, one index probe per slot.
 */
export class StockRepository {
  constructor(private readonly db: Queryable) {}

  async levels(orgId: string, locationId: string, itemIds?: string[]): Promise<StockLevel[]> {
    const { rows } = await this.db.query<StockLevel>(
      `WITH cam AS (
         SELECT s.item_id, sum(lo.units) AS units, max(lo.at) AS at, min(lo.confidence) AS confidence
         FROM cameras c
         JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id AND s.item_id IS NOT NULL
         JOIN LATERAL (
           SELECT units, at, confidence FROM observations o
           WHERE o.device_id = s.device_id AND o.camera_id = s.camera_id AND o.slot_id = s.id AND o.trusted
           ORDER BY o.at DESC LIMIT 1
         ) lo ON true
         WHERE c.org_id = $1 AND c.location_id = $2
         GROUP BY s.item_id
       ), ids AS (
         SELECT item_id FROM item_locations WHERE org_id = $1 AND location_id = $2
         UNION SELECT item_id FROM cam
         UNION SELECT DISTINCT item_id FROM transactions WHERE org_id = $1 AND location_id = $2
       )
       SELECT i.id AS "itemId", $2::uuid AS "locationId", i.sku, i.name,
              COALESCE(il.par_level, 0) AS "parLevel", COALESCE(il.reorder_point, 0) AS "reorderPoint",
              cam.units AS "cameraUnits", cam.at AS "cameraAt", cam.confidence,
              COALESCE(tx.delta, 0) AS "manualDelta", tx.at AS "manualAt",
              COALESCE(cam.units, 0) + COALESCE(tx.delta, 0) AS level
       FROM ids JOIN items i ON i.org_id = $1 AND i.id = ids.item_id AND NOT i.archived
       LEFT JOIN item_locations il ON il.item_id = i.id AND il.location_id = $2
       LEFT JOIN cam ON cam.item_id = i.id
       LEFT JOIN LATERAL (
         SELECT sum(t.quantity) AS delta, max(t.at) AS at FROM transactions t
         WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2 AND (cam.at IS NULL OR t.at > cam.at)
       ) tx ON true
       WHERE ($3::uuid[] IS NULL OR i.id = ANY($3::uuid[]))
       ORDER BY lower(i.name), i.id`,
      [orgId, locationId, itemIds ?? null],
    );
    return rows;
  }
}
