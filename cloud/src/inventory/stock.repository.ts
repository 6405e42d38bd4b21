import type { Queryable } from '../db/types.js';
import { StockLevelsManyRepository } from './stock-levels-many.repository.js';

/** The latest ledger row that moved a part, or the latest count of it, with who made it. */
export interface PartRow {
  type: string;
  counted: 'on_shelf' | 'off_camera' | 'whole' | null;
  partAfter: number | null;
  /** the whole level once the row applied */
  after: number | null;
  at: Date;
  userId: string | null;
  userName: string | null;
}

export interface StockLevel {
  itemId: string;
  locationId: string;
  sku: string;
  name: string;
  parLevel: number;
  reorderPoint: number;
  /** a slot of a camera at this location maps to the item */
  watched: boolean;
  /** units seen by the cameras (sum of each slot's latest trusted observation), null without a reading */
  cameraUnits: number | null;
  cameraAt: Date | null;
  confidence: number | null;
  /** net on-shelf rows since the camera reading (all of them without one) */
  manualDelta: number;
  manualAt: Date | null;
  /** on-shelf rows there are since the camera reading */
  shelfRows: number;
  /** the off-camera part: every off-camera row added up; null when there is none */
  offCamera: number | null;
  offCameraAt: Date | null;
  /** a camera read it, or a person counted, received or moved it in: without any, it is not counted yet */
  figured: boolean;
  shelfLast: PartRow | null;
  shelfCount: PartRow | null;
  offLast: PartRow | null;
  offCount: PartRow | null;
  level: number;
}

/**
 * Stock levels are derived, never stored. The on-shelf part is the latest trusted
 * observation of every slot mapped to the item at the location, plus the on-shelf
 * rows since; the off-camera part is every off-camera row added up, which no
 * camera reading touches. Each slot's latest reading is its row of slot_readings,
 * kept by ingest (migration 250); the location's ledger is read once and grouped by item (at
 * 10,000 items, seven probes an item took 400 ms).
 */
/**
 * The SQL of StockRepository.levels for a whole location. It and levelsAt's (a few items'; the
 * stock-levels-many suite holds them to one answer) read the same rules: the on-shelf part is the
 * slots' latest trusted readings plus the on-shelf rows since the newest of them, the off-camera part
 * every off-camera row; an item is listed where it has settings, a slot or a row at the location (and
 * is not archived); $1 org, $2 location, $3 the items or null.
 */

/** The newest row of each item's parts (countOnly: its newest count), with its author's name, from tx. */
const LAST = (countOnly: boolean) => `
  SELECT l.item_id, l.part,
         json_build_object('type', l.type, 'counted', l.counted, 'partAfter', l.part_after::float8, 'after', l.after::float8,
                           'at', l.at, 'userId', l.user_id, 'userName', u.name) AS row
  FROM (SELECT DISTINCT ON (item_id, part) item_id, part, type, counted, part_after, after, at, user_id, id
        FROM tx${countOnly ? " WHERE type = 'COUNT'" : ''} ORDER BY item_id, part, at DESC, id DESC) l
  LEFT JOIN users u ON u.id = l.user_id`;

