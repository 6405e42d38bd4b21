import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { announceBoth, echoes, listenBoth } from './echo.js';
import { assertChannel, type Bus, type Db, type Queryable, type QueryResult, type SqlParam } from './types.js';

export interface PgliteOptions {
  /** A directory (created if missing), or 'memory://' for a throwaway database. */
  dataDir: string;
}

/** Matches the pg driver's parsers so repositories see the same JS values on both. */
const parsers = { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) };

type AfterCommit = (fn: () => void) => void;
const atOnce: AfterCommit = (fn) => fn();

export async function openPglite(opts: PgliteOptions): Promise<Db> {
  if (!opts.dataDir.startsWith('memory://')) mkdirSync(opts.dataDir, { recursive: true });
  const pg = await PGlite.create(opts.dataDir, { parsers });

  const notifyBus: Bus = {
    kind: 'postgres',
    // NOTIFY is itself transactional: delivered at commit
    publish: async (q, _afterCommit, channel, payload) =>
      void (await q.query('SELECT pg_notify($1, $2)', [assertChannel(channel), payload])),
    async listen(channel, onMessage) {
      const unsub = await pg.listen(channel, onMessage);
      return async () => unsub();
    },
  };
  let bus = notifyBus;
  const echo = echoes();

  const asQueryable = (c: Pick<PGlite, 'query' | 'exec'>, afterCommit: AfterCommit): Queryable => {
    const q: Queryable = {
      async query<T>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> {
        const result = await c.query<T>(sql, params as unknown[]);
        // PGlite reports affectedRows 0 for a SELECT; pg reports the rows returned
        return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
      },
      async exec<T>(sql: string): Promise<QueryResult<T>> {
        const last = (await c.exec(sql)).at(-1);
        return { rows: (last?.rows ?? []) as T[], rowCount: last ? last.affectedRows || last.rows.length : 0 };
      },
      notify: (channel, payload) => bus.publish(q, afterCommit, channel, payload),
      announce: (channel, payload) => announceBoth(echo, bus, q, afterCommit, channel, payload),
    };
    return q;
  };

  return {
    kind: 'pglite',
    get bus() {
      return bus.kind;
    },
    ...asQueryable(pg, atOnce),
    async transaction(fn) {
      const committed: (() => void)[] = [];
      const out = await pg.transaction((tx) => fn(asQueryable(tx, (f) => committed.push(f))));
      committed.forEach((f) => f());
      return out;
    },
    listen: (channel, onMessage, onResume) => listenBoth(echo, bus, channel, onMessage, onResume),
    useBus(b) {
      bus = b;
    },
    async close() {
      await pg.close();
    },
  };
}
