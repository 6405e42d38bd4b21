import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { ItemPages, catalogueChanged } from '../../src/inventory/item-pages.js';
import { representation } from '../../src/inventory/kept-page.js';
import { StockPages } from '../../src/inventory/stock-pages.js';
import { STOCK_CHANNEL } from '../../src/live/index.js';
import { pgliteFactory } from '../support/db.js';

/** a page over the 1 KB threshold, so it is sent compressed */
const answer = (v: string) => ({ v, rows: Array.from({ length: 300 }, (_, i) => `row ${i}`) });

describe('kept pages keep their compressed copies', () => {
  let db: Db;
  let items: ItemPages;
  let stock: StockPages;
  beforeAll(async () => {
    db = await pgliteFactory.open();
    items = new ItemPages(db);
    stock = new StockPages(db);
    await items.start();
    await stock.start();
  });
  afterAll(async () => {
    await stock.stop();
    await items.stop();
    await pgliteFactory.dispose(db);
  });

  const kinds = [
    {
      kind: 'items',
      read: (v: string) => items.get('org-1', 'k', async () => answer(v)),
      change: () => db.transaction((tx) => catalogueChanged(tx, 'org-1')),
    },
    {
      kind: 'stock',
      read: (v: string) => stock.get('org-1', 'bar', 'k', async () => answer(v)),
      change: () => db.transaction((tx) => tx.announce(STOCK_CHANNEL, 'org-1 bar')),
    },
  ];

  it.each(kinds)('$kind: compressed once per page version, and anew after an announce', async ({ read, change }) => {
    const chosen = representation(await read('before'), 'gzip');
    const packed = await chosen.body();
    expect(gunzipSync(packed).toString()).toBe(JSON.stringify(answer('before')));
    // the next request gets the very same bytes: nothing compressed again
    expect(await representation(await read('unread'), 'gzip').body()).toBe(packed);
    await change();
    const next = representation(await read('after'), 'gzip');
    expect(gunzipSync(await next.body()).toString()).toBe(JSON.stringify(answer('after')));
    expect(next.etag).not.toBe(chosen.etag);
  });
});
