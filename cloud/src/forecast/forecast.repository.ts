import type { Queryable } from '../db/types.js';
import type { DayFacts, DemandSource } from './history.js';
import type { BacktestScore, ForecastPoint, ModelName, RegressorEffect } from './models/index.js';

export interface StoredForecast {
  itemId: string;
  locationId: string;
  model: ModelName;
  points: ForecastPoint[];
  reasons: string[];
  backtest: BacktestScore[];
  /** the weather and event effects the forecast was scaled by */
  regressors: RegressorEffect[];
  sources: Record<DemandSource, number>;
  through: string;
  fittedAt: Date;
}

const cols = (f = ''): string =>
  `${f}item_id AS "itemId", ${f}location_id AS "locationId", ${f}model, ${f}points, ${f}reasons, ${f}backtest,
   ${f}regressors, ${f}sources, ${f}through::text AS through, ${f}fitted_at AS "fittedAt"`;

export class ForecastRepository {
  constructor(private readonly db: Queryable) {}

  /** The location's venue timezone and calendar day now, if the location is the org's. */
  async locationDay(orgId: string, locationId: string): Promise<{ venueId: string; today: string } | undefined> {
    const { rows } = await this.db.query<{ venueId: string; today: string }>(
      `SELECT v.id AS "venueId", (now() AT TIME ZONE v.timezone)::date::text AS today
       FROM locations l JOIN venues v ON v.org_id = l.org_id AND v.id = l.venue_id
       WHERE l.org_id = $1 AND l.id = $2`,
      [orgId, locationId],
    );
    return rows[0];
  }

  /**
   * Each day's facts of one item at one location since `from`, on the venue's
   * calendar: sales, receipts, counts (ledger), the cameras' last units and the off-camera part beside them.
   */
  async dayFacts(orgId: string, itemId: string, locationId: string, from: string): Promise<DayFacts[]> {
    const { rows } = await this.db.query<Record<keyof DayFacts, string | number | null>>(
      `WITH tz AS (
         SELECT v.timezone FROM locations l JOIN venues v ON v.org_id = l.org_id AND v.id = l.venue_id
         WHERE l.org_id = $1 AND l.id = $3
       ), bound AS (
         -- the local-date tests below cannot use an index or skip a month's partition: this instant can
         -- (a day before the venue's midnight, so a clock change at midnight never loses a row; the date test stays exact)
         SELECT ($4::date - 1)::timestamp AT TIME ZONE tz.timezone AS since FROM tz
       ), tx AS (
         SELECT (t.at AT TIME ZONE tz.timezone)::date AS day,
                COALESCE(sum(-t.quantity) FILTER (WHERE t.type = 'SALE'), 0) AS sold,
                count(*) FILTER (WHERE t.type = 'SALE') AS sales,
                -- a transfer in is stock arriving, a transfer out stock leaving: neither is demand
                COALESCE(sum(t.quantity) FILTER (WHERE t.type IN ('RECEIVE', 'TRANSFER')), 0) AS received,
                COALESCE(sum(-t.quantity) FILTER (WHERE t.type = 'COUNT'), 0) AS "countedUse",
                count(*) FILTER (WHERE t.type = 'COUNT') AS counts,
                (array_agg(t.after ORDER BY t.at DESC))[1] AS "ledgerLevel",
                COALESCE(sum(t.quantity) FILTER (WHERE t.part = 'off_camera'), 0) AS "offDelta"
         FROM transactions t, tz
         WHERE t.org_id = $1 AND t.item_id = $2 AND t.location_id = $3 AND (t.at AT TIME ZONE tz.timezone)::date >= $4::date
           AND t.at >= (SELECT since FROM bound)
         GROUP BY 1
       ), base AS (
         -- the off-camera part as the first day began: no camera reading sees it
         SELECT COALESCE(sum(t.quantity), 0) AS units FROM transactions t, tz
         WHERE t.org_id = $1 AND t.item_id = $2 AND t.location_id = $3 AND t.part = 'off_camera'
           AND t.at < ($4::date::timestamp AT TIME ZONE tz.timezone)
       ), cam AS (
         SELECT day, sum(units) AS units FROM (
           SELECT DISTINCT ON (o.device_id, o.camera_id, o.slot_id, (o.at AT TIME ZONE tz.timezone)::date)
                  (o.at AT TIME ZONE tz.timezone)::date AS day, o.units
           FROM observations o
           JOIN cameras c ON c.org_id = o.org_id AND c.device_id = o.device_id AND c.id = o.camera_id AND c.location_id = $3, tz
           WHERE o.org_id = $1 AND o.item_id = $2 AND o.trusted AND (o.at AT TIME ZONE tz.timezone)::date >= $4::date
             AND o.at >= (SELECT since FROM bound)
           ORDER BY o.device_id, o.camera_id, o.slot_id, (o.at AT TIME ZONE tz.timezone)::date, o.at DESC
         ) last GROUP BY day
       )
       SELECT COALESCE(tx.day, cam.day)::text AS day, COALESCE(tx.sold, 0) AS sold, COALESCE(tx.sales, 0) AS sales,
              COALESCE(tx.received, 0) AS received, COALESCE(tx."countedUse", 0) AS "countedUse",
              COALESCE(tx.counts, 0) AS counts, tx."ledgerLevel", cam.units AS "cameraUnits",
              (SELECT units FROM base) + sum(COALESCE(tx."offDelta", 0)) OVER (ORDER BY COALESCE(tx.day, cam.day)) AS "offCamera"
       FROM tx FULL JOIN cam ON cam.day = tx.day ORDER BY 1`,
      [orgId, itemId, locationId, from],
    );
    const num = (v: string | number | null): number => Number(v ?? 0);
    return rows.map((row) => ({
      day: String(row.day),
      sold: num(row.sold),
      sales: num(row.sales),
      received: num(row.received),
      countedUse: num(row.countedUse),
      counts: num(row.counts),
      ledgerLevel: row.ledgerLevel === null ? null : num(row.ledgerLevel),
      cameraUnits: row.cameraUnits === null ? null : num(row.cameraUnits),
      offCamera: num(row.offCamera),
    }));
  }

