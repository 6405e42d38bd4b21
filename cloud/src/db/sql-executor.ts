import type { Queryable, QueryResult, SqlParam } from './types.js';

/** What a library that brings its own SQL (the pg-boss job queue) runs statements through. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<QueryResult<Record<string, unknown>>>;
}

/**
 * Hands a library our connection (or an open transaction), so its statements run on the
 * same pool, or the same PGlite, as ours. Statements without parameters may be several
 * in one string (pg-boss's locked BEGIN…COMMIT blocks): PGlite runs those only through
 * exec, the simple protocol, so every parameterless statement goes there.
 */
export function sqlExecutor(q: Queryable): SqlExecutor {
  return {
    executeSql: (text, values) => (values?.length ? q.query(text, values as SqlParam[]) : q.exec(text)),
  };
}
