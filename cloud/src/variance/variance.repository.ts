import type { Queryable } from '../db/types.js';

/** One item at one location: its measurements around the period and the ledger's movements between them. */
/** One item at one location: the ledger's movements in the period (bottle units, each positive). */
export interface MovedRow {
  itemId: string;
  sku: string;
  name: string;
  locationId: string;
  locationName: string;
  bottleSizeMl: number | null;
  unitCost: number | null;
  received: number;
  sold: number;
  waste: number;
  transferredIn: number;
  transferredOut: number;
  /** ADJUSTMENT rows, signed */
  adjusted: number;
}

/** A fall in one slot's trusted reading, with the reading before it and the sales and waste around it. */
export interface DropRow {
  id: string;
  deviceId: string;
  cameraId: string;
  slotId: string;
  itemId: string;
  locationId: string;
  at: Date;
  units: number;
  prevId: string;
  prevAt: Date;
  prevUnits: number;
  /** bottle units sold in theory or recorded as waste between the readings, with the slack either side */
  recordedUnits: number;
  /** ISO day of week (1 = Monday) and hour, in the venue's time zone */
  dow: number;
  hour: number;
}

export interface VenueSales {
  itemId: string;
  sku: string;
  name: string;
  unitCost: number | null;
  bottleSizeMl: number | null;
  sold: number;
  wasted: number;
  lastDepletionAt: Date | null;
}

/**
 * Every trusted reading of the venue's slots after from up to to, beside the slot's reading
 * before it: the one just before from is found through the latest-reading index, however long
 * the camera was off. $1 org, $2 venue. An empty span reads nothing.
 */
const SCAN = (from: string, to: string) => `
  SELECT s.id, s.device_id, s.camera_id, s.slot_id, s.item_id, s.location_id, s.at, s.units, s.prev_id, s.prev_at, s.prev_units
  FROM (
    SELECT r.*, lag(r.id) OVER w AS prev_id, lag(r.at) OVER w AS prev_at, lag(r.units) OVER w AS prev_units
    FROM (
      SELECT o.id, o.device_id, o.camera_id, o.slot_id, o.item_id, c.location_id, o.at, o.units::float8 AS units
      FROM observations o
      JOIN cameras c ON c.org_id = $1 AND c.device_id = o.device_id AND c.id = o.camera_id
      JOIN locations l ON l.org_id = $1 AND l.id = c.location_id AND l.venue_id = $2
      WHERE ${from} < ${to} AND o.org_id = $1 AND o.trusted AND o.at > ${from} AND o.at <= ${to}
      UNION ALL
      SELECT a.id, sl.device_id, sl.camera_id, sl.id, a.item_id, c.location_id, a.at, a.units::float8
      FROM cameras c
      JOIN locations l ON l.org_id = $1 AND l.id = c.location_id AND l.venue_id = $2
      JOIN slots sl ON sl.device_id = c.device_id AND sl.camera_id = c.id
      JOIN LATERAL (
        SELECT o.id, o.item_id, o.at, o.units FROM observations o
        WHERE o.device_id = sl.device_id AND o.camera_id = sl.camera_id AND o.slot_id = sl.id AND o.trusted AND o.at <= ${from}
        ORDER BY o.at DESC LIMIT 1
      ) a ON true
      WHERE ${from} < ${to} AND c.org_id = $1
    ) r
    WINDOW w AS (PARTITION BY r.device_id, r.camera_id, r.slot_id ORDER BY r.at)
  ) s
  WHERE s.at > ${from} AND s.item_id IS NOT NULL AND s.prev_id IS NOT NULL`;

/** Sales (in theory) and waste of the fall's item and location between its readings, $6 minutes either side. */
const RECORDED = (d: string) => `
  LEFT JOIN LATERAL (
    SELECT -sum(t.quantity) AS units FROM transactions t
    WHERE t.org_id = $1 AND t.item_id = ${d}.item_id AND t.location_id = ${d}.location_id AND t.type IN ('SALE', 'WASTE')
      AND t.at > ${d}.prev_at - make_interval(mins => $6) AND t.at <= ${d}.at + make_interval(mins => $6)
  ) rec ON true`;
/** The readings that fell by $5 units or more, with what was recorded around them. */
const FALLS = (readings: string) => `
  SELECT y.*, COALESCE(rec.units, 0)::float8 AS recorded
  FROM (SELECT * FROM (${readings}) x WHERE x.prev_units - x.units >= $5) y ${RECORDED('y')}`;

