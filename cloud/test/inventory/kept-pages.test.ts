import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { representation } from '../../src/inventory/kept-page.js';
import { KeptPages } from '../../src/inventory/kept-pages.js';

/** random text compresses to about three quarters: each compressed copy is nearly as large as its page */
const answer = () => ({ rows: Array.from({ length: 200 }, () => randomBytes(24).toString('base64')) });
const jsonSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('KeptPages bound', () => {
  it('counts the compressed copies: two pages fit as JSON, not once one is also kept gzipped', async () => {
    const answers = { a: answer(), b: answer() };
    // no channel: nothing to listen to, so no database is asked
    const pages = new KeptPages({} as Db, {
      maxAgeMs: 60_000,
      maxBytes: jsonSize(answers.a) + jsonSize(answers.b) + 1_000,
      forgetOn: {},
    });
    await pages.start();
    let loads = 0;
    const read = (key: 'a' | 'b') => pages.keptPage('org-1', 'bar', key, async () => (loads++, answers[key]));
    const first = await read('a');
    await read('b');
    await read('a');
    await read('b');
    expect(loads).toBe(2);
    // the gzip copy takes what is kept past the bound: everything is dropped, and read again
    await representation(first, 'gzip').body();
    await read('a');
    await read('b');
    expect(loads).toBe(4);
    // a copy of a page no longer kept counts for nothing: both pages are kept again
    await representation(first, 'br').body();
    await read('a');
    await read('b');
    expect(loads).toBe(4);
    await pages.stop();
  });
});