/** The whole location's levels: its ledger read once (one index range), not seven probes an item. */
const LOCATION_LEVELS = `WITH cam AS (
         SELECT s.item_id, sum(lo.units) AS units, max(lo.at) AS at, min(lo.confidence) AS confidence
         FROM cameras c
         JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id AND s.item_id IS NOT NULL
         LEFT JOIN slot_readings lo ON lo.device_id = s.device_id AND lo.camera_id = s.camera_id AND lo.slot_id = s.id
         WHERE c.org_id = $1 AND c.location_id = $2
         GROUP BY s.item_id
       ), tx AS MATERIALIZED (
         -- the location's ledger read once (one index range), not seven probes an item
         SELECT t.id, t.item_id, t.type, t.part, t.counted, t.quantity, t.part_after, t.after, t.at, t.user_id
         FROM transactions t
         WHERE t.org_id = $1 AND t.location_id = $2 AND ($3::uuid[] IS NULL OR t.item_id = ANY($3::uuid[]))
       ), ids AS (
         SELECT item_id FROM item_locations WHERE org_id = $1 AND location_id = $2
         UNION SELECT item_id FROM cam
         UNION SELECT item_id FROM tx
       ), parts AS (
         SELECT tx.item_id,
                sum(tx.quantity) FILTER (WHERE tx.part = 'on_shelf' AND (cam.at IS NULL OR tx.at > cam.at)) AS shelf_delta,
                max(tx.at) FILTER (WHERE tx.part = 'on_shelf' AND (cam.at IS NULL OR tx.at > cam.at)) AS shelf_at,
                count(*) FILTER (WHERE tx.part = 'on_shelf' AND (cam.at IS NULL OR tx.at > cam.at)) AS shelf_rows,
                sum(tx.quantity) FILTER (WHERE tx.part = 'off_camera') AS off_units,
                max(tx.at) FILTER (WHERE tx.part = 'off_camera') AS off_at,
                bool_or(tx.type IN ('COUNT', 'RECEIVE') OR (tx.type = 'TRANSFER' AND tx.quantity > 0)) AS figured
         FROM tx LEFT JOIN cam ON cam.item_id = tx.item_id
         GROUP BY tx.item_id
       ), last AS (${LAST(false)}
       ), last_count AS (${LAST(true)}
       ), shown AS (
         -- the order by name on narrow rows; sorting the wide rows themselves spilled to disk at 10,000
         SELECT i.id, i.sku, i.name, row_number() OVER (ORDER BY lower(i.name), i.id) AS place
         FROM ids JOIN items i ON i.org_id = $1 AND i.id = ids.item_id AND NOT i.archived
         WHERE ($3::uuid[] IS NULL OR i.id = ANY($3::uuid[]))
       )
       SELECT i.place::int, i.id AS "itemId", $2::uuid AS "locationId", i.sku, i.name,
              COALESCE(il.par_level, 0) AS "parLevel", COALESCE(il.reorder_point, 0) AS "reorderPoint",
              cam.item_id IS NOT NULL AS watched,
              cam.units AS "cameraUnits", cam.at AS "cameraAt", cam.confidence,
              COALESCE(p.shelf_delta, 0) AS "manualDelta", p.shelf_at AS "manualAt", COALESCE(p.shelf_rows, 0)::int AS "shelfRows",
              p.off_units AS "offCamera", p.off_at AS "offCameraAt",
              (cam.at IS NOT NULL OR COALESCE(p.figured, false)) AS figured,
              sl.row AS "shelfLast", sc.row AS "shelfCount", ol.row AS "offLast", oc.row AS "offCount",
              COALESCE(cam.units, 0) + COALESCE(p.shelf_delta, 0) + COALESCE(p.off_units, 0) AS level
       FROM shown i
       LEFT JOIN item_locations il ON il.item_id = i.id AND il.location_id = $2
       LEFT JOIN cam ON cam.item_id = i.id
       LEFT JOIN parts p ON p.item_id = i.id
       LEFT JOIN last sl ON sl.item_id = i.id AND sl.part = 'on_shelf'
       LEFT JOIN last_count sc ON sc.item_id = i.id AND sc.part = 'on_shelf'
       LEFT JOIN last ol ON ol.item_id = i.id AND ol.part = 'off_camera'
       LEFT JOIN last_count oc ON oc.item_id = i.id AND oc.part = 'off_camera'`;

