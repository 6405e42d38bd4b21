import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import { migrate, openDb, readMigrations, type Db } from '../../src/db/index.js';
import { repos } from '../support/repos.js';

/** Rows written before the split keep their level: on-shelf where a camera watched the item, off camera elsewhere. */
describe('migration 140: the ledger split into on-shelf and off-camera rows', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory://' });
  });
  afterAll(() => db.close());

  it('levels read the same before and after', async () => {
    const all = readMigrations();
    const split = all.findIndex((m) => m.name.startsWith('140_'));
    await migrate(db, all.slice(0, split));
    // Rows in the schema as it was before 140, by SQL: today's repositories write columns added later.
    const one = async (sql: string, params: unknown[] = []) => (await db.query<{ id: string }>(sql, params as never)).rows[0]!;
    const org = await one(`INSERT INTO organisations (name) VALUES ('Old Org') RETURNING id`);
    const venue = await one(`INSERT INTO venues (org_id, name) VALUES ($1, 'V') RETURNING id`, [org.id]);
    const location = `INSERT INTO locations (org_id, venue_id, name, type) VALUES ($1, $2, $3, $4) RETURNING id`;
    const bar = await one(location, [org.id, venue.id, 'Bar', 'bar']);
    const store = await one(location, [org.id, venue.id, 'Store', 'storage']);
    const item = await one(`INSERT INTO items (org_id, sku, name) VALUES ($1, 'A', 'A') RETURNING id`, [org.id]);
    await db.query(`INSERT INTO devices (id, org_id, venue_id, name) VALUES ('dev-old', $1, $2, 'D')`, [org.id, venue.id]);
    await db.query(`INSERT INTO cameras (org_id, device_id, id, location_id, url) VALUES ($1, 'dev-old', 'c', $2, 'rtsp://x')`, [
      org.id,
      bar.id,
    ]);
    await db.query(`INSERT INTO slots (org_id, device_id, camera_id, id, item_id, polygon) VALUES ($1, 'dev-old', 'c', 's', $2, '[]')`, [
      org.id,
      item.id,
    ]);
    const at = (s: number) => new Date(Date.now() - s * 1000);
    await db.query(
      `INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, item_id, at, count, fills, units, confidence, state, trusted, batch_seq)
       VALUES ($1, $2, 'dev-old', 'c', 's', $3, $4, 2, '[1,1]', 2, 0.9, 'ok', true, 1)`,
      [uuidv7(), org.id, item.id, at(60)],
    );
    // the old shape: a sale before the camera's reading (gone into it), a count after it, and a delivery to the store
    const old = `INSERT INTO transactions (org_id, item_id, location_id, type, quantity, at) VALUES ($1, $2, $3, $4, $5, $6)`;
    await db.query(old, [org.id, item.id, bar.id, 'SALE', -1, at(120)]);
    await db.query(old, [org.id, item.id, bar.id, 'COUNT', 1.5, at(30)]);
    await db.query(old, [org.id, item.id, store.id, 'RECEIVE', 12, at(10)]);

    await migrate(db, all);
    const r = repos(db);
    const [atBar] = await r.stock.levels(org.id, bar.id);
    const [atStore] = await r.stock.levels(org.id, store.id);
    expect(atBar).toMatchObject({ level: 3.5, cameraUnits: 2, manualDelta: 1.5, offCamera: null });
    expect(atStore).toMatchObject({ level: 12, offCamera: 12, watched: false });
    const { rows } = await db.query<{ location_id: string; part: string }>('SELECT location_id, part FROM transactions ORDER BY at');
    expect(rows.map((x) => x.part)).toEqual(['on_shelf', 'on_shelf', 'off_camera']);
  });
});
