import type { Queryable } from '../db/types.js';
import { partRow, type StockLevel } from './stock.repository.js';

/** The newest row of one item's part at a location (countOnly: its newest count), with its author's name, as JSON. */
const NEWEST = (part: 'on_shelf' | 'off_camera', countOnly: boolean, item = 'i.id', location = 'p.location_id') => `
  SELECT json_build_object('type', t.type, 'counted', t.counted, 'partAfter', t.part_after::float8, 'after', t.after::float8,
                           'at', t.at, 'userId', t.user_id, 'userName', u.name) AS row
  FROM transactions t LEFT JOIN users u ON u.id = t.user_id
  WHERE t.org_id = $1 AND t.item_id = ${item} AND t.location_id = ${location} AND t.part = '${part}'${countOnly ? " AND t.type = 'COUNT'" : ''}
  ORDER BY t.at DESC, t.id DESC LIMIT 1`;

/** A part's newest count: its newest row when that is one, none when the part has no row; else looked up. */
const NEWEST_COUNT = (part: 'on_shelf' | 'off_camera', last: string) => `
  CASE WHEN ${last} IS NULL THEN NULL WHEN ${last}->>'type' = 'COUNT' THEN ${last}
       ELSE (${NEWEST(part, true, 'l."itemId"', 'l."locationId"')}) END`;

/**
 * StockRepository's ITEMS_LEVELS for many (location, item) pairs at once: the same rules, each
 * pair's sums and newest rows read from the ledger's indexes, with p.location_id where that reads $2.
 * $1 org, $2 and $3 the pairs' locations and items.
 */
const PAIRS_LEVELS = `
  WITH p AS (SELECT DISTINCT location_id, item_id FROM unnest($2::uuid[], $3::uuid[]) AS x(location_id, item_id)),
  -- the pairs' locations' slots first, then the pairs among them, then each one's reading by key: left to
  -- the planner, it matched every pair against every camera of its location and looked the slots up for
  -- each (85,000 rows for 900 pairs), or hashed every reading of the fleet: most of the statement's time
  -- (OFFSET 0 and LIMIT 1 keep the subqueries lookups by key: pulled up into joins, they were not)
  here AS MATERIALIZED (
    SELECT c.location_id, s.device_id, s.camera_id, s.id, s.item_id
    FROM cameras c
    CROSS JOIN LATERAL (SELECT s.device_id, s.camera_id, s.id, s.item_id FROM slots s WHERE s.device_id = c.device_id AND s.camera_id = c.id OFFSET 0) s
    WHERE c.org_id = $1 AND c.location_id IN (SELECT location_id FROM p)
  ),
  cam AS (
    SELECT h.location_id, h.item_id, sum(lo.units) AS units, max(lo.at) AS at, min(lo.confidence) AS confidence
    FROM here h
    JOIN p ON p.location_id = h.location_id AND p.item_id = h.item_id
    LEFT JOIN LATERAL (
      SELECT r.units, r.at, r.confidence FROM slot_readings r
      WHERE r.device_id = h.device_id AND r.camera_id = h.camera_id AND r.slot_id = h.id
      LIMIT 1
    ) lo ON true
    GROUP BY h.location_id, h.item_id
  )
  -- a part's newest count is its newest row more often than not (or it has none): looked up only when not, in
  -- the rows wanted (four ledger lookups a pair were a third of this statement; migration-free)
  SELECT l.*, ${NEWEST_COUNT('on_shelf', 'l."shelfLast"')} AS "shelfCount", ${NEWEST_COUNT('off_camera', 'l."offLast"')} AS "offCount"
  FROM (
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
           -- none when the part has no row (off.at): the lookup only where there is one
           CASE WHEN off.at IS NOT NULL THEN (${NEWEST('off_camera', false)}) END AS "offLast",
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
           OR EXISTS (SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = p.location_id))
  ) l`;

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