  async save(orgId: string, f: Omit<StoredForecast, 'fittedAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO forecasts (org_id, item_id, location_id, model, points, reasons, backtest, sources, through, regressors)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (org_id, item_id, location_id) DO UPDATE SET model = $4, points = $5, reasons = $6, backtest = $7,
         sources = $8, through = $9, regressors = $10, fitted_at = now()`,
      [
        orgId,
        f.itemId,
        f.locationId,
        f.model,
        JSON.stringify(f.points),
        JSON.stringify(f.reasons),
        JSON.stringify(f.backtest),
        JSON.stringify(f.sources),
        f.through,
        JSON.stringify(f.regressors),
      ],
    );
  }

  async get(orgId: string, itemId: string, locationId: string): Promise<StoredForecast | undefined> {
    const { rows } = await this.db.query<StoredForecast>(
      `SELECT ${cols()} FROM forecasts WHERE org_id = $1 AND item_id = $2 AND location_id = $3`,
      [orgId, itemId, locationId],
    );
    return rows[0];
  }

  async listForVenue(orgId: string, venueId: string): Promise<StoredForecast[]> {
    const { rows } = await this.db.query<StoredForecast>(
      `SELECT ${cols('f.')}
       FROM forecasts f JOIN locations l ON l.org_id = f.org_id AND l.id = f.location_id
       WHERE f.org_id = $1 AND l.venue_id = $2`,
      [orgId, venueId],
    );
    return rows;
  }

  /** The item and location pairs of a venue worth forecasting: stocked there, or with any movement there. */
  async seriesOfVenue(orgId: string, venueId: string): Promise<{ itemId: string; locationId: string }[]> {
    const { rows } = await this.db.query<{ itemId: string; locationId: string }>(
      `SELECT il.item_id AS "itemId", il.location_id AS "locationId"
       FROM item_locations il JOIN locations l ON l.org_id = il.org_id AND l.id = il.location_id
       WHERE il.org_id = $1 AND l.venue_id = $2
       UNION
       SELECT DISTINCT t.item_id, t.location_id FROM transactions t JOIN locations l ON l.org_id = t.org_id AND l.id = t.location_id
       WHERE t.org_id = $1 AND l.venue_id = $2`,
      [orgId, venueId],
    );
    return rows;
  }

  /** Venues of every organisation whose forecasts are older than `hours` (or missing): the nightly refit, a system task. */
  async venuesDue(hours: number): Promise<{ orgId: string; venueId: string }[]> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string }>(
      `SELECT v.org_id AS "orgId", v.id AS "venueId" FROM venues v
       WHERE NOT EXISTS (
         SELECT 1 FROM forecasts f JOIN locations l ON l.org_id = f.org_id AND l.id = f.location_id
         WHERE f.org_id = v.org_id AND l.venue_id = v.id AND f.fitted_at > now() - make_interval(hours => $1)
       )`,
      [hours],
    );
    return rows;
  }
}
