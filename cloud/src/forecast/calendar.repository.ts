import type { Queryable } from '../db/types.js';

export interface VenueCalendarSettings {
  latitude: number | null;
  longitude: number | null;
  country: string | null;
  icalUrls: string[];
}

export interface HandEnteredEvent {
  id: string;
  venueId: string;
  day: string;
  name: string;
}

const EMPTY: VenueCalendarSettings = { latitude: null, longitude: null, country: null, icalUrls: [] };

/** A venue's forecasting calendar: where it is, its country, its iCal feeds and its hand-entered events. */
export class CalendarRepository {
  constructor(private readonly db: Queryable) {}

  async settings(orgId: string, venueId: string): Promise<VenueCalendarSettings> {
    const { rows } = await this.db.query<VenueCalendarSettings>(
      `SELECT latitude, longitude, country, ical_urls AS "icalUrls" FROM forecast_calendars WHERE org_id = $1 AND venue_id = $2`,
      [orgId, venueId],
    );
    return rows[0] ?? EMPTY;
  }

  async saveSettings(orgId: string, venueId: string, s: VenueCalendarSettings): Promise<void> {
    await this.db.query(
      `INSERT INTO forecast_calendars (org_id, venue_id, latitude, longitude, country, ical_urls)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, venue_id) DO UPDATE SET latitude = $3, longitude = $4, country = $5, ical_urls = $6, updated_at = now()`,
      [orgId, venueId, s.latitude, s.longitude, s.country, JSON.stringify(s.icalUrls)],
    );
  }

  async events(orgId: string, venueId: string, from: string, to: string): Promise<HandEnteredEvent[]> {
    const { rows } = await this.db.query<HandEnteredEvent>(
      `SELECT id, venue_id AS "venueId", day::text AS day, name FROM forecast_events
       WHERE org_id = $1 AND venue_id = $2 AND day BETWEEN $3::date AND $4::date ORDER BY day, name`,
      [orgId, venueId, from, to],
    );
    return rows;
  }

  async addEvent(orgId: string, venueId: string, day: string, name: string): Promise<HandEnteredEvent> {
    const { rows } = await this.db.query<HandEnteredEvent>(
      `INSERT INTO forecast_events (org_id, venue_id, day, name) VALUES ($1, $2, $3, $4)
       RETURNING id, venue_id AS "venueId", day::text AS day, name`,
      [orgId, venueId, day, name],
    );
    return rows[0]!;
  }

  /** True when the org had that event. */
  async removeEvent(orgId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`DELETE FROM forecast_events WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return (rowCount ?? 0) > 0;
  }
}
