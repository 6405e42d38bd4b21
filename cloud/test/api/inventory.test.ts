import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

describe('inventory API over real HTTP', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('lists the demo catalogue with cursor pagination, search and filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: { items: { sku: string }[]; nextCursor: string | null } } = await t.api(
        'GET',
        `/api/v1/inventory/items?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { token: t.ownerToken },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i) => i.sku));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    const q = await t.api('GET', '/api/v1/inventory/items?q=tito', { token: t.ownerToken });
    expect(q.body.items.map((i: { sku: string }) => i.sku)).toEqual(['TITOS-750']);
    expect(q.body.items[0].locations.length).toBeGreaterThan(0);
    const gin = await t.api('GET', '/api/v1/inventory/items?category=gin', { token: t.ownerToken });
    expect(gin.body.items).toHaveLength(3);
    const bad = await t.api('GET', '/api/v1/inventory/items?cursor=nonsense', { token: t.ownerToken });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cursor');
  });

  it('creates, edits and archives an item; a duplicate SKU is a 409 naming the field', async () => {
    const body = {
      sku: 'MONKEY47-500',
      name: 'Monkey 47 Gin',
      category: 'gin',
      bottleSizeMl: 500,
      unitCost: 39.5,
      supplier: 'Breakthru Beverage',
    };
    const c = await t.api('POST', '/api/v1/inventory/items', {
      token: t.ownerToken,
      body: { ...body, locations: [{ locationId: t.demo.locations.mainBar, parLevel: 2, reorderPoint: 1 }] },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ ...body, locations: [{ locationId: t.demo.locations.mainBar, parLevel: 2, reorderPoint: 1 }] });
    const dup = await t.api('POST', '/api/v1/inventory/items', { token: t.ownerToken, body });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'conflict', field: 'sku' });
    const e = await t.api('PATCH', `/api/v1/inventory/items/${c.body.id}`, { token: t.ownerToken, body: { unitCost: 41 } });
    expect(e.body.unitCost).toBe(41);
    expect((await t.api('DELETE', `/api/v1/inventory/items/${c.body.id}`, { token: t.ownerToken })).status).toBe(204);
    expect((await t.api('GET', '/api/v1/inventory/items?q=monkey', { token: t.ownerToken })).body.items).toEqual([]);
  });

  it('rejects a bad body with 400 naming the field', async () => {
    const r = await t.api('POST', '/api/v1/inventory/items', { token: t.ownerToken, body: { sku: '', name: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'validation', field: 'body.sku', requestId: expect.any(String) });
  });

  it('adjusts stock: count, receive, waste, with before/after, and the location stock shows it', async () => {
    const item = t.demo.items['JAMESON-750']!;
    const loc = t.demo.locations.mainBar;
    const adj = (type: string, quantity: number, reason?: string) =>
      t.api('POST', `/api/v1/inventory/items/${item}/adjust`, { token: t.ownerToken, body: { locationId: loc, type, quantity, reason } });
    const count = await adj('COUNT', 5, 'opening count');
    expect(count.status).toBe(201);
    expect(count.body.transaction).toMatchObject({ type: 'COUNT', quantity: 5, before: 0, after: 5, reason: 'opening count' });
    expect((await adj('RECEIVE', 6)).body.stock.level).toBe(11);
    const waste = await adj('WASTE', 0.5, 'broken');
    expect(waste.body.transaction).toMatchObject({ quantity: -0.5, before: 11, after: 10.5 });
    expect((await adj('WASTE', -1)).status).toBe(400);
    const stock = await t.api('GET', `/api/v1/inventory/locations/${loc}/stock`, { token: t.ownerToken });
    const row = stock.body.levels.find((l: { itemId: string }) => l.itemId === item);
    expect(row).toMatchObject({ level: 10.5, source: 'manual', status: 'ok', parLevel: 6, reorderPoint: 2 });
    const hist = await t.api('GET', `/api/v1/inventory/items/${item}/history`, { token: t.ownerToken });
    expect(hist.body.transactions.map((x: { type: string }) => x.type)).toEqual(['COUNT', 'RECEIVE', 'WASTE']);
  });

  it('receives to storage by default, sells and transfers, and shows both parts of each level with their sources', async () => {
    const item = t.demo.items['BULLEIT-750']!;
    const post = (path: string, body: unknown) => t.api('POST', `/api/v1/inventory/items/${item}/${path}`, { token: t.ownerToken, body });
    const recv = await post('adjust', { type: 'RECEIVE', quantity: 12 });
    expect(recv.status).toBe(201);
    expect(recv.body.transaction).toMatchObject({
      type: 'RECEIVE',
      locationId: t.demo.locations.storage,
      part: 'off_camera',
      transferId: null,
    });
    expect(recv.body.stock.offCamera).toMatchObject({ units: 12, source: { kind: 'delivery', counted: null } });
    const move = await post('transfer', { fromLocationId: t.demo.locations.storage, toLocationId: t.demo.locations.mainBar, quantity: 4 });
    expect(move.status).toBe(201);
    expect(move.body.out).toMatchObject({ type: 'TRANSFER', quantity: -4, transferId: move.body.transferId });
    expect(move.body.in).toMatchObject({ type: 'TRANSFER', quantity: 4, transferId: move.body.transferId });
    expect([move.body.from.level, move.body.to.level]).toEqual([8, 4]);
    const sale = await post('adjust', { locationId: t.demo.locations.mainBar, type: 'SALE', quantity: 1 });
    expect(sale.body.stock).toMatchObject({ level: 3, status: 'ok', offCamera: { source: { kind: 'sale' } } });
    const count = await post('adjust', { locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: 2.5, part: 'whole' });
    expect(count.body.stock.offCamera.lastCount).toMatchObject({
      units: 2.5,
      counted: 'whole',
      current: true,
      userName: expect.any(String),
    });
    // bad input names the field
    expect((await post('transfer', { toLocationId: t.demo.locations.storage, quantity: 1 })).body.error.field).toBe('toLocationId');
    expect((await post('transfer', { toLocationId: t.demo.locations.mainBar, quantity: -1 })).status).toBe(400);
    expect((await post('adjust', { type: 'SALE', quantity: 1 })).body.error.field).toMatch(/locationId/);
    expect(
      (await post('adjust', { locationId: t.demo.locations.mainBar, type: 'SALE', quantity: 1, part: 'whole' })).body.error.field,
    ).toBe('part');
    // a bartender may move stock; the rooftop nobody counted says so instead of "out"
    const bartender = await t.userWithRole('bartender');
    const b = await t.api('POST', `/api/v1/inventory/items/${item}/transfer`, {
      token: bartender,
      body: { toLocationId: t.demo.locations.mainBar, quantity: 1 },
    });
    expect(b.status).toBe(201);
    const roof = await t.api('GET', `/api/v1/inventory/locations/${t.demo.locations.rooftop}/stock`, { token: t.ownerToken });
    expect(roof.body.levels.find((l: { itemId: string }) => l.itemId === t.demo.items['TITOS-750'])).toMatchObject({
      status: 'not_counted',
      onShelf: { units: null },
      offCamera: { units: null },
    });
  });

  it('scans a barcode to find and receive an item', async () => {
    const look = await t.api('POST', '/api/v1/inventory/scan', { token: t.ownerToken, body: { barcode: '721733000029' } });
    expect(look.body.item.sku).toBe('PATRON-750');
    const recv = await t.api('POST', '/api/v1/inventory/scan', {
      token: t.ownerToken,
      body: { barcode: '721733000029', action: 'RECEIVE', quantity: 12, locationId: t.demo.locations.storage },
    });
    expect(recv.body.result.stock).toMatchObject({ level: 12, source: 'manual' });
    expect((await t.api('POST', '/api/v1/inventory/scan', { token: t.ownerToken, body: { barcode: '000' } })).status).toBe(404);
    // a UPC-A label read as EAN-13 (zxing), and an EAN-13 stored with its 0 read as UPC-A (BarcodeDetector)
    const asEan = await t.api('POST', '/api/v1/inventory/scan', { token: t.ownerToken, body: { barcode: '0721733000029' } });
    expect(asEan.body.item.sku).toBe('PATRON-750');
    const asUpc = await t.api('POST', '/api/v1/inventory/scan', { token: t.ownerToken, body: { barcode: '853227003008' } });
    expect(asUpc.body.item.sku).toBe('DELMAGUEY-700');
    expect((await t.api('POST', '/api/v1/inventory/scan', { token: t.ownerToken, body: { barcode: '1721733000029' } })).status).toBe(404);
  });

  it('manages venues and locations', async () => {
    const v = await t.api('POST', '/api/v1/venues', { token: t.ownerToken, body: { name: 'The Lighthouse', timezone: 'Europe/Dublin' } });
    expect(v.status).toBe(201);
    const l = await t.api('POST', `/api/v1/venues/${v.body.id}/locations`, {
      token: t.ownerToken,
      body: { name: 'Cellar', type: 'cellar' },
    });
    expect(l.status).toBe(201);
    expect(
      (await t.api('PATCH', `/api/v1/inventory/locations/${l.body.id}`, { token: t.ownerToken, body: { active: false } })).body.active,
    ).toBe(false);
    expect((await t.api('GET', `/api/v1/venues/${v.body.id}`, { token: t.ownerToken })).body.locations).toHaveLength(1);
    expect((await t.api('DELETE', `/api/v1/venues/${v.body.id}`, { token: t.ownerToken })).status).toBe(204);
    expect((await t.api('GET', `/api/v1/venues/${v.body.id}`, { token: t.ownerToken })).status).toBe(404);
  });
});
