/**
 * The one small database interface the cloud speaks. Two implementations:
 * pg (PostgreSQL 14+, production) and PGlite (embedded default). Repositories
 * see only this, so the same SQL and the same tests run on both.
 */
export type SqlParam = string | number | boolean | null | Date | Buffer | Uint8Array | readonly unknown[] | Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /** One statement with $1… parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Runs fn in one transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
export function assertChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`invalid LISTEN channel ${JSON.stringify(channel)}`);
  return channel;
}
