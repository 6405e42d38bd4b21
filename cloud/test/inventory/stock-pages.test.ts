import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { StockPages } from '../../src/inventory/stock-pages.js';
import { STOCK_CHANNEL } from '../../src/live/index.js';
import { pgliteFactory } from '../support/db.js';

describe('StockPages', () => {
  let db: Db;
  let pages: StockPages;
  beforeAll(async () => {
    db = await pgliteFactory.open();
    pages = new StockPages(db);
    await pages.start();
  });
  afterAll(async () => {
    await pages.stop();
    await pgliteFactory.dispose(db);
  });
  const moved = (pairs: string) => db.transaction((tx) => tx.announce(STOCK_CHANNEL, pairs));

  it('a read in flight when the stock moves is answered but not kept; requests meanwhile share it', async () => {
    let loads = 0;
    let release!: () => void;
    const load = async () => {
      loads++;
      await new Promise<void>((r) => (release = r));
      return { v: 'before' };
    };
    const slow = pages.get('org-1', 'bar', 'k', load);
    const joined = pages.get('org-1', 'bar', 'k', load);
    await new Promise((r) => setTimeout(r, 10));
    expect(loads).toBe(1);
    // the movement commits while the read is out
    await moved('org-1 bar');
    release();
    expect((await slow).json.toString()).toBe('{"v":"before"}');
    expect(await joined).toBe(await slow);
    const next = await pages.get('org-1', 'bar', 'k', async () => (loads++, { v: 'after' }));
    expect(next.json.toString()).toBe('{"v":"after"}');
    expect(loads).toBe(2);
  });

  it("forgets the locations announced, and only those: another location's and another organisation's pages stay", async () => {
    const answer = (v: string) => async () => ({ v });
    await pages.get('org-1', 'bar', 'k', answer('bar'));
    await pages.get('org-1', 'cellar', 'k', answer('cellar'));
    await pages.get('org-2', 'bar', 'k', answer('other org'));
    await moved('org-1 bar,org-9 nowhere');
    const asked: string[] = [];
    const now = (org: string, loc: string) => pages.get(org, loc, 'k', async () => (asked.push(`${org} ${loc}`), { v: 'read again' }));
    expect((await now('org-1', 'bar')).json.toString()).toBe('{"v":"read again"}');
    expect((await now('org-1', 'cellar')).json.toString()).toBe('{"v":"cellar"}');
    expect((await now('org-2', 'bar')).json.toString()).toBe('{"v":"other org"}');
    expect(asked).toEqual(['org-1 bar']);
  });

  it('a read that fails is not kept and the next one asks again', async () => {
    await expect(pages.get('org-1', 'gone', 'k', () => Promise.reject(new Error('no such location')))).rejects.toThrow('no such location');
    expect((await pages.get('org-1', 'gone', 'k', async () => ({ v: 1 }))).json.toString()).toBe('{"v":1}');
  });
});
