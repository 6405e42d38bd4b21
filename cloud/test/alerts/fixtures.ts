import type { Db } from '../../src/db/index.js';
import { VenueRepository } from '../../src/venues/venue.repository.js';

export interface Bar {
  orgId: string;
  venueId: string;
  locationId: string;
  itemId: string;
  deviceId: string;
}

/** One organisation with The Anchor's Main Bar, Tito's 750 ml on its shelf and one device. */
export async function seedBar(db: Db, name = 'Harbour Bars Ltd'): Promise<Bar> {
  const venues = new VenueRepository(db);
  const org = await venues.createOrganisation(name);
  const venue = await venues.createVenue(org.id, { name: 'The Anchor', timezone: 'Europe/London' });
  const loc = await venues.createLocation(org.id, { venueId: venue.id, name: 'Main Bar' });
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO items (org_id, sku, name, bottle_size_ml, supplier) VALUES ($1, 'TITOS-750', 'Tito''s', 750, 'Southern Glazer''s') RETURNING id`,
    [org.id],
  );
  const deviceId = `bar-pi-${org.id.slice(0, 8)}`;
  await db.query(`INSERT INTO devices (id, org_id, venue_id, name) VALUES ($1, $2, $3, $4)`, [deviceId, org.id, venue.id, 'bar-pi-1']);
  return { orgId: org.id, venueId: venue.id, locationId: loc.id, itemId: rows[0]!.id, deviceId };
}

/** A person in the organisation with a role (users + memberships, as the core's auth keeps them). */
export async function seedMember(
  db: Db,
  orgId: string,
  role: 'owner' | 'manager' | 'bartender' | 'technician',
  name: string = role,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, 'not-a-hash') RETURNING id`,
    [`${name.toLowerCase().replace(/\W+/g, '.')}.${Math.random().toString(36).slice(2, 10)}@example.com`, name],
  );
  await db.query('INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)', [orgId, rows[0]!.id, role]);
  return rows[0]!.id;
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-20T18:00:00Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(iso: string) {
      t = Date.parse(iso);
    },
  };
}