export interface DropRules {
  minDrop: number;
  slackMinutes: number;
  suddenUnits: number;
  suddenMinutes: number;
  openHours: Set<string> | null;
}

export class VarianceRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Every item stocked, watched or moved in (from, to] at the venue's locations, with what the ledger
   * moved in that period; the stock at either end comes from the inventory module.
   */
  async lines(orgId: string, venueId: string, from: Date, to: Date): Promise<MovedRow[]> {
    const { rows } = await this.db.query<MovedRow>(
      `WITH locs AS (SELECT id, name FROM locations WHERE org_id = $1 AND venue_id = $2),
       -- the period's movements at the venue's locations in one grouped pass: every type named, so a short
       -- period of a long ledger is a few ranges of (org, location, type, at), not a pass over the ledger
       mv AS (
         SELECT t.item_id, t.location_id,
                (sum(t.quantity) FILTER (WHERE t.type = 'RECEIVE'))::float8 AS received,
                (-sum(t.quantity) FILTER (WHERE t.type = 'SALE'))::float8 AS sold,
                (-sum(t.quantity) FILTER (WHERE t.type = 'WASTE'))::float8 AS waste,
                (sum(t.quantity) FILTER (WHERE t.type = 'TRANSFER' AND t.quantity > 0))::float8 AS t_in,
                (-sum(t.quantity) FILTER (WHERE t.type = 'TRANSFER' AND t.quantity < 0))::float8 AS t_out,
                (sum(t.quantity) FILTER (WHERE t.type = 'ADJUSTMENT'))::float8 AS adjusted
         FROM transactions t
         WHERE t.org_id = $1 AND t.location_id IN (SELECT id FROM locs)
           AND t.type IN ('SALE', 'RECEIVE', 'WASTE', 'ADJUSTMENT', 'COUNT', 'TRANSFER') AND t.at > $3 AND t.at <= $4
         GROUP BY t.item_id, t.location_id
       ), pairs AS (
         SELECT item_id, location_id FROM item_locations WHERE org_id = $1 AND location_id IN (SELECT id FROM locs)
         UNION SELECT s.item_id, c.location_id
         FROM cameras c JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id AND s.item_id IS NOT NULL
         WHERE c.org_id = $1 AND c.location_id IN (SELECT id FROM locs)
         UNION SELECT item_id, location_id FROM mv
       )
       SELECT i.id AS "itemId", i.sku, i.name, p.location_id AS "locationId", l.name AS "locationName",
              i.bottle_size_ml AS "bottleSizeMl", i.unit_cost::float8 AS "unitCost",
              COALESCE(mv.received, 0) AS received, COALESCE(mv.sold, 0) AS sold, COALESCE(mv.waste, 0) AS waste,
              COALESCE(mv.t_in, 0) AS "transferredIn", COALESCE(mv.t_out, 0) AS "transferredOut", COALESCE(mv.adjusted, 0) AS adjusted
       FROM pairs p JOIN items i ON i.org_id = $1 AND i.id = p.item_id AND NOT i.archived
       JOIN locs l ON l.id = p.location_id
       LEFT JOIN mv ON mv.item_id = p.item_id AND mv.location_id = p.location_id
       ORDER BY lower(l.name), lower(i.name), i.id`,
      [orgId, venueId, from, to],
    );
    return rows;
  }

  /**
   * The falls of at least minDrop units between consecutive trusted readings of a slot at the
   * venue, readings after from up to to, that may be anomalies: none explained by sales or waste
   * when seen, sudden, or outside openHours ("dow:hour" keys; null: not judged by the clock).
   * Falls already kept come from observation_drops, the rest from the readings themselves.
   * Each with what sales and waste record around it now. Two statements: call it in a transaction.
   */
  async drops(orgId: string, venueId: string, from: Date, to: Date, rules: DropRules): Promise<DropRow[]> {
    // The span the daily scan kept, read first: each part below is then planned on its real bounds (read
    // inside the statement, the kept falls were planned as a few and read by one probe each, 40,000 at 90 days).
    // With it, JIT off for the rest of the caller's transaction: the planner cannot tell how few falls pass the
    // filter, prices the sales looked up around each at ~150,000 and compiled the statement, ~100 ms of 200 at 90 days.
    const { rows: kept } = await this.db.query<{ since: Date | null; through: Date | null }>(
      `SELECT set_config('jit', 'off', true) AS jit, s.since, s.through
       FROM (SELECT 1) one LEFT JOIN variance_scans s ON s.org_id = $1 AND s.venue_id = $2`,
      [orgId, venueId],
    );
    const t = (d: Date) => d.getTime();
    const k = kept[0]?.since && kept[0].through ? { since: kept[0].since, through: kept[0].through } : null;
    const since = k ? new Date(Math.max(t(from), Math.min(t(to), t(k.since)))) : to;
    const through = k ? new Date(Math.min(t(to), Math.max(t(since), t(k.through)))) : to;
    // (from, to] = read live before the kept span, kept, read live after it
    const { rows } = await this.db.query<DropRow>(
      `WITH live AS (
         ${FALLS(`${SCAN('$3::timestamptz', '$10::timestamptz')} UNION ALL ${SCAN('$11::timestamptz', '$4::timestamptz')}`)}
       ), d AS (
         SELECT * FROM live
         UNION ALL
         SELECT observation_id, device_id, camera_id, slot_id, item_id, location_id, at, units::float8, prev_observation_id, prev_at,
                prev_units::float8, recorded_units::float8
         FROM observation_drops
         WHERE org_id = $1 AND venue_id = $2 AND at > $10 AND at <= $11
       ), c AS (
         SELECT * FROM (
           -- the hour of the week in venue time, per fall as it streams past (no fall held to group them first)
           SELECT d.*, extract(isodow FROM d.at AT TIME ZONE v.timezone)::int AS dow, extract(hour FROM d.at AT TIME ZONE v.timezone)::int AS hour
           FROM d CROSS JOIN (SELECT timezone FROM venues WHERE org_id = $1 AND id = $2) v
         ) x
         WHERE x.recorded <= 0
            OR (x.prev_units - x.units >= $7 AND x.at - x.prev_at <= make_interval(mins => $8))
            OR ($9::text[] IS NOT NULL AND NOT ((x.dow || ':' || x.hour) = ANY ($9::text[])))
       )
       SELECT c.id, c.device_id AS "deviceId", c.camera_id AS "cameraId", c.slot_id AS "slotId", c.item_id AS "itemId",
              c.location_id AS "locationId", c.at, c.units, c.prev_id AS "prevId", c.prev_at AS "prevAt", c.prev_units AS "prevUnits",
              COALESCE(rec.units, 0)::float8 AS "recordedUnits", c.dow, c.hour
       FROM c ${RECORDED('c')}
       ORDER BY c.at, c.id`,
      [
        orgId,
        venueId,
        from,
        to,
        rules.minDrop,
        rules.slackMinutes,
        rules.suddenUnits,
        rules.suddenMinutes,
        rules.openHours ? [...rules.openHours] : null,
        since,
        through,
      ],
    );
    return rows;
  }

  /**
   * Keeps the venue's falls over (from, to], and whatever lies between that and the span already
   * kept, so the kept span stays one piece; returns how many falls were new.
   */
  async storeDrops(
    orgId: string,
    venueId: string,
    from: Date,
    to: Date,
    rules: Pick<DropRules, 'minDrop' | 'slackMinutes'>,
  ): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `WITH cov AS (SELECT since, through FROM variance_scans WHERE org_id = $1 AND venue_id = $2),
       b AS (SELECT COALESCE((SELECT since FROM cov), $4::timestamptz) AS s, COALESCE((SELECT through FROM cov), $4::timestamptz) AS t),
       live AS (${FALLS(`${SCAN('$3::timestamptz', '(SELECT s FROM b)')} UNION ALL ${SCAN('(SELECT t FROM b)', '$4::timestamptz')}`)}),
       ins AS (
         INSERT INTO observation_drops (observation_id, org_id, venue_id, prev_observation_id, device_id, camera_id, slot_id, item_id,
                                        location_id, at, prev_at, units, prev_units, recorded_units)
         SELECT id, $1, $2, prev_id, device_id, camera_id, slot_id, item_id, location_id, at, prev_at, units, prev_units, recorded FROM live
         ON CONFLICT (observation_id) DO NOTHING RETURNING 1
       ), moved AS (
         INSERT INTO variance_scans (venue_id, org_id, since, through) VALUES ($2, $1, $3, $4)
         ON CONFLICT (venue_id) DO UPDATE
           SET since = LEAST(variance_scans.since, EXCLUDED.since), through = GREATEST(variance_scans.through, EXCLUDED.through)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM moved)::int AS moved`,
      [orgId, venueId, from, to, rules.minDrop, rules.slackMinutes],
    );
    return rows[0]!.n;
  }

  /** The hours of the week (venue time) in which the venue sold anything between since and to: "dow:hour" keys. */
  async saleHours(orgId: string, venueId: string, since: Date, to: Date): Promise<Set<string>> {
    const { rows } = await this.db.query<{ k: string }>(
      `WITH b AS (
         -- quarter-hours first (no time zone arithmetic per sale), then their hour in venue time
         SELECT DISTINCT floor(extract(epoch FROM t.at) / 900) AS q
         FROM locations l JOIN transactions t ON t.org_id = l.org_id AND t.location_id = l.id AND t.type = 'SALE' AND t.at > $3 AND t.at <= $4
         WHERE l.org_id = $1 AND l.venue_id = $2
       )
       SELECT DISTINCT extract(isodow FROM to_timestamp(b.q * 900) AT TIME ZONE v.timezone)::int || ':' ||
              extract(hour FROM to_timestamp(b.q * 900) AT TIME ZONE v.timezone)::int AS k
       FROM b CROSS JOIN venues v WHERE v.org_id = $1 AND v.id = $2`,
      [orgId, venueId, since, to],
    );
    return new Set(rows.map((row) => row.k));
  }

  /** Per item at the venue: theoretical sales and waste in the period, and the last depletion (sale or waste) up to to. */
  async venueSales(orgId: string, venueId: string, from: Date, to: Date): Promise<VenueSales[]> {
    const { rows } = await this.db.query<VenueSales>(
      `WITH locs AS (SELECT id FROM locations WHERE org_id = $1 AND venue_id = $2),
       t AS (
         SELECT t.item_id, (-sum(t.quantity) FILTER (WHERE t.type = 'SALE' AND t.at > $3))::float8 AS sold,
                (-sum(t.quantity) FILTER (WHERE t.type = 'WASTE' AND t.at > $3))::float8 AS wasted,
                max(t.at) FILTER (WHERE t.type IN ('SALE', 'WASTE')) AS last_at
         FROM transactions t WHERE t.org_id = $1 AND t.location_id IN (SELECT id FROM locs) AND t.type IN ('SALE', 'WASTE') AND t.at <= $4
         GROUP BY t.item_id
       )
       SELECT i.id AS "itemId", i.sku, i.name, i.unit_cost::float8 AS "unitCost", i.bottle_size_ml AS "bottleSizeMl",
              COALESCE(t.sold, 0) AS sold, COALESCE(t.wasted, 0) AS wasted, t.last_at AS "lastDepletionAt"
       FROM items i LEFT JOIN t ON t.item_id = i.id
       WHERE i.org_id = $1 AND NOT i.archived
         AND (t.item_id IS NOT NULL OR i.id IN (SELECT item_id FROM item_locations WHERE org_id = $1 AND location_id IN (SELECT id FROM locs)))
       ORDER BY lower(i.name), i.id`,
      [orgId, venueId, from, to],
    );
    return rows;
  }

  /** Each venue's local day that ended hoursAfter hours ago or more and has no daily report yet, with its bounds in venue time. */
  async dueDailyRuns(hoursAfter: number): Promise<{ orgId: string; venueId: string; day: string; from: Date; to: Date }[]> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string; day: string; from: Date; to: Date }>(
      `SELECT v.org_id AS "orgId", v.id AS "venueId", d.day::text AS day,
              (d.day::timestamp AT TIME ZONE v.timezone) AS "from", ((d.day + 1)::timestamp AT TIME ZONE v.timezone) AS "to"
       FROM venues v
       CROSS JOIN LATERAL (SELECT ((now() AT TIME ZONE v.timezone) - make_interval(hours => $1))::date - 1 AS day) d
       WHERE NOT EXISTS (SELECT 1 FROM variance_runs r WHERE r.venue_id = v.id AND r.day = d.day)`,
      [hoursAfter],
    );
    return rows;
  }

  /** Claims a venue's day for this instance; false when another got there first. */
  async claimRun(orgId: string, venueId: string, day: string, jobId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO variance_runs (org_id, venue_id, day, job_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING job_id`,
      [orgId, venueId, day, jobId],
    );
    return rows.length > 0;
  }

  /** Unit cost and bottle size of the organisation's items among ids. */
  async itemCosts(orgId: string, ids: string[]): Promise<Map<string, { unitCost: number | null; bottleSizeMl: number | null }>> {
    const { rows } = await this.db.query<{ id: string; unitCost: number | null; bottleSizeMl: number | null }>(
      `SELECT id, unit_cost::float8 AS "unitCost", bottle_size_ml AS "bottleSizeMl" FROM items WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }
}
