import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations, type Db } from '../../src/db/index.js';
import type { DbFactory } from '../support/db.js';

/** The contract every Db implementation keeps; run per implementation. */
export function describeDb(f: DbFactory) {
  describe(`Db on ${f.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await f.open();
    });
    afterAll(() => f.dispose(db));

    it('runs every migration once and records it', async () => {
      expect(await migrate(db)).toEqual([]); // second run: nothing to do
      const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
    });

    it('refuses an applied migration whose file changed', async () => {
      const [first, ...rest] = readMigrations();
      await expect(migrate(db, [{ ...first!, checksum: 'edited' }, ...rest])).rejects.toThrow(/was changed after it was applied/);
    });

    it('names the migration that fails and applies none of it', async () => {
      const bad = { name: '999_broken.sql', sql: 'CREATE TABLE half_done (id int); SELECT no_such_fn();', checksum: 'x' };
      await expect(migrate(db, [...readMigrations(), bad])).rejects.toThrow(/999_broken\.sql failed/);
      const { rows } = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
      expect(rows).toHaveLength(0);
    });

    it('binds parameters and returns numbers for bigint and numeric', async () => {
      const { rows } = await db.query<{ a: number; b: number; s: string }>('SELECT $1::bigint AS a, $2::numeric AS b, $3::text AS s', [
        41,
        '2.62',
        "O'Brien",
      ]);
      expect(rows[0]).toEqual({ a: 41, b: 2.62, s: "O'Brien" });
    });

    it('commits a transaction and rolls one back when it throws', async () => {
      await db.exec('CREATE TEMP TABLE IF NOT EXISTS t_tx (n int)');
      await db.exec('CREATE TABLE IF NOT EXISTS tx_probe (n int)');
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES ($1)', [1]);
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO tx_probe VALUES ($1)', [2]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const { rows } = await db.query<{ n: number }>('SELECT n FROM tx_probe ORDER BY n');
      expect(rows.map((r) => r.n)).toEqual([1]);
    });

    it('delivers NOTIFY to a listener and stops after unlisten', async () => {
      const got: string[] = [];
      const unlisten = await db.listen('stock_changed', (p) => got.push(p));
      await db.notify('stock_changed', '{"n":1}');
      await waitFor(() => got.length === 1);
      await unlisten();
      await db.notify('stock_changed', '{"n":2}');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['{"n":1}']);
      await expect(db.listen('bad channel; drop table x', () => undefined)).rejects.toThrow(/invalid LISTEN channel/);
    });

    it('delivers a notify made in a transaction only when it commits', async () => {
      const got: string[] = [];
      const unlisten = await db.listen('stock_changed', (p) => got.push(p));
      await expect(
        db.transaction(async (tx) => {
          await tx.notify('stock_changed', 'rolled back');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await db.transaction((tx) => tx.notify('stock_changed', 'committed'));
      await waitFor(() => got.length === 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['committed']);
      await unlisten();
    });
  });
}

async function waitFor(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
