/**
 * A fresh cloud queues its catch-up work at start (a daily variance job per venue) and pg-boss
 * then runs it: measured during the burst, that work was part of the ingest figures. The bench
 * waits for the queue to be idle first, and says how long it took.
 */
import pg from 'pg';

const PENDING = `SELECT count(*) FILTER (WHERE state IN ('created', 'retry', 'active'))::int AS pending, count(*)::int AS total
  FROM pgboss.job`;

/**
 * Waits (bounded by maxMs) until no job of the row's queue is waiting or running for quietMs
 * in a row. Answers how long it waited, how many jobs the queue held and how many were still pending.
 */
export async function queueIdle(dbUrl: string, maxMs = 120_000, quietMs = 2000): Promise<{ ms: number; jobs: number; pending: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const start = performance.now();
  let quietSince: number | undefined;
  try {
    for (;;) {
      const now = performance.now();
      // pg-boss makes its schema when the cloud starts; a row without one has nothing queued
      const exists = (await c.query<{ t: string | null }>(`SELECT to_regclass('pgboss.job')::text AS t`)).rows[0]!.t;
      const { pending, total } = exists ? (await c.query<{ pending: number; total: number }>(PENDING)).rows[0]! : { pending: 0, total: 0 };
      if (pending) quietSince = undefined;
      else quietSince ??= now;
      if ((quietSince !== undefined && now - quietSince >= quietMs) || now - start > maxMs)
        return { ms: Math.round(now - start), jobs: total, pending };
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await c.end();
  }
}
