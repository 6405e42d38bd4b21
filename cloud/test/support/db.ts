import { randomBytes } from 'node:crypto';
import { openDb, migrate, type Db } from '../../src/db/index.js';
import type { Queryable } from '../../src/db/types.js';

export type DbFactory = { name: string; open: () => Promise<Db>; dispose: (db: Db) => Promise<void> };

/** A fresh in-memory PGlite: what `npm test` runs every repository test on. */
export const pgliteFactory: DbFactory = {
  name: 'PGlite',
  open: async () => {
    const db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    return db;
  },
  dispose: (db) => db.close(),
};

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The machine's PostgreSQL, in a schema of its own so parallel suites never meet. */
export const pgFactory: DbFactory = {
  name: 'PostgreSQL',
  open: async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const db = await openDb({ url: TEST_DATABASE_URL, schema });
    (db as Db & { testSchema?: string }).testSchema = schema;
    await migrate(db);
    return db;
  },
  dispose: async (db) => {
    const schema = (db as Db & { testSchema?: string }).testSchema;
    if (schema) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  },
};

/** db, with the SQL of every statement it runs (in its transactions too) pushed onto sql: to count round trips. */
export function recording(db: Db, sql: string[]): Db {
  const counted = (q: Queryable): Queryable => ({
    query: (text, params, o) => (sql.push(text), q.query(text, params, o)),
    exec: (text) => (sql.push(text), q.exec(text)),
    notify: (c, p) => q.notify(c, p),
    announce: (c, p) => q.announce(c, p),
  });
  return Object.assign(Object.create(db) as Db, {
    ...counted(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(counted(tx))),
  });
}
