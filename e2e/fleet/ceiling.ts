/**
 * What PostgreSQL itself does on this machine, measured in the same run as the fleet: a bare
 * `INSERT … SELECT FROM unnest(…) ON CONFLICT (id) DO NOTHING` into an 8-column table keyed by
 * uuid, one statement and one commit a batch, as fast as one connection can go.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export async function unnestCeiling(url: string, batchRows: number, seconds: number): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TABLE IF NOT EXISTS bench_ceiling (
      id uuid PRIMARY KEY, device_id text NOT NULL, slot_id text NOT NULL, at timestamptz NOT NULL,
      count integer NOT NULL, units numeric(10, 3) NOT NULL, confidence real NOT NULL, trusted boolean NOT NULL)`);
    const sql = `INSERT INTO bench_ceiling SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::numeric[], $7::real[], $8::bool[]) ON CONFLICT (id) DO NOTHING`;
    let rows = 0;
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    while (performance.now() < until) {
      const at = new Date().toISOString();
      const ids = Array.from({ length: batchRows }, () => randomUUID());
      await c.query(sql, [
        ids,
        ids.map(() => 'fleet-0001'),
        ids.map((_, i) => `slot-${i % 40}`),
        ids.map(() => at),
        ids.map(() => 3),
        ids.map(() => 2.5),
        ids.map(() => 0.9),
        ids.map(() => true),
      ]);
      rows += batchRows;
    }
    const rate = rows / ((performance.now() - t0) / 1000);
    await c.query('DROP TABLE bench_ceiling');
    return rate;
  } finally {
    await c.end();
  }
}
