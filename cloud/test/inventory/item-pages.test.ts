import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { ItemPages, catalogueChanged } from '../../src/inventory/item-pages.js';
import { pgliteFactory } from '../support/db.js';

describe('ItemPages', () => {
  let db: Db;
  beforeAll(async () => {
    db = await pgliteFactory.open();
  });
  afterAll(() => pgliteFactory.dispose(db));

  it('a read in flight when the catalogue changes is answered but not kept', async () => {
    const pages = new ItemPages(db);
    await pages.start();
    let loads = 0;
    let release!: () => void;
    const slow = pages.get('org-1', 'k', async () => {
      loads++;
      await new Promise<void>((r) => (release = r));
      return { v: 'before' };
    });
    await new Promise((r) => setTimeout(r, 10));
    // the change commits while the read is out
    await db.transaction((tx) => catalogueChanged(tx, 'org-1'));
    release();
    expect((await slow).json.toString()).toBe('{"v":"before"}');
    const next = await pages.get('org-1', 'k', async () => (loads++, { v: 'after' }));
    expect(next.json.toString()).toBe('{"v":"after"}');
    expect(loads).toBe(2);
    // kept now
    expect((await pages.get('org-1', 'k', async () => (loads++, { v: 'again' }))).json.toString()).toBe('{"v":"after"}');
    await pages.stop();
  });

  it('a rolled-back change forgets nothing; a committed one forgets its organisation only', async () => {
    const pages = new ItemPages(db);
    await pages.start();
    let loads = 0;
    const read = (org: string) => pages.get(org, 'k', async () => ({ org, n: ++loads }));
    await read('org-1');
    await read('org-2');
    await db
      .transaction(async (tx) => {
        await catalogueChanged(tx, 'org-1');
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await read('org-1');
    expect(loads).toBe(2);
    await db.transaction((tx) => catalogueChanged(tx, 'org-1'));
    await read('org-1');
    await read('org-2');
    expect(loads).toBe(3);
    await pages.stop();
  });

  it('keeps nothing before start (nothing would forget it)', async () => {
    const pages = new ItemPages(db);
    let loads = 0;
    await pages.get('org-1', 'k', async () => ++loads);
    await pages.get('org-1', 'k', async () => ++loads);
    expect(loads).toBe(2);
  });
});
