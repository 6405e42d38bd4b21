import type { Queryable } from '../db/types.js';
import { ITEMS_LEVELS, LOCATION_LEVELS } from './levels.sql.js';

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
   * few items (a movement's) are read per item from the ledger's indexes (ITEMS_LEVELS): the sums
   * from the covering ones of migration 270 without the rows, the newest row of each part from
   * the top of its index; the whole location's ledger is read once and grouped (below).
   */
  async levels(orgId: string, locationId: string, itemIds?: string[]): Promise<StockLevel[]> {
    const { rows } = await this.db.query<StockLevel & { place: number; [k: string]: unknown }>(itemIds ? ITEMS_LEVELS : LOCATION_LEVELS, [
      orgId,
      locationId,
      itemIds ?? null,
    ]);
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
function partRow(v: unknown): PartRow | null {
  if (!v) return null;
  const o = (typeof v === 'string' ? JSON.parse(v) : v) as PartRow & { at: string | Date };
  const num = (n: number | null) => (n === null || n === undefined ? null : Number(n));
  return { ...o, at: new Date(o.at), partAfter: num(o.partAfter), after: num(o.after) };
}
