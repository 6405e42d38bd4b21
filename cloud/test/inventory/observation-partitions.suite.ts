import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@smartstock/protocol';
import { migrate, type Db } from '../../src/db/index.js';
import type { Queryable } from '../../src/db/types.js';
import { ObservationPartitions } from '../../src/inventory/index.js';
import type { ObservationRow } from '../../src/inventory/observation.repository.js';
import { repos, type Repos } from '../support/repos.js';
import type { DbFactory } from '../support/db.js';

const DAY = 86_400_000;

const row = (at: string, units = 2, id = uuidv7()): ObservationRow => ({
  id,
  cameraId: 'cam-1',
  slotId: 's1',
  sku: null,
  at,
  count: 1,
  fills: [units],
  units,
  confidence: 0.9,
  state: 'ok',
  trusted: true,
});

// the rows a device sent before this migration, written as the old ingest did
async function insertRaw(q: Queryable, orgId: string, o: ObservationRow): Promise<void> {
  await q.query(
    `INSERT INTO observations (id, org_id, device_id, camera_id, slot_id, at, count, fills, units, confidence, state, trusted, batch_seq)
     VALUES ($1, $2, 'dev-1', $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
    [o.id, orgId, o.cameraId, o.slotId, o.at, o.count, JSON.stringify(o.fills), o.units, o.confidence, o.state, o.trusted],
  );
}

const partitions = async (q: Queryable) =>
  (
    await q.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'observations'::regclass ORDER BY 1`,
    )
  ).rows.map((r) => r.name);