export class StockRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Held to the end of the caller's transaction: two movements of one item at one location
   * (a count and a sale at once) take turns, so each row's delta is against the figure the other left.
   */
  async lock(orgId: string, locationId: string, itemId: string): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock(hashtext($1::text || $2::text || $3::text))', [orgId, locationId, itemId]);
  }

  /** lock() for several items at once, in one order (the ids sorted), so two batches never wait on each other crosswise. */
  async lockMany(orgId: string, locationId: string, itemIds: string[]): Promise<void> {
    await this.db.query(
      `SELECT count(pg_advisory_xact_lock(hashtext($1::text || $2::text || k))) FROM (SELECT k FROM unnest($3::text[]) k ORDER BY k) s`,
      [orgId, locationId, [...new Set(itemIds)].sort()],
    );
  }

  /**
   * One page of the items levels() would answer for the location, in its order (name, then id),
   * after `after`: a page's levels are then computed for its items alone, not for all 10,000.
   */
  async pageOfItems(orgId: string, locationId: string, o: { after?: { name: string; id: string } | undefined; limit: number }) {
    // walks the org's items in name order (items_org_live_name_id) and stops at a full page, each item
    // tested for being at the location: a page costs about its own rows, not the location's 10,000.
    // OFFSET 0 keeps each EXISTS a probe of one index entry a row; without it the planner hashed all
    // 10,000 of the location's rows first, not knowing LIMIT stops it after a page
    const { rows } = await this.db.query<{ id: string; key: string }>(
      `SELECT i.id, lower(i.name) AS key FROM items i
       WHERE i.org_id = $1 AND NOT i.archived AND ($3::text IS NULL OR (lower(i.name), i.id) > ($3::text, $4::uuid))
         AND (EXISTS (SELECT 1 FROM item_locations il WHERE il.item_id = i.id AND il.location_id = $2 AND il.org_id = $1 OFFSET 0)
              OR EXISTS (SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2 OFFSET 0)
              OR i.id IN (SELECT s.item_id FROM cameras c JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id
                          WHERE c.org_id = $1 AND c.location_id = $2 AND s.item_id IS NOT NULL))
       ORDER BY lower(i.name), i.id LIMIT $5`,
      [orgId, locationId, o.after?.name ?? null, o.after?.id ?? null, o.limit],
    );
    return rows;
  }

  /**
   * The levels of every item at the location, or of only itemIds (by name, then id). Those of a
   * few items (a page's, a movement's) are what ingest reads for a run (levelsAt: each item's sums
   * from the ledger's covering indexes of migration 270, its newest rows from the top of an index);
   * the whole location's ledger is read once and grouped (LOCATION_LEVELS).
   */
  async levels(orgId: string, locationId: string, itemIds?: string[]): Promise<StockLevel[]> {
    if (itemIds)
      return (await new StockLevelsManyRepository(this.db).levelsAt(orgId, new Map([[locationId, itemIds]]))).get(locationId) ?? [];
    const { rows } = await this.db.query<StockLevel & { place: number; [k: string]: unknown }>(LOCATION_LEVELS, [orgId, locationId, null]);
    return rows
      .sort((a, b) => a.place - b.place)
      .map(({ place: _, ...r }) => ({
        ...r,
        shelfLast: partRow(r.shelfLast),
        shelfCount: partRow(r.shelfCount),
        offLast: partRow(r.offLast),
        offCount: partRow(r.offCount),
      }));
  }

  /**
   * The parts of each (itemIds[k], locationIds[k]) as they stood at `at`, by the same rules as
   * levels(): what the camera read then replaces the on-shelf rows before it, never the off-camera ones.
   */
  async partsAt(orgId: string, itemIds: string[], locationIds: string[], at: Date): Promise<PartsAt[]> {
    const { rows } = await this.db.query<PartsAt>(
      `WITH p AS (SELECT DISTINCT item_id, location_id FROM unnest($2::uuid[], $3::uuid[]) AS x(item_id, location_id)),
       cam AS (
         SELECT c.location_id, s.item_id, sum(lo.units)::float8 AS units, max(lo.at) AS at
         FROM cameras c
         JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id AND s.item_id IS NOT NULL
         JOIN LATERAL (
           SELECT units, at FROM observations o
           WHERE o.device_id = s.device_id AND o.camera_id = s.camera_id AND o.slot_id = s.id AND o.trusted AND o.at <= $4
           ORDER BY o.at DESC LIMIT 1
         ) lo ON true
         WHERE c.org_id = $1 AND c.location_id IN (SELECT location_id FROM p)
         GROUP BY c.location_id, s.item_id
       )
       SELECT p.item_id AS "itemId", p.location_id AS "locationId", cam.units AS "cameraUnits", cam.at AS "cameraAt",
              COALESCE(sh.delta, 0)::float8 AS "shelfDelta", COALESCE(off.units, 0)::float8 AS "offCamera", cnt.at AS "countAt"
       FROM p LEFT JOIN cam ON cam.item_id = p.item_id AND cam.location_id = p.location_id
       LEFT JOIN LATERAL (
         SELECT sum(t.quantity) AS delta FROM transactions t
         WHERE t.org_id = $1 AND t.item_id = p.item_id AND t.location_id = p.location_id AND t.part = 'on_shelf' AND t.at <= $4
           AND (cam.at IS NULL OR t.at > cam.at)
       ) sh ON true
       LEFT JOIN LATERAL (
         SELECT sum(t.quantity) AS units FROM transactions t
         WHERE t.org_id = $1 AND t.item_id = p.item_id AND t.location_id = p.location_id AND t.part = 'off_camera' AND t.at <= $4
       ) off ON true
       LEFT JOIN LATERAL (
         SELECT max(t.at) AS at FROM transactions t
         WHERE t.org_id = $1 AND t.item_id = p.item_id AND t.location_id = p.location_id AND t.type = 'COUNT' AND t.at <= $4
       ) cnt ON true`,
      [orgId, itemIds, locationIds, at],
    );
    return rows;
  }
}

/** One item at one location at an instant: the parts as they stood then, and when they were last measured. */
export interface PartsAt {
  itemId: string;
  locationId: string;
  /** the slots' latest trusted readings at or before the instant, summed; null without one */
  cameraUnits: number | null;
  cameraAt: Date | null;
  /** on-shelf rows after that reading up to the instant (every one of them without a reading) */
  shelfDelta: number;
  /** off-camera rows up to the instant, added up */
  offCamera: number;
  /** the latest count, of either part or the whole, at or before the instant */
  countAt: Date | null;
}

/** json_build_object's timestamps arrive as text, its numbers as numbers. */
export function partRow(value: unknown): PartRow | null {
  if (!value) return null;
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as PartRow & { at: string | Date };
  const num = (n: number | null) => (n === null || n === undefined ? null : Number(n));
  return { ...parsed, at: new Date(parsed.at), partAfter: num(parsed.partAfter), after: num(parsed.after) };
}
