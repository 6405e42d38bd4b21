import { openPg } from './pg.js';
import { openPglite } from './pglite.js';
import type { Db, Queryable } from './types.js';

export * from './types.js';
export { migrate, readMigrations } from './migrate.js';

export interface OpenDbOptions {
  /** postgres://… for PostgreSQL; absent for the embedded PGlite. */
  url?: string | undefined;
  /** PGlite's directory, or 'memory://'. */
  dataDir?: string;
  schema?: string;
}

export function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.url) return openPg({ url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}) });
  return openPglite({ dataDir: opts.dataDir ?? 'memory://' });
}

/** The health check's round trip. */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
