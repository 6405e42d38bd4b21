import type { PosProvider } from '@smartstock/api';
import type { Queryable } from '../db/types.js';

export interface DueBackfill {
  orgId: string;
  connectionId: string;
  provider: PosProvider;
  /** the venue's previous local date, YYYY-MM-DD */
  businessDate: string;
}

/** The nightly back-fill's claims: one pull per connection and business day (pos_backfill_runs). */
export class BackfillRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Connections of these providers whose venue's local clock has reached `hour` today and whose
   * previous local day is not claimed yet. A connection made after that day ended has nothing of
   * it to recover; a suspended organisation's are left alone.
   */
  async due(providers: PosProvider[], hour: number, now: Date): Promise<DueBackfill[]> {
    const { rows } = await this.db.query<DueBackfill>(
      `SELECT c.org_id AS "orgId", c.id AS "connectionId", c.provider, d.day::text AS "businessDate"
       FROM pos_connections c
       JOIN venues v ON v.org_id = c.org_id AND v.id = c.venue_id
       JOIN organisations o ON o.id = c.org_id
       CROSS JOIN LATERAL (SELECT $1::timestamptz AT TIME ZONE v.timezone AS wall) w
       CROSS JOIN LATERAL (SELECT w.wall::date - 1 AS day) d
       WHERE c.provider = ANY($3::text[]) AND o.suspended_at IS NULL
         AND extract(hour FROM w.wall) >= $2
         AND c.created_at < ((d.day + 1)::timestamp AT TIME ZONE v.timezone)
         AND NOT EXISTS (SELECT 1 FROM pos_backfill_runs r WHERE r.connection_id = c.id AND r.business_date = d.day)
       ORDER BY c.org_id, c.id`,
      [now, hour, providers],
    );
    return rows;
  }

  /** Claims a connection's day for this instance; false when another got there first. */
  async claim(orgId: string, connectionId: string, businessDate: string, jobId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO pos_backfill_runs (org_id, connection_id, business_date, job_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING job_id`,
      [orgId, connectionId, businessDate, jobId],
    );
    return rows.length > 0;
  }
}
