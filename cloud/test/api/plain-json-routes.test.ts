import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemPage, locationStock } from '@smartstock/api';
import { build, type TestCloud } from '../support/cloud.js';

/**
 * The routes sent as kept JSON written with JSON.stringify instead of zod's encode (the items
 * list's pages, a location's stock pages): their answers still parse with the strict contract, every kind of figure present (camera-less counts,
 * deliveries to storage, people's names, instants), so a key outside it or a figure of the wrong
 * type fails here.
 */
describe('routes answering without zod encode keep the contract', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('the stock of a location and the items list parse with the contract', async () => {
    const items = await t.api('GET', '/api/v1/inventory/items?limit=50', { token: t.ownerToken });
    expect(items.status).toBe(200);
    const itemId = items.body.items[0].id as string;
    const adjust = (body: object) => t.api('POST', `/api/v1/inventory/items/${itemId}/adjust`, { token: t.ownerToken, body });
    expect((await adjust({ locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: 2.5, part: 'whole' })).status).toBe(201);
    expect((await adjust({ locationId: t.demo.locations.mainBar, type: 'WASTE', quantity: 0.5 })).status).toBe(201);

    const stock = await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock`, { token: t.ownerToken });
    expect(stock.status).toBe(200);
    const parsed = locationStock.parse(stock.body);
    const level = parsed.levels.find((l) => l.itemId === itemId)!;
    expect(level.level).toBe(2);
    expect(level.offCamera.lastCount?.units).toBe(2.5);
    expect(level.updatedAt).toBeInstanceOf(Date);
    expect(parsed.levels.length).toBeGreaterThan(1);

    expect(stock.body).not.toHaveProperty('nextCursor'); // a caller that does not page gets the answer it always got

    // paged two at a time, the pages are the whole answer in its order, each item once
    const paged: string[] = [];
    let cursor: string | null | undefined;
    for (let i = 0; i < 100; i++) {
      const q = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const res = await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock?${q}`, { token: t.ownerToken });
      expect(res.status).toBe(200);
      const p = locationStock.parse(res.body);
      expect(p.levels.length).toBeLessThanOrEqual(2);
      paged.push(...p.levels.map((l) => l.itemId));
      expect(p.levels).toEqual(parsed.levels.filter((l) => p.levels.some((x) => x.itemId === l.itemId)));
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(paged).toEqual(parsed.levels.map((l) => l.itemId));
    const bad = await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.mainBar}/stock?cursor=nonsense`, {
      token: t.ownerToken,
    });
    expect(bad.status).toBe(400);

    const page = itemPage.parse((await t.api('GET', '/api/v1/inventory/items?limit=50', { token: t.ownerToken })).body);
    expect(page.items.length).toBeGreaterThan(1);
    expect(page.items.some((i) => i.locations.length > 0)).toBe(true);
  });
});
