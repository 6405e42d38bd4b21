import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux) */
const TICKS_PER_S = 100;

/**
 * CPU time used so far, in µs: by this process (server and load generator), and by the PostgreSQL
 * backends connected to dbName (read from /proc on this machine; 0 where it cannot be read). On a
 * shared, loaded machine a route's CPU per request moves far less than its req/s.
 */
export async function cpuNow(admin: pg.Pool, dbName: string): Promise<{ node: number; pg: number; backends: Map<number, number> }> {
  const c = process.cpuUsage();
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
  let pgUs = 0;
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // the fields after the command's closing parenthesis: utime and stime are the 12th and 13th
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const us = ((Number(f[11]) + Number(f[12])) * 1e6) / TICKS_PER_S;
      pgUs += us;
      backends.set(pid, us);
    } catch {
      // another machine's server, or a backend gone meanwhile: not counted
    }
  }
  return { node: c.user + c.system, pg: pgUs, backends };
}

/** fn's CPU per completed request, in µs: this process's, PostgreSQL's and both. */
export async function cpuPerRequest<T extends { requests: { total: number } }>(
  admin: pg.Pool,
  dbName: string,
  fn: () => Promise<T>,
): Promise<{ result: T; node: number; pg: number; total: number }> {
  const a = await cpuNow(admin, dbName);
  const result = await fn();
  const b = await cpuNow(admin, dbName);
  const n = Math.max(1, result.requests.total);
  const node = Math.round((b.node - a.node) / n);
  // by backend: one that ended meanwhile (a pool's idle connection closing) took its CPU with it, and
  // subtracting its earlier total made the figure negative; one that started meanwhile counts whole
  let pgSpent = 0;
  for (const [pid, us] of b.backends) pgSpent += us - (a.backends.get(pid) ?? 0);
  const pgUs = Math.round(pgSpent / n);
  return { result, node, pg: pgUs, total: node + pgUs };
}
