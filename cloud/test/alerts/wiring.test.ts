import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

describe('alerts wired into startCloud', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('counts below the reorder point raise low stock, visible at /api/v1/alerts, and go to the log channel', async () => {
    const tito = t.demo.items['TITOS-750'];
    await t.api('PUT', `/api/v1/notifications/settings/${t.demo.venueId}`, {
      token: t.ownerToken,
      body: { channels: ['log'], rules: ['low_stock'] },
    });
    for (const q of [1.4, 1.4, 1.4]) {
      const r = await t.api('POST', `/api/v1/inventory/items/${tito}/adjust`, {
        token: t.ownerToken,
        body: { locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: q },
      });
      expect(r.status).toBe(201);
    }
    const a = await t.api('GET', '/api/v1/alerts?state=raised', { token: t.ownerToken });
    expect(a.body.map((x: { message: string }) => x.message)).toEqual([
      "Low: Tito's Handmade Vodka 750 ml at Main Bar, 1.4 bottles left (reorder at 2).",
    ]);
    const n = await t.api('GET', '/api/v1/notifications', { token: t.ownerToken });
    expect(n.body.map((x: { channel: string; body: string }) => [x.channel, x.body])).toEqual([['log', a.body[0].message]]);
  });
});

describe('the low-stock message says what to order, from whom, and links to the draft', () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build({ orgs: { publicUrl: 'https://anchor.example/' } });
  });
  afterAll(() => t?.close());

  it('puts the suggested cases on the supplier draft once and links into the dashboard', async () => {
    const tito = t.demo.items['TITOS-750']!;
    const token = t.ownerToken;
    const sup = await t.api('POST', '/api/v1/suppliers', { token, body: { name: 'Harbour Wines', email: 'orders@harbour.example' } });
    expect(sup.status).toBe(201);
    expect(
      (
        await t.api('PUT', `/api/v1/suppliers/${sup.body.id}/items`, {
          token,
          body: { itemId: tito, caseSize: 6, casePrice: 99, preferred: true },
        })
      ).status,
    ).toBe(200);
    await t.api('PUT', `/api/v1/notifications/settings/${t.demo.venueId}`, { token, body: { channels: ['log'], rules: ['low_stock'] } });
    const count = async (q: number) =>
      expect(
        (
          await t.api('POST', `/api/v1/inventory/items/${tito}/adjust`, {
            token,
            body: { locationId: t.demo.locations.mainBar, type: 'COUNT', quantity: q },
          })
        ).status,
      ).toBe(201);
    for (const q of [1.4, 1.4, 1.4]) await count(q);
    // the cases are ordering's suggestion for the venue (its arithmetic is tested in orders/suggest.test.ts)
    const suggested = (await t.api('GET', `/api/v1/orders/suggestions?venue_id=${t.demo.venueId}`, { token })).body.suppliers
      .flatMap((s: { lines: { itemId: string; cases: number }[] }) => s.lines)
      .find((l: { itemId: string }) => l.itemId === tito).cases as number;
    expect(suggested).toBeGreaterThan(1);
    const drafts = await t.api('GET', `/api/v1/orders?status=draft&venue_id=${t.demo.venueId}`, { token });
    expect(drafts.body).toHaveLength(1);
    const draft = drafts.body[0];
    expect(draft.lines.map((l: { itemId: string; cases: number }) => [l.itemId, l.cases])).toEqual([[tito, suggested]]);
    const a = await t.api('GET', '/api/v1/alerts?state=raised', { token });
    expect(a.body.map((x: { message: string }) => x.message)).toEqual([
      `Low: Tito's Handmade Vodka 750 ml at Main Bar, 1.4 bottles left (reorder at 2). Order ${suggested} cases of 6 from Harbour Wines, on draft ${draft.number}: https://anchor.example/#/orders/${draft.id}`,
    ]);
    const n = await t.api('GET', '/api/v1/notifications', { token });
    expect(n.body.map((x: { body: string }) => x.body)).toEqual([a.body[0].message]);
    // the next dip finds the line on the draft and leaves its cases as the manager set them
    const lineId = draft.lines[0].id;
    expect((await t.api('PATCH', `/api/v1/orders/${draft.id}/lines`, { token, body: { lines: [{ lineId, cases: 3 }] } })).body.total).toBe(
      297,
    );
    for (const q of [5, 5, 5, 5, 1, 1, 1]) await count(q);
    const after = await t.api('GET', `/api/v1/orders?status=draft&venue_id=${t.demo.venueId}`, { token });
    expect(after.body.map((o: { lines: { cases: number }[] }) => o.lines.map((l) => l.cases))).toEqual([[3]]);
    const again = await t.api('GET', '/api/v1/alerts?state=raised', { token });
    expect(again.body[0].message).toBe(
      `Low: Tito's Handmade Vodka 750 ml at Main Bar, 1 bottle left (reorder at 2). Order 3 cases of 6 from Harbour Wines, on draft ${draft.number}: https://anchor.example/#/orders/${draft.id}`,
    );
  });
});
