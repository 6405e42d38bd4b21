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
