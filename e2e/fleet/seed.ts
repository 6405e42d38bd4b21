/**
 * A fresh PostgreSQL database per bench row, migrated, with one organisation (its owner signs the
 * dashboards in), one venue and location per bar, 200 items, and every device with its cameras and
 * slots mapped to items: what provisioning would have left behind for a fleet of this size.
 */
import pg from 'pg';
import { openDb, migrate } from '../../cloud/src/db/index.js';
import { seedOwner } from '../../cloud/src/seed/index.js';
import { passwordHasher } from '../../cloud/src/users/index.js';
import { SKUS, sku, type FleetDevice } from './layout.js';

export const OWNER = { email: 'owner@fleet.test', password: 'a long fleet owner password' };

export interface FleetDb {
  url: string;
  name: string;
  orgId: string;
  /** venue ids by bar index */
  venueIds: string[];
  drop(): Promise<void>;
}

export async function createFleetDb(serverUrl: string, name: string, fleet: FleetDevice[]): Promise<FleetDb> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const db = await openDb({ url });
  try {
    await migrate(db);
    const owner = await seedOwner(db, passwordHasher({ memoryCost: 8, timeCost: 1 }), { organisation: 'Fleet Bars', ...OWNER });
    const orgId = owner!.orgId;
    const venues = await db.query<{ id: string }>(
      `INSERT INTO venues (org_id, name) SELECT $1, 'Bar ' || lpad(g::text, 4, '0') FROM generate_series(0, $2 - 1) g ORDER BY g RETURNING id`,
      [orgId, fleet.length],
    );
    const venueIds = venues.rows.map((r) => r.id);
    const locations = await db.query<{ id: string; venue_id: string }>(
      `INSERT INTO locations (org_id, venue_id, name) SELECT $1, v, 'Back bar' FROM unnest($2::uuid[]) v RETURNING id, venue_id`,
      [orgId, venueIds],
    );
    const locationOf = new Map(locations.rows.map((r) => [r.venue_id, r.id]));
    const items = await db.query<{ id: string; sku: string }>(
      `INSERT INTO items (org_id, sku, name, category, unit_cost) SELECT $1, s, 'Fleet bottle ' || s, 'spirits', 20 FROM unnest($2::text[]) s RETURNING id, sku`,
      [orgId, Array.from({ length: SKUS }, (_, k) => sku(k))],
    );
    const itemOf = new Map(items.rows.map((r) => [r.sku, r.id]));
    await db.query(`INSERT INTO devices (id, org_id, venue_id, name) SELECT d, $1, v, d FROM unnest($2::text[], $3::uuid[]) AS x(d, v)`, [
      orgId,
      fleet.map((d) => d.id),
      fleet.map((d) => venueIds[d.venue]),
    ]);
    const cams = fleet.flatMap((d) => d.cameras.map((c) => ({ d: d.id, c: c.id, loc: locationOf.get(venueIds[d.venue]!)! })));
    await db.query(
      `INSERT INTO cameras (org_id, device_id, id, location_id, url) SELECT $1, d, c, l, 'rtsp://10.0.0.1/stream' FROM unnest($2::text[], $3::text[], $4::uuid[]) AS x(d, c, l)`,
      [orgId, cams.map((x) => x.d), cams.map((x) => x.c), cams.map((x) => x.loc)],
    );
    const slots = fleet.flatMap((d) =>
      d.cameras.flatMap((c) => c.slots.map((s) => ({ d: d.id, c: c.id, s: s.id, item: itemOf.get(s.sku)! }))),
    );
    await db.query(
      `INSERT INTO slots (org_id, device_id, camera_id, id, item_id, polygon)
       SELECT $1, d, c, s, i, '[[0,0],[1,0],[1,1],[0,1]]' FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[]) AS x(d, c, s, i)`,
      [orgId, slots.map((x) => x.d), slots.map((x) => x.c), slots.map((x) => x.s), slots.map((x) => x.item)],
    );
    await db.query('ANALYZE');
    return {
      url,
      name,
      orgId,
      venueIds,
      async drop() {
        const a = new pg.Client({ connectionString: serverUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  } finally {
    await db.close();
  }
}
