/**
 * The SQL of StockRepository.levels. Both read the same rules: the on-shelf part is the slots'
 * latest trusted readings plus the on-shelf rows since the newest of them, the off-camera part every
 * off-camera row; an item is listed where it has settings, a slot or a row at the location (and
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
export const LOCATION_LEVELS = `WITH cam AS (
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

/** The newest row of one item's part (countOnly: its newest count) at the location, with its author's name, as JSON. */
const NEWEST = (part: 'on_shelf' | 'off_camera', countOnly: boolean) => `
  SELECT json_build_object('type', t.type, 'counted', t.counted, 'partAfter', t.part_after::float8, 'after', t.after::float8,
                           'at', t.at, 'userId', t.user_id, 'userName', u.name) AS row
  FROM transactions t LEFT JOIN users u ON u.id = t.user_id
  WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2 AND t.part = '${part}'${countOnly ? " AND t.type = 'COUNT'" : ''}
  ORDER BY t.at DESC, t.id DESC LIMIT 1`;

/**
 * The levels of the items $3 (a movement's few): each item's sums are index-only scans of the
 * covering indexes of migration 270 (the rows themselves are never read), its newest rows the
 * top of an index, so the cost is a few pages an item however long its history; the location's
 * query read and sorted every row of the items (~20 ms at 1,500 rows an item).
 */
export const ITEMS_LEVELS = `
  WITH cam AS (
    SELECT s.item_id, sum(lo.units) AS units, max(lo.at) AS at, min(lo.confidence) AS confidence
    FROM cameras c
    JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id AND s.item_id = ANY($3::uuid[])
    LEFT JOIN slot_readings lo ON lo.device_id = s.device_id AND lo.camera_id = s.camera_id AND lo.slot_id = s.id
    WHERE c.org_id = $1 AND c.location_id = $2
    GROUP BY s.item_id
  )
  SELECT (row_number() OVER (ORDER BY lower(i.name), i.id))::int AS place, i.id AS "itemId", $2::uuid AS "locationId", i.sku, i.name,
         COALESCE(il.par_level, 0) AS "parLevel", COALESCE(il.reorder_point, 0) AS "reorderPoint",
         cam.item_id IS NOT NULL AS watched,
         cam.units AS "cameraUnits", cam.at AS "cameraAt", cam.confidence,
         COALESCE(sh.delta, 0) AS "manualDelta", sh.at AS "manualAt", sh.n::int AS "shelfRows",
         off.units AS "offCamera", off.at AS "offCameraAt",
         (cam.at IS NOT NULL OR EXISTS (
           SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2
             AND (t.type IN ('COUNT', 'RECEIVE') OR (t.type = 'TRANSFER' AND t.quantity > 0)))) AS figured,
         (${NEWEST('on_shelf', false)}) AS "shelfLast",
         (${NEWEST('on_shelf', true)}) AS "shelfCount",
         (${NEWEST('off_camera', false)}) AS "offLast",
         (${NEWEST('off_camera', true)}) AS "offCount",
         COALESCE(cam.units, 0) + COALESCE(sh.delta, 0) + COALESCE(off.units, 0) AS level
  FROM items i
  LEFT JOIN item_locations il ON il.item_id = i.id AND il.location_id = $2
  LEFT JOIN cam ON cam.item_id = i.id
  CROSS JOIN LATERAL (
    SELECT sum(t.quantity) AS delta, max(t.at) AS at, count(*) AS n FROM transactions t
    WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2 AND t.part = 'on_shelf' AND (cam.at IS NULL OR t.at > cam.at)
  ) sh
  CROSS JOIN LATERAL (
    SELECT sum(t.quantity) AS units, max(t.at) AS at FROM transactions t
    WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2 AND t.part = 'off_camera'
  ) off
  WHERE i.org_id = $1 AND i.id = ANY($3::uuid[]) AND NOT i.archived
    AND (il.item_id IS NOT NULL OR cam.item_id IS NOT NULL
         OR EXISTS (SELECT 1 FROM transactions t WHERE t.org_id = $1 AND t.item_id = i.id AND t.location_id = $2))`;
