import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { assertChannel, type Db, type Queryable, type QueryResult, type SqlParam } from './types.js';

export interface PgliteOptions {
  /** A directory (created if missing), or 'memory://' for a throwaway database. */
  dataDir: string;
}

/** Matches the pg driver's parsers so repositories see the same JS values on both. */
const parsers = { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) };

export async function openPglite(opts: PgliteOptions): Promise<Db> {
  if (!opts.dataDir.startsWith('memory://')) mkdirSync(opts.dataDir, { recursive: true });
  const pg = await PGlite.create(opts.dataDir, { parsers });

  const asQueryable = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> {
      const r = await c.query<T>(sql, params as unknown[]);
      // PGlite reports affectedRows 0 for a SELECT; pg reports the rows returned
      return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    ...asQueryable(pg),
    transaction: (fn) => pg.transaction((tx) => fn(asQueryable(tx))),
    async listen(channel, onMessage) {
      const unsub = await pg.listen(assertChannel(channel), onMessage);
      return async () => unsub();
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [assertChannel(channel), payload]);
    },
    async close() {
      await pg.close();
    },
  };
}
