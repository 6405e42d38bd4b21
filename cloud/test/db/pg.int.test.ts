import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDb } from './db.suite.js';
import { pgFactory } from '../support/db.js';
import type { Db } from '../../src/db/index.js';

describeDb(pgFactory);

// The fault suite's PostgreSQL restart killed every cloud instance: the held LISTEN
// connection died with no 'error' handler. A terminated backend is the same event.
describe('PostgreSQL drops the LISTEN connection', () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgFactory.open();
  });
  afterAll(() => pgFactory.dispose(db));

  it('survives, listens again and delivers later notifications', async () => {
    const got: string[] = [];
    let resumed = 0;
    // told it may have missed notifications while away: caches listening here forget everything
    await db.listen(
      'stock_changed',
      (p) => got.push(p),
      () => resumed++,
    );
    const killed = await db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.rows[0]!.n).toBeGreaterThan(0);
    const end = Date.now() + 15_000;
    for (let i = 0; !got.length && Date.now() < end; i++) {
      await db.notify('stock_changed', `{"n":${i}}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(got.length).toBeGreaterThan(0);
    expect(resumed).toBe(1);
  });
});