const inPartition = async (q: Queryable, id: string) =>
  (await q.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM observations WHERE id = $1`, [id])).rows.map((r) => r.p);

/** Observations partitioned by month (migration 180), its upkeep and raw retention: the same on PGlite and PostgreSQL. */
export function describeObservationPartitions(f: DbFactory) {
  describe(`observation partitions on ${f.name}`, () => {
    let db: Db;
    let r: Repos;
    let orgId: string;
    const old = row('2026-01-15T10:20:00.000Z', 3);
    const older = row('2025-11-02T08:00:00.000Z', 4);
    const recent = row(new Date(Date.now() - DAY).toISOString(), 5);

    beforeAll(async () => {
      db = await f.open();
      // f.open migrated everything: start over at the schema before 180 with rows in it
      await db.exec('DROP TABLE observation_hourly; DROP TABLE observations CASCADE');
      await db.exec(`CREATE TABLE observations (
        id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE, device_id text NOT NULL,
        camera_id text NOT NULL, slot_id text NOT NULL, item_id uuid, sku text, at timestamptz NOT NULL, count integer NOT NULL,
        fills jsonb NOT NULL, units numeric(10, 3) NOT NULL, confidence real NOT NULL,
        state text NOT NULL CHECK (state IN ('ok', 'occluded', 'stale')), trusted boolean NOT NULL, batch_seq bigint NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(), model_versions jsonb)`);
      await db.query(`DELETE FROM schema_migrations WHERE name = '180_observations_partitioned.sql'`);
      r = repos(db);
      orgId = (await r.venues.createOrganisation('Partition Org')).id;
      for (const o of [old, older, recent]) await insertRaw(db, orgId, o);
      expect(await migrate(db)).toContain('180_observations_partitioned.sql');
    });
    afterAll(() => f.dispose(db));

    it('keeps every existing row, each in its month, and still rejects a redelivered observation', async () => {
      expect(await r.observations.count(orgId)).toBe(3);
      expect(await inPartition(db, old.id)).toEqual(['observations_y2026m01']);
      expect(await inPartition(db, older.id)).toEqual(['observations_y2025m11']);
      expect(await partitions(db)).toEqual(expect.arrayContaining(['observations_before', 'observations_after', 'observations_y2025m12']));
      // a redelivery of a migrated row, twice in one batch, and alongside a new one
      const fresh = row(new Date().toISOString(), 1);
      const stored = await r.observations.insertBatch(orgId, 'dev-1', 2, [old, old, recent, fresh, fresh]);
      expect(stored.map((o) => o.id)).toEqual([fresh.id]);
      expect(await r.observations.insertBatch(orgId, 'dev-1', 2, [fresh])).toEqual([]);
      expect(await r.observations.countByIds([old.id, recent.id, fresh.id])).toBe(3);
      expect(await r.observations.count(orgId)).toBe(4);
    });

    it('answers "latest per slot" walking the months newest first, not merging every month', async () => {
      const { rows } = await db.query<Record<string, string>>(
        `EXPLAIN SELECT units FROM observations WHERE device_id = 'dev-1' AND camera_id = 'cam-1' AND slot_id = 's1' AND trusted
         ORDER BY at DESC LIMIT 1`,
      );
      const plan = rows.map((x) => Object.values(x)[0]).join('\n');
      expect(plan).toContain('Append');
      expect(plan).not.toContain('Merge Append');
    });

    it('rolls months past retention up hourly, then drops them; old outliers too', async () => {
      const hour = '2026-01-15T10:';
      const sameHour = [row(`${hour}05:00.000Z`, 6), row(`${hour}50:00.000Z`, 1.5)];
      const ancient = row('2019-06-01T12:30:00.000Z', 9);
      await r.observations.insertBatch(orgId, 'dev-1', 4, [...sameHour, ancient]);
      expect(await inPartition(db, ancient.id)).toEqual(['observations_before']);
      const claimed = async () =>
        (
          await db.query<{ n: number }>('SELECT count(*)::int AS n FROM observation_ids WHERE id = ANY($1::uuid[])', [
            [...sameHour, ancient].map((o) => o.id),
          ])
        ).rows[0]!.n;
      expect(await claimed()).toBe(3);
      const job = new ObservationPartitions(db, { retentionDays: 90, monthsAhead: 1 });
      const done = await job.maintain(Date.parse('2026-05-10T00:00:00Z'));
      expect(done.dropped).toEqual(expect.arrayContaining(['observations_y2025m11', 'observations_y2026m01']));
      expect(done.dropped).not.toContain('observations_y2026m02'); // Feb ends after the cutoff (Feb 9)
      expect(await partitions(db)).not.toContain('observations_y2026m01');
      expect(await r.observations.countByIds([old.id, older.id, ancient.id, ...sameHour.map((o) => o.id)])).toBe(0);
      // their ids (migration 281) went with their months
      expect(await claimed()).toBe(0);
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT hour, min_units::float8 AS min, max_units::float8 AS max, last_units::float8 AS last, count
         FROM observation_hourly WHERE org_id = $1 ORDER BY hour`,
        [orgId],
      );
      expect(rows).toEqual([
        { hour: new Date('2019-06-01T12:00:00Z'), min: 9, max: 9, last: 9, count: 1 },
        { hour: new Date('2025-11-02T08:00:00Z'), min: 4, max: 4, last: 4, count: 1 },
        { hour: new Date('2026-01-15T10:00:00Z'), min: 1.5, max: 6, last: 1.5, count: 3 },
      ]);
      // recent rows are untouched; a late row for a dropped month is kept as an outlier, and rolled up next time
      expect(await r.observations.countByIds([recent.id])).toBe(1);
      const late = row('2026-01-15T10:59:00.000Z', 0.5);
      expect(await r.observations.insertBatch(orgId, 'dev-1', 5, [late])).toHaveLength(1);
      expect(await inPartition(db, late.id)).toEqual(['observations_before']);
      await job.maintain(Date.parse('2026-05-10T00:00:00Z'));
      const merged = await db.query<Record<string, unknown>>(
        `SELECT min_units::float8 AS min, last_units::float8 AS last, count FROM observation_hourly WHERE org_id = $1 AND hour = '2026-01-15T10:00:00Z'`,
        [orgId],
      );
      expect(merged.rows).toEqual([{ min: 0.5, last: 0.5, count: 4 }]);
    });
    it('creates months ahead, and a month split off the outlier partition takes its rows with it', async () => {
      const far = row('2031-03-10T00:00:00.000Z', 7);
      await r.observations.insertBatch(orgId, 'dev-1', 3, [far]);
      expect(await inPartition(db, far.id)).toEqual(['observations_after']);
      // the outlier partition dedupes too
      expect(await r.observations.insertBatch(orgId, 'dev-1', 3, [far])).toEqual([]);
      const job = new ObservationPartitions(db, { retentionDays: 400, monthsAhead: 2 });
      const done = await job.maintain(Date.parse('2031-02-20T00:00:00Z'));
      expect(done.created).toEqual(expect.arrayContaining(['2031-02', '2031-03', '2031-04']));
      expect(await inPartition(db, far.id)).toEqual(['observations_y2031m03']);
      expect(await r.observations.insertBatch(orgId, 'dev-1', 3, [far])).toEqual([]);
      // a second run finds nothing to do
      expect((await job.maintain(Date.parse('2031-02-20T00:00:00Z'))).created).toEqual([]);
      await db.query('DELETE FROM observations WHERE id = $1', [far.id]);
    });
  });
}
