import type { Queryable } from '../db/types.js';
import type { JudgedCorrection } from './accuracy.js';

/** A venue's own drift settings; null: the config's default. */
export interface DriftOverride {
  windowDays: number | null;
  countErrorAbove: number | null;
  minJudged: number | null;
  correctionsAtLeast: number | null;
}
const OVERRIDE = `t.window_days AS "windowDays", t.count_error_above::float8 AS "countErrorAbove", t.min_judged AS "minJudged",
  t.corrections_at_least AS "correctionsAtLeast", t.updated_at AS "updatedAt"`;

export interface DayCorrection extends JudgedCorrection {
  venueId: string;
  venueName: string;
  timezone: string;
  /** the venue's local day, YYYY-MM-DD */
  day: string;
}

/** Corrections read for the vision model's accuracy: every read but the sweep's list of venues is scoped by org. */
export class AccuracyRepository {
  constructor(private readonly db: Queryable) {}

  async hasVenue(orgId: string, venueId: string): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM venues WHERE org_id = $1 AND id = $2', [orgId, venueId]);
    return rows.length > 0;
  }

  /** The organisation's corrections made on the venue's local days from..to (inclusive), oldest first. */
  async byDay(orgId: string, from: string, to: string, venueId?: string): Promise<DayCorrection[]> {
    const { rows } = await this.db.query<DayCorrection>(
      `SELECT c.venue_id AS "venueId", v.name AS "venueName", v.timezone,
              to_char((c.created_at AT TIME ZONE v.timezone)::date, 'YYYY-MM-DD') AS day,
              c.model_versions AS "modelVersions", c.model_count AS "modelCount", c.model_fills AS "modelFills",
              c.true_count AS "trueCount", c.true_fills AS "trueFills"
       FROM slot_corrections c JOIN venues v ON v.org_id = c.org_id AND v.id = c.venue_id
       WHERE c.org_id = $1 AND ($2::uuid IS NULL OR c.venue_id = $2)
         -- a day either side covers every time zone and keeps the index in use
         AND c.created_at >= $3::date - interval '1 day' AND c.created_at < $4::date + interval '2 days'
         AND (c.created_at AT TIME ZONE v.timezone)::date BETWEEN $3::date AND $4::date
       ORDER BY v.name, v.id, c.created_at, c.id`,
      [orgId, venueId ?? null, from, to],
    );
    return rows;
  }

  /** The venue's corrections made since `since`. */
  async since(orgId: string, venueId: string, since: Date): Promise<JudgedCorrection[]> {
    const { rows } = await this.db.query<JudgedCorrection>(
      `SELECT model_versions AS "modelVersions", model_count AS "modelCount", model_fills AS "modelFills",
              true_count AS "trueCount", true_fills AS "trueFills"
       FROM slot_corrections WHERE org_id = $1 AND venue_id = $2 AND created_at >= $3`,
      [orgId, venueId, since],
    );
    return rows;
  }

  /** Every venue (of any organisation) with corrections since `since`: the periodic drift sweep's list. */
  async venuesWithCorrections(since: Date): Promise<{ orgId: string; venueId: string }[]> {
    const { rows } = await this.db.query<{ orgId: string; venueId: string }>(
      'SELECT DISTINCT org_id AS "orgId", venue_id AS "venueId" FROM slot_corrections WHERE created_at >= $1',
      [since],
    );
    return rows;
  }

  /** Every venue of the organisation with its drift override (nulls where it has none). */
  async thresholds(
    orgId: string,
    venueId?: string,
  ): Promise<(DriftOverride & { venueId: string; venueName: string; updatedAt: Date | null })[]> {
    const { rows } = await this.db.query<DriftOverride & { venueId: string; venueName: string; updatedAt: Date | null }>(
      `SELECT v.id AS "venueId", v.name AS "venueName", ${OVERRIDE}
       FROM venues v LEFT JOIN venue_drift_thresholds t ON t.org_id = v.org_id AND t.venue_id = v.id
       WHERE v.org_id = $1 AND ($2::uuid IS NULL OR v.id = $2) ORDER BY v.name, v.id`,
      [orgId, venueId ?? null],
    );
    return rows;
  }

  /** Replaces the venue's override; all null removes it. */
  async saveThresholds(orgId: string, venueId: string, override: DriftOverride, userId: string): Promise<void> {
    if (Object.values(override).every((value) => value === null)) {
      await this.db.query('DELETE FROM venue_drift_thresholds WHERE org_id = $1 AND venue_id = $2', [orgId, venueId]);
      return;
    }
    await this.db.query(
      `INSERT INTO venue_drift_thresholds (org_id, venue_id, window_days, count_error_above, min_judged, corrections_at_least, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id, venue_id) DO UPDATE SET window_days = $3, count_error_above = $4, min_judged = $5,
         corrections_at_least = $6, updated_by = $7, updated_at = now()`,
      [orgId, venueId, override.windowDays, override.countErrorAbove, override.minJudged, override.correctionsAtLeast, userId],
    );
  }

  /** The longest window any venue chose (the sweep looks back two of the longest). */
  async longestWindowDays(): Promise<number | null> {
    const { rows } = await this.db.query<{ days: number | null }>('SELECT max(window_days) AS days FROM venue_drift_thresholds');
    return rows[0]?.days ?? null;
  }
}
