/** CSV import for any other POS: column mapping per venue, preview with each bad row named, import on confirmation, re-import changes nothing twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { readSales } from '../../src/pos/csv.js';

const COLUMNS = { orderId: 'Order', item: 'Item', modifiers: 'Mods', quantity: 'Qty', revenue: 'Total', soldAt: 'Time' };
const HEADER = 'Order,Item,Mods,Qty,Total,Time';
const FIRST = [
  HEADER,
  'O1,Margarita,,2,24.00,2026-12-05T21:00:00Z',
  'O1,Jameson,Double,two,9.00,2026-12-05T21:00:00Z',
  'O2,"Jameson",Double,1,"$9.00",2026-12-05T21:05:00Z',
  'O3,Margarita,,1,12,last Saturday',
  'O4,Margarita,,1,12.00,2026-12-05T21:10:00Z',
].join('\r\n');
const OVERLAPPING = [
  HEADER,
  'O2,Jameson,Double,1,9.00,2026-12-05T21:05:00Z',
  'O4,Margarita,,1,12.00,2026-12-05T21:10:00Z',
  'O5,Margarita,,1,12.00,2026-12-05T21:20:00Z',
].join('\n');

describe('CSV sales import', () => {
  let t: TestCloud;
  let connectionId: string;
  const item = (sku: string) => t.demo.items[sku]!;
  const upload = async (csv: string, contentType = 'text/csv') => {
    const res = await fetch(`${t.cloud.url}/api/v1/pos/connections/${connectionId}/csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ownerToken}`, 'content-type': contentType },
      body: csv,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const confirm = (id: string) => t.api('POST', `/api/v1/pos/imports/${id}/confirm`, { token: t.ownerToken, body: {} });
  const sold = async (sku: string) => {
    const { rows } = await t.cloud.db.query<{ q: number }>(
      `SELECT COALESCE(sum(quantity), 0)::float8 AS q FROM transactions WHERE org_id = $1 AND item_id = $2 AND type = 'SALE'`,
      [t.demo.orgId, item(sku)],
    );
    return rows[0]!.q;
  };

  beforeAll(async () => {
    t = await build();
    const venueId = t.demo.venueId;
    const c = await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: { provider: 'csv', name: 'Till export', venueId, locationId: t.demo.locations.mainBar },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ webhookUrl: null, hasSecrets: false });
    connectionId = c.body.id;
    const recipes = [
      {
        kind: 'item',
        posKey: 'Margarita',
        name: 'Margarita',
        components: [
          { itemId: item('PATRON-750'), quantity: 45 },
          { itemId: item('COINTREAU-700'), quantity: 15 },
        ],
      },
      { kind: 'item', posKey: 'Jameson', name: 'Jameson', components: [{ itemId: item('JAMESON-750'), quantity: 50 }] },
      { kind: 'modifier', posKey: 'Double', name: 'Double', multiplier: 2, components: [] },
    ];
    for (const r of recipes)
      expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: { venueId, ...r } })).status).toBe(200);
  });
  afterAll(() => t?.close());

  it('needs a column mapping with item, quantity and soldAt, and keeps it per venue', async () => {
    expect((await upload(FIRST)).body.error.field).toBe('columns');
    const bad = await t.api('PUT', '/api/v1/pos/csv/mapping', {
      token: t.ownerToken,
      body: { venueId: t.demo.venueId, columns: { item: 'Item', quantity: 'Qty' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('columns.soldAt');
    const ok = await t.api('PUT', '/api/v1/pos/csv/mapping', { token: t.ownerToken, body: { venueId: t.demo.venueId, columns: COLUMNS } });
    expect(ok.status).toBe(200);
    const got = await t.api('GET', `/api/v1/pos/csv/mapping?venueId=${t.demo.venueId}`, { token: t.ownerToken });
    expect(got.body).toMatchObject({ venueId: t.demo.venueId, columns: COLUMNS });
  });

  it('previews good rows and names each bad one by line and column; writes only once confirmed', async () => {
    const p = await upload(FIRST);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ goodRows: 3, badRows: 2 });
    expect(p.body.errors).toEqual([
      { line: 3, column: 'Qty', message: '"two" is not a number' },
      { line: 5, column: 'Time', message: expect.stringContaining('"last Saturday" is not a date and time') },
    ]);
    expect(p.body.preview.map((r: { line: number }) => r.line)).toEqual([2, 4, 6]);
    expect(p.body.preview[1]).toMatchObject({ orderId: 'O2', item: 'Jameson', modifiers: ['Double'], quantity: 1, revenueCents: 900 });
    expect(await sold('PATRON-750')).toBe(0);

    const c = await confirm(p.body.importId);
    expect(c.body).toEqual({ importId: p.body.importId, imported: 3, unchanged: 0 });
    // 90 ml + 45 ml of a 750 ml bottle, line by line; a double of 50 ml
    expect(await sold('PATRON-750')).toBe(-0.18);
    expect(await sold('JAMESON-750')).toBe(-0.133);

    expect((await confirm(p.body.importId)).body).toMatchObject({ imported: 0, unchanged: 3 });
    const again = await upload(FIRST);
    expect((await confirm(again.body.importId)).body).toMatchObject({ imported: 0, unchanged: 3 });
    expect(await sold('PATRON-750')).toBe(-0.18);
  });

  it('imports only the new rows of an overlapping file', async () => {
    const p = await upload(OVERLAPPING);
    expect(p.body).toMatchObject({ goodRows: 3, badRows: 0, errors: [] });
    expect((await confirm(p.body.importId)).body).toMatchObject({ imported: 1, unchanged: 2 });
    expect(await sold('PATRON-750')).toBe(-0.24);
    expect(await sold('JAMESON-750')).toBe(-0.133);
  });

  it('names a mapped column the header lacks, and refuses a body that is not CSV', async () => {
    const p = await upload('Order,Item,Qty\nO9,Margarita,1\n');
    expect(p.body.goodRows).toBe(0);
    expect(p.body.errors.map((e: { line: number; column: string }) => [e.line, e.column])).toEqual([
      [1, 'Mods'],
      [1, 'Total'],
      [1, 'Time'],
    ]);
    expect((await upload(JSON.stringify({ rows: [] }), 'application/json')).status).toBe(415);
  });

  it('refuses a recipe pouring an item without a bottle size, naming the component; bartenders may not edit recipes', async () => {
    const created = await t.api('POST', '/api/v1/inventory/items', {
      token: t.ownerToken,
      body: { sku: 'HOUSE-SYRUP', name: 'House syrup' },
    });
    const body = { venueId: t.demo.venueId, kind: 'item', posKey: 'Old Fashioned', name: 'Old Fashioned' };
    const r = await t.api('PUT', '/api/v1/recipes', {
      token: t.ownerToken,
      body: {
        ...body,
        components: [
          { itemId: item('MAKERS-750'), quantity: 60 },
          { itemId: created.body.id, quantity: 5 },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('components.1.itemId');
    const list = await t.api('GET', `/api/v1/recipes?venueId=${t.demo.venueId}`, { token: t.ownerToken });
    expect(list.body.map((x: { posKey: string }) => x.posKey)).not.toContain('Old Fashioned');
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('PUT', '/api/v1/recipes', { token: bartender, body: { ...body, components: [] } })).status).toBe(403);
  });

  it('reads quoted fields with commas, quotes and line breaks, and counts identical rows apart', () => {
    const csv =
      'Item,Qty,Time\n"Espresso Martini, ""dirty""",1,2026-12-05T22:00:00Z\n"Two\nlines",1,2026-12-05T22:00:00Z\nBeer,1,2026-12-05T22:00:00Z\nBeer,1,2026-12-05T22:00:00Z\n';
    const { rows, errors } = readSales(csv, { item: 'Item', quantity: 'Qty', soldAt: 'Time' });
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.line, r.item])).toEqual([
      [2, 'Espresso Martini, "dirty"'],
      [3, 'Two\nlines'],
      [5, 'Beer'],
      [6, 'Beer'],
    ]);
    expect(rows[2]!.lineUid).not.toBe(rows[3]!.lineUid);
  });

  it("reads a Square Item Sales export (Date and Time apart) on the venue's clock, and a Toast Void? row as nothing sold", async () => {
    // The Anchor is in Europe/London: 21:30 on 18 July is 20:30 UTC (BST), whatever the server's zone
    const columns = {
      orderId: 'Transaction ID',
      item: 'Item',
      modifiers: 'Modifiers Applied',
      quantity: 'Qty',
      revenue: 'Net Sales',
      soldAt: 'Date',
      soldTime: 'Time',
      voided: 'Void?',
    };
    const mapped = await t.api('PUT', '/api/v1/pos/csv/mapping', { token: t.ownerToken, body: { venueId: t.demo.venueId, columns } });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    const csv = [
      'Date,Time,Time Zone,Item,Qty,Modifiers Applied,Net Sales,Transaction ID,Void?',
      '2026-07-18,21:30:00,London,Jameson,1.0,"Double, Neat",$9.00,T1,false',
      '2026-07-18,21:31:00,London,Jameson,1.0,"",$9.00,T1,true',
    ].join('\r\n');
    const p = await upload(`\uFEFF${csv}`);
    expect(p.body).toMatchObject({ goodRows: 2, badRows: 0, errors: [] });
    expect(p.body.preview).toMatchObject([
      { orderId: 'T1', item: 'Jameson', modifiers: ['Double', 'Neat'], quantity: 1, revenueCents: 900, soldAt: '2026-07-18T20:30:00.000Z' },
      { orderId: 'T1', item: 'Jameson', quantity: 0, revenueCents: 0, soldAt: '2026-07-18T20:31:00.000Z' },
    ]);
  });
});
