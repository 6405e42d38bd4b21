import pg from 'pg';
import { announceBoth, echoes, listenBoth } from './echo.js';
import { assertChannel, type Bus, type Db, type Queryable, type QueryOptions, type QueryResult, type SqlParam } from './types.js';

// bigint (int8) and numeric come back as strings by default; SmartStock's counts fit in a double.
pg.types.setTypeParser(20, (text) => Number(text));
pg.types.setTypeParser(1700, (text) => Number(text));

export interface PgOptions {
  url: string;
  /** A schema to create and use: lets parallel test runs share one database. */
  schema?: string;
  max?: number;
}

type AfterCommit = (fn: () => void) => void;
const atOnce: AfterCommit = (fn) => fn();

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
  /** told after a reconnect: what was notified meanwhile is lost, so caches forget everything */
  const resumers = new Set<() => void>();

  let closed = false;
  /**
   * The LISTEN connection is held for the process's life. When the server restarts it dies:
   * without an 'error' handler that crashed the whole cloud (found by the fault suite).
   * Reconnect with backoff and LISTEN again; notifications sent meanwhile are missed, which
   * the live hub tolerates (it re-reads rows by id, and a client refreshes on reconnect).
   */
  const connectListener = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    listener.client = client;
    client.on('notification', (n) => listener.handlers.get(n.channel)?.forEach((h) => h(n.payload ?? '')));
    client.once('error', () => {
      try {
        client.release(true);
      } catch {
        // close() gave it back already: a server ending the connection then (DROP DATABASE … WITH (FORCE)
        // after close) threw "Release called on client which has already been released" out of an event handler
      }
      if (listener.client === client) listener.client = undefined;
      void (async () => {
        for (let attempt = 0; !closed && !listener.client && listener.handlers.size; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** attempt)));
          try {
            const c = await connectListener();
            try {
              for (const ch of listener.handlers.keys()) await c.query(`LISTEN ${ch}`);
            } catch (e) {
              // a failed LISTEN leaves a connection that is no use
              listener.client = undefined;
              try {
                c.release(true);
              } catch {
                // its error handler released it already
              }
              throw e;
            }
            resumers.forEach((resume) => resume());
            return;
          } catch {
            // the server is still down: try again
          }
        }
      })();
    });
    client.on('error', () => undefined); // later errors of the same dead connection
    return client;
  };

  const notifyBus: Bus = {
    kind: 'postgres',
    // NOTIFY is itself transactional: PostgreSQL delivers it at commit
    publish: async (q, _afterCommit, channel, payload) =>
      void (await q.query('SELECT pg_notify($1, $2)', [assertChannel(channel), payload])),
    async listen(channel, onMessage, onResume) {
      assertChannel(channel);
      const client = listener.client ?? (await connectListener());
      let set = listener.handlers.get(channel);
      if (!set) {
        set = new Set();
        listener.handlers.set(channel, set);
        await client.query(`LISTEN ${channel}`);
      }
      set.add(onMessage);
      if (onResume) resumers.add(onResume);
      return async () => {
        set.delete(onMessage);
        if (onResume) resumers.delete(onResume);
        if (!set.size) {
          listener.handlers.delete(channel);
          await listener.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
  };
  let bus = notifyBus;
  const echo = echoes();

  const asQueryable = (c: pg.Pool | pg.PoolClient, afterCommit: AfterCommit): Queryable => {
    const q: Queryable = {
      async query<T>(sql: string, params: readonly SqlParam[] = [], o?: QueryOptions): Promise<QueryResult<T>> {
        const result = await (o?.prepare
          ? c.query({ name: o.prepare, text: sql, values: params as unknown[] })
          : c.query(sql, params as unknown[]));
        return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
      },
      async exec<T>(sql: string): Promise<QueryResult<T>> {
        // the simple protocol: several statements answer with one result each
        const result = (await c.query(sql)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result.at(-1) : result;
        return { rows: (last?.rows ?? []) as T[], rowCount: last?.rowCount ?? 0 };
      },
      notify: (channel, payload) => bus.publish(q, afterCommit, channel, payload),
      announce: (channel, payload) => announceBoth(echo, bus, q, afterCommit, channel, payload),
    };
    return q;
  };

  return {
    kind: 'pg',
    get bus() {
      return bus.kind;
    },
    ...asQueryable(pool, atOnce),
    async transaction(fn) {
      const client = await pool.connect();
      // a checked-out client has no pool listener: without one, the server going away between
      // two statements is an unhandled 'error' event that kills the process; the next query fails instead
      const onError = () => undefined;
      client.on('error', onError);
      const committed: (() => void)[] = [];
      try {
        await client.query('BEGIN');
        const out = await fn(asQueryable(client, (f) => committed.push(f)));
        await client.query('COMMIT');
        committed.forEach((f) => f());
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    listen: (channel, onMessage, onResume) => listenBoth(echo, bus, channel, onMessage, onResume),
    useBus(b) {
      bus = b;
    },
    async close() {
      closed = true;
      listener.client?.release();
      await pool.end();
    },
  };
}
