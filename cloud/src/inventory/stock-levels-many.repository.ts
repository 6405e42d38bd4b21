import type { Queryable } from '../db/types.js';
import { partRow, type StockLevel } from './stock.repository.js';

/** The newest row of one item's part at p's location (countOnly: its newest count), with its author's name, as JSON. */
const NEWEST = (part: 'on_shelf' | 'off_camera', countOnly: boolean) => `
  SELECT json_build_object('type', t.type, 'counted', t.counted, 'partAfter', t.part_after::float8, 'after', t.after::float8,
                           'at', t.at, 'userId', t.user_id, 'userName', u.name) AS row
  FROM transactions t LEFT JOIN users u ON u.id = t.user_id
  WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id AND t.part = '${part}'${countOnly ? " AND t.type = 'COUNT'" : ''}
  ORDER BY t.at DESC, t.id DESC LIMIT 1`;

/**
 * StockRepository's ITEMS_LEVELS for many (location, item) pairs at once: the same rules, each
 * pair's sums and newest rows read from the ledger's indexes, with p.location_id where that reads $2.
 * $1 org, $2 and $3 the pairs' locations and items.
 */
const PAIRS_LEVELS = `
  WITH p AS (SELECT DISTINCT location_id, item_id FROM unnest($2::uuid[], $3::uuid[]) AS x(location_id, item_id)),
  cam AS (
    SELECT c.location_id, s.item_id, sum(lo.units) AS units, max(lo.at) AS at, min(lo.confidence) AS confidence
    FROM cameras c
    JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id
    LEFT JOIN slot_readings lo ON lo.device_id = s.device_id AND lo.camera_id = s.camera_id AND lo.slot_id = s.id
    WHERE c.org_id = $1 AND c.location_id IN (SELECT location_id FROM p) AND (c.location_id, s.item_id) IN (SELECT location_id, item_id FROM p)
    GROUP BY c.location_id, s.item_id
  )
  SELECT (row_number() OVER (PARTITION BY p.location_id ORDER BY lower(i.name), i.id))::int AS place, i.id AS "itemId",
         p.location_id AS "locationId", i.sku, i.name,
         COALESCE(il.par_level, 0) AS "parLevel", COALESCE(il.reorder_point, 0) AS "reorderPoint",
         cam.item_id IS NOT NULL AS watched,
         cam.units AS "cameraUnits", cam.at AS "cameraAt", cam.confidence,
         COALESCE(sh.delta, 0) AS "manualDelta", sh.at AS "manualAt", sh.n::int AS "shelfRows",
         off.units AS "offCamera", off.at AS "offCameraAt",
         (cam.at IS NOT NULL OR EXISTS (
           SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id
             AND (t.type IN ('COUNT', 'RECEIVE') OR (t.type = 'TRANSFER' AND t.quantity > 0)))) AS figured,
         (${NEWEST('on_shelf', false)}) AS "shelfLast",
         (${NEWEST('on_shelf', true)}) AS "shelfCount",
         (${NEWEST('off_camera', false)}) AS "offLast",
         (${NEWEST('off_camera', true)}) AS "offCount",
         COALESCE(cam.units, 0) + COALESCE(sh.delta, 0) + COALESCE(off.units, 0) AS level
  FROM p
  JOIN items i ON i.id = p.item_id
  LEFT JOIN item_locations il ON il.item_id = i.id AND il.location_id = p.location_id
  LEFT JOIN cam ON cam.item_id = i.id AND cam.location_id = p.location_id
  CROSS JOIN LATERAL (
    SELECT sum(t.quantity) AS delta, max(t.at) AS at, count(*) AS n FROM transactions t
    WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id AND t.part = 'on_shelf' AND (cam.at IS NULL OR t.at > cam.at)
  ) sh
  CROSS JOIN LATERAL (
    SELECT sum(t.quantity) AS units, max(t.at) AS at FROM transactions t
    WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id AND t.part = 'off_camera'
  ) off
  WHERE i.org_id = $1 AND NOT i.archived
    AND (il.item_id IS NOT NULL OR cam.item_id IS NOT NULL
         OR EXISTS (SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id))`;

/**
 * The levels of a few items at each of many locations with one statement: what an ingest run moved
 * across a fleet's venues. A query a location was most of a run's time on the acknowledgement's
 * path (each planned and sent on its own, ~100 of them for a run of 200 messages).
 */
export class StockLevelsManyRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * For each location of `wanted`, the levels of its items as StockRepository.levels(org, location, items)
   * answers them (same rows, same order); a location with none of them is absent.
   */
  async levelsAt(orgId: string, wanted: ReadonlyMap<string, readonly string[]>): Promise<Map<string, StockLevel[]>> {
    const locations: string[] = [];
    const items: string[] = [];
    for (const [locationId, ids] of wanted)
      for (const id of ids) {
        locations.push(locationId);
        items.push(id);
      }
    const out = new Map<string, StockLevel[]>();
    if (!items.length) return out;
    // one SQL text whatever the pairs (they travel as arrays): planned once per connection, since planning
    // this statement of six subqueries a pair is a large part of what it costs an ingest run
    const { rows } = await this.db.query<StockLevel & { place: number; [k: string]: unknown }>(PAIRS_LEVELS, [orgId, locations, items], {
      prepare: 'stock_pairs_levels',
    });
    rows.sort((a, b) => (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : a.place - b.place));
    for (const { place: _, ...r } of rows) {
      const list = out.get(r.locationId) ?? [];
      list.push({
        ...r,
        shelfLast: partRow(r.shelfLast),
        shelfCount: partRow(r.shelfCount),
        offLast: partRow(r.offLast),
        offCount: partRow(r.offCount),
      });
      out.set(r.locationId, list);
    }
    return out;
  }
}
