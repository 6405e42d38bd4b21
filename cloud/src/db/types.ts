/**
 * The one small database interface the cloud speaks. Two implementations:
 * pg (PostgreSQL 14+, production) and PGlite (embedded default). Repositories
 * see only this, so the same SQL and the same tests run on both.
 */
export type SqlParam = string | number | boolean | null | Date | Buffer | Uint8Array | readonly unknown[] | Record<string, unknown>;

export interface QueryOptions {
  prepare?: string | undefined;
}

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  /**
   * One statement with $1… parameters. o.prepare names it: PostgreSQL keeps it prepared per
   * connection and, after a few runs, may plan it once for all (for a statement whose planning
   * costs more than its run); one name, one SQL text. PGlite ignores it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[], o?: QueryOptions): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations, the job queue's DDL); resolves to the last statement's rows. */
  exec<T = Record<string, unknown>>(sql: string): Promise<QueryResult<T>>;
  /**
   * Announces payload to every listener on channel, of every instance, once the
   * enclosing transaction commits (at once outside one); never after a rollback.
   */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * notify, and this process's listeners of the same Db hear it synchronously as the work commits
   * (before the transaction's promise resolves), then again through the bus: for cache
   * invalidations, which must be idempotent, so that a writer never reads its own write stale.
   */
  announce(channel: string, payload: string): Promise<void>;
}

/**
 * How notify/listen travel between instances: PostgreSQL NOTIFY (PGlite embedded)
 * by default, Redis pub/sub when REDIS_URL is set. Exactly one is in use per Db.
 */
export interface Bus {
  readonly kind: 'postgres' | 'redis';
  /** q is the writer's connection or transaction; afterCommit runs fn once q's work has committed. */
  publish(q: Queryable, afterCommit: (fn: () => void) => void, channel: string, payload: string): Promise<void>;
  /**
   * onResume runs after the bus lost messages it may have missed (a reconnect),
   * so the listener can catch up from its own records.
   */
  listen(channel: string, onMessage: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** Runs fn in one transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Listens on a channel through the bus; resolves to an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  /** Carries notify/listen over another bus (Redis) instead of NOTIFY; call before anything listens. */
  useBus(bus: Bus): void;
  readonly bus: Bus['kind'];
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
export function assertChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`invalid LISTEN channel ${JSON.stringify(channel)}`);
  return channel;
}
