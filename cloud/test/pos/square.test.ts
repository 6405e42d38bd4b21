/** Square → sales → SALE rows, on a real cloud (PGlite) against a local stand-in of Square's Orders API. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { connectSquare, deliverSquare, postWebhook, sold as soldOf, squareSignature as sign } from './webhook-harness.js';
import { FakeSquare, squareEvent, squareOrder, squareReturnOrder } from './fake-square.js';

const PUBLIC = 'https://bar.example.com';
const TOKEN = 'EAAAl-test-access-token-never-logged';
const KEY = 'whsk-test-signature-key-0123456789';

describe('Square webhooks and orders', () => {
  let t: TestCloud;
  let square: FakeSquare;
  let conn: { id: string; webhookUrl: string };
  const item = (sku: string) => t.demo.items[sku]!;

  const post = (body: string, headers: Record<string, string>, id = conn.id) => postWebhook(t, 'square', id, body, headers);
  const deliver = (event: unknown) => deliverSquare(t, conn, KEY, event);
  const sold = (sku: string) => soldOf(t, item(sku));
  /** an order's SALE rows, depletions in the order written (each leaves less than the one before) */
  const sales = async (orderId: string) =>
    (
      await t.cloud.db.query<{ sourceId: string; quantity: number; before: number; after: number }>(
        `SELECT t.source_id AS "sourceId", t.quantity::float8 AS quantity, t.before::float8 AS before, t.after::float8 AS after
         FROM transactions t JOIN pos_sale_lines l ON t.source_id = l.connection_id || ':' || l.line_uid
         WHERE t.type = 'SALE' AND l.order_id = $1 ORDER BY t.after DESC`,
        [orderId],
      )
    ).rows;
  const counts = async () => {
    const { rows } = await t.cloud.db.query<{ events: number; sales: number }>(
      `SELECT (SELECT count(*)::int FROM pos_events) AS events, (SELECT count(*)::int FROM transactions WHERE type = 'SALE') AS sales`,
    );
    return rows[0]!;
  };
  const recipe = (body: object) => t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: { venueId: t.demo.venueId, ...body } });

  beforeAll(async () => {
    square = await new FakeSquare(TOKEN).start();
    t = await build({
      pos: { squareApiUrl: square.url, publicBaseUrl: PUBLIC, fetchRetryDelaySeconds: 0 },
      jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
    });
    conn = await connectSquare(t, { accessToken: TOKEN, key: KEY });
    for (const r of [
      {
        kind: 'item',
        posKey: 'SQ-MARG',
        name: 'Margarita',
        components: [
          { itemId: item('PATRON-750'), quantity: 45 },
          { itemId: item('COINTREAU-700'), quantity: 15 },
        ],
      },
      { kind: 'item', posKey: 'SQ-JAMO', name: 'Jameson', components: [{ itemId: item('JAMESON-750'), quantity: 50, unit: 'ml' }] },
      { kind: 'modifier', posKey: 'SQ-MOD-DOUBLE', name: 'Double', multiplier: 2, components: [] },
    ])
      expect((await recipe(r)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await square?.close();
  });

  it('keeps the credentials encrypted and never answers them', async () => {
    expect(conn.webhookUrl).toBe(`${PUBLIC}/api/v1/pos/square/webhook/${conn.id}`);
    const list = await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken });
    expect(list.body[0]).toMatchObject({ id: conn.id, provider: 'square', hasSecrets: true, providerLocationId: 'L-ANCHOR' });
    expect(JSON.stringify(list.body)).not.toContain(TOKEN);
    expect(JSON.stringify(list.body)).not.toContain(KEY);
    const { rows } = await t.cloud.db.query<{ secrets: string }>(`SELECT secrets FROM pos_connections WHERE id = $1`, [conn.id]);
    expect(rows[0]!.secrets).toMatch(/^v1\./);
    expect(rows[0]!.secrets).not.toContain(TOKEN);
    expect(Buffer.from(rows[0]!.secrets.split('.')[3]!, 'base64url').toString('latin1')).not.toContain(KEY);
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('GET', '/api/v1/pos/connections', { token: bartender })).status).toBe(403);
  });

  it('renames a connection and keeps the secrets it was not given; an unknown location is 404', async () => {
    const path = `/api/v1/pos/connections/${conn.id}`;
    const r = await t.api('PATCH', path, { token: t.ownerToken, body: { name: 'Front till' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: conn.id, name: 'Front till', hasSecrets: true, providerLocationId: 'L-ANCHOR' });
    // the key and token it kept: every test after this one signs with KEY and fetches with TOKEN
    const lost = await t.api('PATCH', path, { token: t.ownerToken, body: { locationId: '00000000-0000-4000-8000-000000000000' } });
    expect(lost.status).toBe(404);
    const bartender = await t.userWithRole('bartender');
    expect((await t.api('PATCH', path, { token: bartender, body: { name: 'x' } })).status).toBe(403);
  });

  it('refuses a Square connection without its keys, naming the field', async () => {
    const body = { provider: 'square', venueId: t.demo.venueId, locationId: t.demo.locations.mainBar, credentials: { accessToken: TOKEN } };
    const r = await t.api('POST', '/api/v1/pos/connections', { token: t.ownerToken, body });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('webhookSignatureKey');
  });

  it('answers 401 and writes nothing for a bad signature, tampered body, wrong URL, wrong key or missing header', async () => {
    const body = JSON.stringify(squareEvent('evt-bad', 'order.created', 'ORDER-BAD', 1));
    const before = await counts();
    const cases: [string, Record<string, string>, string][] = [
      ['bad signature', { 'x-square-hmacsha256-signature': 'bm90IGEgc2lnbmF0dXJl' }, body],
      ['tampered body', { 'x-square-hmacsha256-signature': sign(KEY, conn.webhookUrl, body) }, body.replace('ORDER-BAD', 'ORDER-BAE')],
      ['wrong URL', { 'x-square-hmacsha256-signature': sign(KEY, `http://127.0.0.1/api/v1/pos/square/webhook/${conn.id}`, body) }, body],
      ['wrong key', { 'x-square-hmacsha256-signature': sign('another-key', conn.webhookUrl, body) }, body],
      ['missing header', {}, body],
    ];
    for (const [what, headers, sent] of cases) {
      const r = await post(sent, headers);
      expect(r.status, what).toBe(401);
      expect(r.body.error.code, what).toBe('unauthorized');
    }
    expect(await counts()).toEqual(before);
    const unknown = randomUUID();
    const r = await post(
      body,
      { 'x-square-hmacsha256-signature': sign(KEY, `${PUBLIC}/api/v1/pos/square/webhook/${unknown}`, body) },
      unknown,
    );
    expect(r.status).toBe(404);
    expect(square.requests).toHaveLength(0);
  });

  it('depletes by recipe, once per line, and reverses refunds and voids; late and repeated events change nothing twice', async () => {
    const lines = [
      { uid: 'L1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 2, cents: 2400 },
      { uid: 'L2', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900, modifiers: [{ id: 'SQ-MOD-DOUBLE', name: 'Double' }] },
    ];
    const v1 = squareOrder({ id: 'ORDER-1', version: 1, lines });
    square.orders.set('ORDER-1', v1);
    const first = squareEvent('evt-1', 'order.created', 'ORDER-1', 1);
    expect((await deliver(first)).jobIds).toHaveLength(1);
    // 2 × 45 ml of a 750 ml bottle; 2 × 15 ml of 700 ml; a double of 50 ml of 750 ml
    expect(await sold('PATRON-750')).toEqual({ q: -0.12, n: 1 });
    expect(await sold('COINTREAU-700')).toEqual({ q: -0.043, n: 1 });
    expect(await sold('JAMESON-750')).toEqual({ q: -0.133, n: 1 });
    expect(square.requests[0]).toMatchObject({ path: '/v2/orders/ORDER-1', authorization: `Bearer ${TOKEN}`, version: '2025-01-23' });

    // the same delivery again, then another event about the unchanged order
    expect(await deliver(first)).toMatchObject({ duplicate: true, jobIds: [] });
    await deliver(squareEvent('evt-2', 'payment.created', 'ORDER-1', 1));
    expect(await sold('PATRON-750')).toEqual({ q: -0.12, n: 1 });

    // one margarita refunded
    square.orders.set('ORDER-1', squareOrder({ id: 'ORDER-1', version: 3, lines, returns: [{ uid: 'L1', qty: 1, cents: 1200 }] }));
    await deliver(squareEvent('evt-3', 'refund.created', 'ORDER-1', 3));
    expect(await sold('PATRON-750')).toEqual({ q: -0.06, n: 2 });
    expect((await sold('COINTREAU-700')).q).toBe(-0.021);
    expect(await sold('JAMESON-750')).toEqual({ q: -0.133, n: 1 });

    // an older version of the order answered late (version 2, before the refund): nothing changes
    square.orders.set('ORDER-1', squareOrder({ id: 'ORDER-1', version: 2, lines }));
    await deliver(squareEvent('evt-4', 'order.updated', 'ORDER-1', 2));
    expect(await sold('PATRON-750')).toEqual({ q: -0.06, n: 2 });

    // the whole order voided: everything it poured comes back
    square.orders.set('ORDER-1', squareOrder({ id: 'ORDER-1', version: 4, state: 'CANCELED', lines }));
    await deliver(squareEvent('evt-5', 'order.updated', 'ORDER-1', 4));
    for (const sku of ['PATRON-750', 'COINTREAU-700', 'JAMESON-750']) expect((await sold(sku)).q, sku).toBe(0);
    const { rows } = await t.cloud.db.query<{ sourceType: string; sourceId: string }>(
      `SELECT source_type AS "sourceType", source_id AS "sourceId" FROM transactions WHERE item_id = $1 AND type = 'SALE' ORDER BY at`,
      [item('JAMESON-750')],
    );
    expect(rows.map((r) => r.sourceId)).toEqual([`${conn.id}:L2`, `${conn.id}:L2`]);
    expect(rows.every((r) => r.sourceType === 'pos')).toBe(true);
  });

  it('queues lines without a recipe, shows the share mapped, and applies them once a recipe is saved', async () => {
    square.orders.set(
      'ORDER-2',
      squareOrder({
        id: 'ORDER-2',
        version: 1,
        lines: [
          { uid: 'N1', catalogId: 'SQ-NEGRONI', name: 'Negroni', qty: 3, cents: 3600 },
          { uid: 'M1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 1, cents: 1200 },
        ],
      }),
    );
    await deliver(squareEvent('evt-6', 'order.created', 'ORDER-2', 1));
    const queue = await t.api('GET', `/api/v1/pos/unmapped?venueId=${t.demo.venueId}`, { token: t.ownerToken });
    expect(queue.body).toEqual([
      { kind: 'item', posKey: 'SQ-NEGRONI', name: 'Negroni (Regular)', lines: 1, quantity: 3, revenueCents: 3600 },
    ]);
    const range = `from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00Z`;
    const cov = await t.api('GET', `/api/v1/pos/coverage?venueId=${t.demo.venueId}&${range}`, { token: t.ownerToken });
    expect(cov.body).toMatchObject({
      lines: 2,
      mappedLines: 1,
      revenueCents: 4800,
      mappedRevenueCents: 1200,
      byCount: 0.5,
      byRevenue: 0.25,
    });
    expect((await sold('TANQ-750')).n).toBe(0);
    const sales = await t.api('GET', `/api/v1/pos/sales?venueId=${t.demo.venueId}&${range}`, { token: t.ownerToken });
    expect(sales.body.items).toMatchObject([
      { posKey: 'SQ-NEGRONI', lines: 1, quantity: 3, revenueCents: 3600, mapped: false },
      { posKey: 'SQ-MARG', lines: 1, quantity: 1, revenueCents: 1200, mapped: true },
    ]);

    const saved = await recipe({
      kind: 'item',
      posKey: 'SQ-NEGRONI',
      name: 'Negroni',
      components: [{ itemId: item('TANQ-750'), quantity: 1, unit: 'oz' }],
    });
    expect(saved.body.components).toEqual([{ itemId: item('TANQ-750'), ml: 29.57 }]);
    // 3 × 29.57 ml of a 750 ml bottle
    expect(await sold('TANQ-750')).toEqual({ q: -0.118, n: 1 });
    expect((await t.api('GET', `/api/v1/pos/unmapped?venueId=${t.demo.venueId}`, { token: t.ownerToken })).body).toEqual([]);
    const after = await t.api('GET', `/api/v1/pos/coverage?venueId=${t.demo.venueId}&${range}`, { token: t.ownerToken });
    expect(after.body).toMatchObject({ byCount: 1, byRevenue: 1 });
  });

  it('acknowledges while Square is down and applies the order once a retry reaches it', async () => {
    square.orders.set(
      'ORDER-3',
      squareOrder({ id: 'ORDER-3', version: 1, lines: [{ uid: 'J1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 800 }] }),
    );
    square.downFor = 1;
    const before = await sold('JAMESON-750');
    const ack = await deliver(squareEvent('evt-7', 'order.created', 'ORDER-3', 1));
    const job = await t.api('GET', `/api/v1/jobs/${ack.jobIds[0]}`, { token: t.ownerToken });
    expect(job.body).toMatchObject({ status: 'done', attempts: 2 });
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 0.067, 6);
    const health = (await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken })).body[0].health;
    expect(health.lastError).toContain('503');
    expect(health.eventsToday).toBeGreaterThanOrEqual(7);
    expect(health.lastEventAt).not.toBeNull();
  });

  it('writes an order naming one drink on two lines as two SALE rows, each against the level the other left', async () => {
    const lines = [
      { uid: 'T1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900 },
      { uid: 'T2', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 2, cents: 1800 },
    ];
    square.orders.set('ORDER-TWICE', squareOrder({ id: 'ORDER-TWICE', version: 1, lines }));
    await deliver(squareEvent('evt-twice', 'order.created', 'ORDER-TWICE', 1));
    const rows = await sales('ORDER-TWICE');
    expect(rows).toHaveLength(2);
    const [a, b] = rows;
    expect([a!.sourceId, b!.sourceId].sort()).toEqual([`${conn.id}:T1`, `${conn.id}:T2`]);
    expect([a!.quantity, b!.quantity].sort((x, y) => x - y)).toEqual([-0.133, -0.067]);
    // the second row starts where the first ended: one lock, two rounds, no lost update
    expect(b!.before).toBeCloseTo(a!.after, 3);
    expect(a!.after).toBeCloseTo(a!.before + a!.quantity, 3);
    expect(b!.after).toBeCloseTo(b!.before + b!.quantity, 3);
  });

  it("reverses an itemized refund from Square's return order (a separate order naming the sale); the sale fetched again changes nothing", async () => {
    const lines = [{ uid: 'R1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 2, cents: 1800 }];
    square.orders.set('ORDER-SALE', squareOrder({ id: 'ORDER-SALE', version: 1, lines }));
    const before = await sold('JAMESON-750');
    await deliver(squareEvent('evt-sale', 'payment.updated', 'ORDER-SALE', 1));
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 0.133, 6);
    // one of the two refunded at the till: Square makes return order ORDER-RET; refund.created names it
    const ret = squareReturnOrder({
      id: 'ORDER-RET',
      sourceOrderId: 'ORDER-SALE',
      lines: [{ uid: 'RET-1', sourceUid: 'R1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900 }],
    });
    square.orders.set('ORDER-RET', ret);
    await deliver(squareEvent('evt-refund', 'refund.created', 'ORDER-RET', 1));
    // 100 ml written as 0.133 bottle, 50 ml back as 0.067 (each row to the ledger's 0.001)
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 0.066, 6);
    // the sale, unchanged at Square, fetched again (its payment updated), and the refund redelivered: nothing moves
    await deliver(squareEvent('evt-sale-2', 'payment.updated', 'ORDER-SALE', 1));
    await deliver(squareEvent('evt-refund-2', 'refund.updated', 'ORDER-RET', 1));
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 0.066, 6);
  });

  // OrderLineItem.uid: "A unique ID that identifies the line item only within this order" (https://developer.squareup.com/reference/square/objects/OrderLineItem)
  it('keeps apart two orders whose line items have the same uid (unique only within their order); fetching either again changes nothing', async () => {
    const before = { jameson: await sold('JAMESON-750'), tanq: await sold('TANQ-750') };
    square.orders.set(
      'ORDER-UID-A',
      squareOrder({ id: 'ORDER-UID-A', version: 1, lines: [{ uid: '1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900 }] }),
    );
    square.orders.set(
      'ORDER-UID-B',
      squareOrder({ id: 'ORDER-UID-B', version: 1, lines: [{ uid: '1', catalogId: 'SQ-NEGRONI', name: 'Negroni', qty: 2, cents: 2400 }] }),
    );
    await deliver(squareEvent('evt-uid-a', 'order.created', 'ORDER-UID-A', 1));
    await deliver(squareEvent('evt-uid-b', 'order.created', 'ORDER-UID-B', 1));
    await deliver(squareEvent('evt-uid-a2', 'payment.updated', 'ORDER-UID-A', 1));
    await deliver(squareEvent('evt-uid-b2', 'payment.updated', 'ORDER-UID-B', 1));
    // one Jameson (50 ml of 750 ml); two Negronis (2 × 1 oz of Tanqueray, recipe saved above)
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.jameson.q - 0.067, 6);
    expect((await sold('TANQ-750')).q).toBeCloseTo(before.tanq.q - 0.079, 6);
    const { rows } = await t.cloud.db.query<{ orderId: string; lineUid: string; quantity: number }>(
      `SELECT order_id AS "orderId", line_uid AS "lineUid", quantity::float8 AS quantity FROM pos_sale_lines WHERE order_id LIKE 'ORDER-UID-%' ORDER BY order_id`,
    );
    expect(rows).toEqual([
      { orderId: 'ORDER-UID-A', lineUid: '1', quantity: 1 },
      { orderId: 'ORDER-UID-B', lineUid: 'ORDER-UID-B:1', quantity: 2 },
    ]);
  });
});
