import pg from 'pg';
import { assertChannel, type Db, type Queryable, type QueryResult, type SqlParam } from './types.js';

// bigint (int8) and numeric come back as strings by default; SmartStock's counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface PgOptions {
  url: string;
  /** A schema to create and use: lets parallel test runs share one database. */
  schema?: string;
  max?: number;
}

export async function openPg(opts: PgOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // an idle client's error (e.g. the server restarted) must not crash the process; the pool replaces it
  pool.on('error', () => undefined);
  if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
  const listener: { client?: pg.PoolClient; handlers: Map<string, Set<(p: string) => void>> } = { handlers: new Map() };

  const asQueryable = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: readonly SqlParam[] = []): Promise<QueryResult<T>> {
      const r = await c.query(sql, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });

  return {
    kind: 'pg',
    ...asQueryable(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(asQueryable(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async listen(channel, onMessage) {
      assertChannel(channel);
      if (!listener.client) {
        listener.client = await pool.connect();
        listener.client.on('notification', (n) => listener.handlers.get(n.channel)?.forEach((h) => h(n.payload ?? '')));
      }
      let set = listener.handlers.get(channel);
      if (!set) {
        set = new Set();
        listener.handlers.set(channel, set);
        await listener.client.query(`LISTEN ${channel}`);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (!set.size) {
          listener.handlers.delete(channel);
          await listener.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [assertChannel(channel), payload]);
    },
    async close() {
      listener.client?.release();
      await pool.end();
    },
  };
}
