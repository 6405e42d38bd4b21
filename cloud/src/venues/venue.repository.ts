import type { Queryable } from '../db/types.js';

/** Every instance hears here that a location of an organisation was deleted (with its stock settings, by cascade): payload `<orgId>`. */
export const LOCATIONS_CHANNEL = 'smartstock_locations';

export interface Organisation {
  id: string;
  name: string;
  currency: string;
}
export interface Venue {
  id: string;
  orgId: string;
  name: string;
  timezone: string;
  /** ISO 3166-1 alpha-2 as set on the venue; null: not set (the service reads it from the time zone) */
  country: string | null;
  /** ISO 4217 as set on the venue; null: not set (the organisation's is used) */
  currency: string | null;
  /** the organisation's */
  orgCurrency: string;
}
/** undefined: unchanged; null (country, currency): cleared */
export interface VenueChanges {
  name?: string | undefined;
  timezone?: string | undefined;
  country?: string | null | undefined;
  currency?: string | null | undefined;
}
export interface Location {
  id: string;
  orgId: string;
  venueId: string;
  name: string;
  type: 'bar' | 'storage' | 'cellar' | 'kitchen' | 'other';
  active: boolean;
}

// a subquery rather than a join, so INSERT and UPDATE … RETURNING give the same row as SELECT
const VENUE_COLS = `id, org_id AS "orgId", name, timezone, country, currency,
  (SELECT o.currency FROM organisations o WHERE o.id = venues.org_id) AS "orgCurrency"`;

/** Organisations, venues and locations. Every read takes the caller's org id; a foreign id reads as absent. */
export class VenueRepository {
  constructor(private readonly db: Queryable) {}

  /** Without a currency: the column's default (EUR). */
  async createOrganisation(name: string, currency?: string): Promise<Organisation> {
    const { rows } = await this.db.query<Organisation>(
      "INSERT INTO organisations (name, currency) VALUES ($1, COALESCE($2, 'EUR')) RETURNING id, name, currency",
      [name, currency ?? null],
    );
    return rows[0]!;
  }

  /** The organisation made on first start (the oldest). */
  async firstOrganisationId(): Promise<string | undefined> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM organisations ORDER BY created_at LIMIT 1');
    return rows[0]?.id;
  }

  async createVenue(orgId: string, v: { name: string; timezone?: string; country?: string; currency?: string }): Promise<Venue> {
    const { rows } = await this.db.query<Venue>(
      `INSERT INTO venues (org_id, name, timezone, country, currency) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${VENUE_COLS}`,
      [orgId, v.name, v.timezone ?? 'UTC', v.country ?? null, v.currency ?? null],
    );
    return rows[0]!;
  }

  async listVenues(orgId: string): Promise<Venue[]> {
    const { rows } = await this.db.query<Venue>(`SELECT ${VENUE_COLS} FROM venues WHERE org_id = $1 ORDER BY name`, [orgId]);
    return rows;
  }

  async createLocation(orgId: string, l: { venueId: string; name: string; type?: Location['type'] }): Promise<Location> {
    const { rows } = await this.db.query<Location>(
      `INSERT INTO locations (org_id, venue_id, name, type) VALUES ($1, $2, $3, $4)
       RETURNING id, org_id AS "orgId", venue_id AS "venueId", name, type, active`,
      [orgId, l.venueId, l.name, l.type ?? 'bar'],
    );
    return rows[0]!;
  }

  async getLocation(orgId: string, id: string): Promise<Location | undefined> {
    const { rows } = await this.db.query<Location>(
      'SELECT id, org_id AS "orgId", venue_id AS "venueId", name, type, active FROM locations WHERE org_id = $1 AND id = $2',
      [orgId, id],
    );
    return rows[0];
  }

  async listLocations(orgId: string, venueId: string): Promise<Location[]> {
    const { rows } = await this.db.query<Location>(
      `SELECT id, org_id AS "orgId", venue_id AS "venueId", name, type, active FROM locations
       WHERE org_id = $1 AND venue_id = $2 ORDER BY name`,
      [orgId, venueId],
    );
    return rows;
  }

  async getVenue(orgId: string, id: string): Promise<Venue | undefined> {
    const { rows } = await this.db.query<Venue>(`SELECT ${VENUE_COLS} FROM venues WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async updateVenue(orgId: string, id: string, v: VenueChanges): Promise<Venue | undefined> {
    const { rows } = await this.db.query<Venue>(
      `UPDATE venues SET name = COALESCE($3, name), timezone = COALESCE($4, timezone),
         country = CASE WHEN $5::boolean THEN $6 ELSE country END,
         currency = CASE WHEN $7::boolean THEN $8 ELSE currency END
       WHERE org_id = $1 AND id = $2 RETURNING ${VENUE_COLS}`,
      [
        orgId,
        id,
        v.name ?? null,
        v.timezone ?? null,
        v.country !== undefined,
        v.country ?? null,
        v.currency !== undefined,
        v.currency ?? null,
      ],
    );
    return rows[0];
  }

  async deleteVenue(orgId: string, id: string): Promise<boolean> {
    const gone = (await this.db.query('DELETE FROM venues WHERE org_id = $1 AND id = $2', [orgId, id])).rowCount > 0;
    // its locations' stock settings went with it (cascade): the item list's cached pages show them
    if (gone) await this.db.announce(LOCATIONS_CHANNEL, orgId);
    return gone;
  }

  async updateLocation(
    orgId: string,
    id: string,
    l: { name?: string | undefined; type?: Location['type'] | undefined; active?: boolean | undefined },
  ): Promise<Location | undefined> {
    const { rows } = await this.db.query<Location>(
      `UPDATE locations SET name = COALESCE($3, name), type = COALESCE($4, type), active = COALESCE($5, active)
       WHERE org_id = $1 AND id = $2 RETURNING id, org_id AS "orgId", venue_id AS "venueId", name, type, active`,
      [orgId, id, l.name ?? null, l.type ?? null, l.active ?? null],
    );
    return rows[0];
  }

  async deleteLocation(orgId: string, id: string): Promise<boolean> {
    const gone = (await this.db.query('DELETE FROM locations WHERE org_id = $1 AND id = $2', [orgId, id])).rowCount > 0;
    if (gone) await this.db.announce(LOCATIONS_CHANNEL, orgId);
    return gone;
  }
}
