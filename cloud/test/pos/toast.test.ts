/** Toast → sales → SALE rows, on a real cloud (PGlite) against a local stand-in of Toast's authentication and orders APIs. */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';
import { jobDone, postWebhook, sold as soldOf } from './webhook-harness.js';
import { FakeToast } from './fake-toast.js';
import { RESTAURANT, toastMessage, toastOrderJson, type Sel } from './toast-payloads.js';

const CLIENT = { id: 'toast-client-id-anchor', secret: 'toast-client-secret-never-logged', restaurant: RESTAURANT };
const KEY = 'toast-webhook-secret-0123456789abcdef';
const MARG = '7a1d0c1e-0000-4000-8000-000000000001';
const JAMO = '7a1d0c1e-0000-4000-8000-000000000002';
const DOUBLE = '7a1d0c1e-0000-4000-8000-000000000003';

/** Toast's documented signature, computed here on its own: base64(HMAC-SHA256(secret, body + timestamp)). */
const sign = (key: string, body: string, timestamp: string) =>
  createHmac('sha256', key)
    .update(body + timestamp, 'utf8')
    .digest('base64');

describe('Toast webhooks, orders and back-fill', () => {
  let t: TestCloud;
  let toast: FakeToast;
  let conn: { id: string; webhookUrl: string };
  const item = (sku: string) => t.demo.items[sku]!;

  const post = (body: string, headers: Record<string, string>, id = conn.id) =>
    postWebhook(t, 'toast', id, body, { 'toast-event-type': 'order_updated', ...headers });
  const job = (id: string) => jobDone(t, id);
  const deliver = async (message: unknown) => {
    const body = JSON.stringify(message);
    const ts = new Date().toISOString();
    const r = await post(body, { 'toast-signature': sign(KEY, body, ts), 'toast-timestamp': ts });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (const id of r.body.jobIds as string[]) await job(id);
    return r.body as { duplicate: boolean; jobIds: string[] };
  };
  const sold = (sku: string) => soldOf(t, item(sku));
  const counts = async () => {
    const { rows } = await t.cloud.db.query<{ events: number; sales: number; jobs: number }>(
      `SELECT (SELECT count(*)::int FROM pos_events) AS events, (SELECT count(*)::int FROM transactions WHERE type = 'SALE') AS sales,
              (SELECT count(*)::int FROM pos_sale_lines) AS jobs`,
    );
    return rows[0]!;
  };
  const connect = (body: object) =>
    t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: { venueId: t.demo.venueId, locationId: t.demo.locations.mainBar, ...body },
    });

  beforeAll(async () => {
    toast = await new FakeToast(CLIENT).start();
    t = await build({
      pos: { toastApiUrl: toast.url, publicBaseUrl: 'https://bar.example.com', fetchRetryDelaySeconds: 0 },
      jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
    });
    const c = await connect({
      provider: 'toast',
      providerLocationId: RESTAURANT,
      credentials: { clientId: CLIENT.id, clientSecret: CLIENT.secret },
      webhookSignatureKey: KEY,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    conn = c.body;
    for (const r of [
      {
        kind: 'item',
        posKey: MARG,
        name: 'Margarita',
        components: [
          { itemId: item('PATRON-750'), quantity: 45 },
          { itemId: item('COINTREAU-700'), quantity: 15 },
        ],
      },
      { kind: 'item', posKey: JAMO, name: 'Jameson', components: [{ itemId: item('JAMESON-750'), quantity: 50 }] },
      { kind: 'modifier', posKey: DOUBLE, name: 'Double', multiplier: 2, components: [] },
    ])
      expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: { venueId: t.demo.venueId, ...r } })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await toast?.close();
  });

  it('takes a Toast or Tabit connection only with its credentials, each missing one named', async () => {
    const toastBody = { provider: 'toast', providerLocationId: RESTAURANT, webhookSignatureKey: KEY };
    const cases: [object, string, RegExp][] = [
      [{ ...toastBody, credentials: { clientId: CLIENT.id } }, 'credentials.clientSecret', /needs credentials\.clientSecret/],
      [{ ...toastBody }, 'credentials.clientId', /credentials\.clientId, credentials\.clientSecret/],
      [
        { ...toastBody, webhookSignatureKey: undefined, credentials: { clientId: 'a', clientSecret: 'b' } },
        'webhookSignatureKey',
        /webhookSignatureKey/,
      ],
      [
        { ...toastBody, providerLocationId: undefined, credentials: { clientId: 'a', clientSecret: 'b' } },
        'providerLocationId',
        /restaurant's GUID/,
      ],
      [{ provider: 'tabit' }, 'webhookSignatureKey', /a tabit connection needs webhookSignatureKey/],
    ];
    for (const [body, field, message] of cases) {
      const r = await connect(body);
      expect(r.status, field).toBe(400);
      expect(r.body.error.field, field).toBe(field);
      expect(r.body.error.message, field).toMatch(message);
    }
    expect(conn.webhookUrl).toBe(`https://bar.example.com/api/v1/pos/toast/webhook/${conn.id}`);
    const list = JSON.stringify((await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken })).body);
    for (const secret of [CLIENT.secret, KEY]) expect(list).not.toContain(secret);
  });

  it('answers 401 naming the problem, and writes nothing, for a wrong secret, tampered body, stale or missing timestamp, missing signature', async () => {
    const order = toastOrderJson({ guid: 'ord-bad', modified: '2026-12-05T21:31:00.000+0000', checks: [] });
    const now = new Date().toISOString();
    const old = new Date(Date.now() - 40 * 60_000).toISOString();
    const body = JSON.stringify(toastMessage('evt-bad', order, now));
    const noStamp = JSON.stringify({ ...toastMessage('evt-bad-2', order), timestamp: undefined });
    const before = await counts();
    const cases: [string, string, Record<string, string>, RegExp][] = [
      [
        'wrong secret',
        body,
        { 'toast-signature': sign('another-secret', body, now), 'toast-timestamp': now },
        /Toast-Signature does not match/,
      ],
      [
        'tampered body',
        body.replace('ord-bad', 'ord-bae'),
        { 'toast-signature': sign(KEY, body, now), 'toast-timestamp': now },
        /does not match/,
      ],
      ['timestamp changed', body.replace(now, old), { 'toast-signature': sign(KEY, body, now) }, /does not match/],
      [
        'stale timestamp',
        body,
        { 'toast-signature': sign(KEY, body, old), 'toast-timestamp': old },
        /stale message timestamp: 240\d s from now/,
      ],
      ['missing signature', body, { 'toast-timestamp': now }, /missing Toast-Signature header/],
      ['missing timestamp', noStamp, { 'toast-signature': sign(KEY, noStamp, '') }, /the message has no timestamp field/],
    ];
    for (const [what, sent, headers, message] of cases) {
      const r = await post(sent, headers);
      expect(r.status, what).toBe(401);
      expect(r.body.error.code, what).toBe('unauthorized');
      expect(r.body.error.message, what).toMatch(message);
    }
    expect(await counts()).toEqual(before);
    const unknown = randomUUID();
    expect((await post(body, { 'toast-signature': sign(KEY, body, now), 'toast-timestamp': now }, unknown)).status).toBe(404);
    expect(toast.requests).toHaveLength(0);
  });

  // https://doc.toasttab.com/doc/devguide/apiRetrySupport.html: after a timeout, 404, 429 or 5xx Toast waits five minutes
  // and resends, then ten more and resends once more; it never resends after another 4xx, so refusing a retry loses the order
  it("accepts Toast's retries of a message, 5 and 15 minutes after its timestamp, and applies it once", async () => {
    // a drink of its own (the tests after this one count Jameson and Patrón)
    const gin = '7a1d0c1e-0000-4000-8000-000000000009';
    const recipe = {
      venueId: t.demo.venueId,
      kind: 'item',
      posKey: gin,
      name: 'Gin',
      components: [{ itemId: item('TANQ-750'), quantity: 50 }],
    };
    expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: recipe })).status).toBe(200);
    const stamped = new Date(Date.now() - 16 * 60_000).toISOString();
    const order = toastOrderJson({
      guid: 'ord-retried',
      modified: '2026-12-05T21:05:00.000+0000',
      checks: [{ guid: 'chk-r', selections: [{ guid: 'sel-r', item: gin, name: 'Gin', qty: 1, price: 9 }] }],
    });
    const body = JSON.stringify(toastMessage('evt-retried', order, stamped));
    for (const attempt of ['2', '3']) {
      const r = await post(body, { 'toast-signature': sign(KEY, body, stamped), 'toast-attempt-number': attempt });
      expect(r.status, `attempt ${attempt}: ${JSON.stringify(r.body)}`).toBe(200);
      for (const id of r.body.jobIds as string[]) await job(id);
    }
    expect(await sold('TANQ-750')).toEqual({ q: -0.067, n: 1 });
  });

  it('accepts the message timestamp when Toast sends no Toast-Timestamp header, signed the same way', async () => {
    const ts = new Date().toISOString();
    const body = JSON.stringify(
      toastMessage('evt-body-ts', toastOrderJson({ guid: 'ord-0', modified: '2026-12-05T21:00:00.000+0000', checks: [] }), ts),
    );
    const r = await post(body, { 'toast-signature': sign(KEY, body, ts) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (const id of r.body.jobIds as string[]) await job(id);
  });

  it('depletes a split bill with modifiers by recipe; voids, refunds and voided checks reverse; replays and late updates change nothing', async () => {
    const marg: Sel = { guid: 'sel-1', item: MARG, name: 'Margarita', qty: 2, price: 24 };
    const jamo: Sel = {
      guid: 'sel-2',
      item: JAMO,
      name: 'Jameson',
      qty: 1,
      price: 14,
      modifiers: [{ guid: 'mod-1', item: DOUBLE, name: 'Double', qty: 1, price: 5 }],
    };
    const marg2: Sel = { guid: 'sel-3', item: MARG, name: 'Margarita', qty: 1, price: 12 };
    const v1 = toastOrderJson({
      guid: 'ord-1',
      modified: '2026-12-05T21:31:00.000+0000',
      checks: [
        { guid: 'chk-a', selections: [marg, jamo] },
        { guid: 'chk-b', selections: [marg2] },
      ],
    });
    const first = toastMessage('evt-1', v1);
    expect((await deliver(first)).jobIds).toHaveLength(1);
    // 3 × 45 ml of a 750 ml bottle; 3 × 15 ml of 700 ml; a double of 50 ml of 750 ml
    expect(await sold('PATRON-750')).toEqual({ q: -0.18, n: 2 });
    expect(await sold('COINTREAU-700')).toEqual({ q: -0.064, n: 2 });
    expect(await sold('JAMESON-750')).toEqual({ q: -0.133, n: 1 });

    // Toast redelivers the same event GUID: acknowledged, nothing written
    expect(await deliver(first)).toMatchObject({ duplicate: true, jobIds: [] });
    expect(await sold('PATRON-750')).toEqual({ q: -0.18, n: 2 });

    // one margarita of sel-1 refunded ($12 of $24), the Jameson voided
    const v2 = toastOrderJson({
      guid: 'ord-1',
      modified: '2026-12-05T22:00:00.000+0000',
      checks: [
        {
          guid: 'chk-a',
          selections: [
            { ...marg, refund: 12 },
            { ...jamo, voided: true },
          ],
        },
        { guid: 'chk-b', selections: [marg2] },
      ],
    });
    await deliver(toastMessage('evt-2', v2));
    expect((await sold('PATRON-750')).q).toBe(-0.12);
    expect((await sold('JAMESON-750')).q).toBe(0);

    // the first version again, late under a new event GUID: older than what was applied, ignored
    await deliver(toastMessage('evt-3', v1));
    expect((await sold('PATRON-750')).q).toBe(-0.12);
    expect((await sold('JAMESON-750')).q).toBe(0);

    // check B voided: its margarita comes back
    const v3 = toastOrderJson({
      guid: 'ord-1',
      modified: '2026-12-05T22:30:00.000+0000',
      checks: [
        {
          guid: 'chk-a',
          selections: [
            { ...marg, refund: 12 },
            { ...jamo, voided: true },
          ],
        },
        { guid: 'chk-b', voided: true, selections: [marg2] },
      ],
    });
    await deliver(toastMessage('evt-4', v3));
    expect((await sold('PATRON-750')).q).toBe(-0.06);
    expect((await sold('COINTREAU-700')).q).toBe(-0.021);
    const { rows } = await t.cloud.db.query<{ sourceId: string }>(
      `SELECT DISTINCT source_id AS "sourceId" FROM transactions WHERE item_id = $1 AND type = 'SALE' ORDER BY 1`,
      [item('PATRON-750')],
    );
    expect(rows.map((r) => r.sourceId)).toEqual([`${conn.id}:sel-1`, `${conn.id}:sel-3`]);
    // the orders came in the messages: Toast's API was not called
    expect(toast.requests).toHaveLength(0);
  });

  it('pulls a business day through ordersBulk page by page with one token, and a second pull writes nothing', async () => {
    const orders = Array.from({ length: 130 }, (_, i) =>
      toastOrderJson({
        guid: `day-${i}`,
        modified: '2026-12-04T23:00:00.000+0000',
        checks: [{ guid: `day-${i}-c`, selections: [{ guid: `day-${i}-s`, item: JAMO, name: 'Jameson', qty: 1, price: 9 }] }],
      }),
    );
    toast.days.set('20261204', orders);
    const before = await sold('JAMESON-750');
    const q = await t.api('POST', `/api/v1/pos/connections/${conn.id}/backfill`, {
      token: t.ownerToken,
      body: { businessDate: '2026-12-04' },
    });
    expect(q.status, JSON.stringify(q.body)).toBe(202);
    expect((await job(q.body.jobId)).result).toEqual({ businessDate: '20261204', orders: 130, changedLines: 130, stale: 0 });
    // 130 × 50 ml of a 750 ml bottle, 0.067 each
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 130 * 0.067, 6);
    const bulk = toast.requests.filter((r) => r.path.startsWith('/orders/v2/ordersBulk'));
    expect(bulk.map((r) => r.path)).toEqual([
      '/orders/v2/ordersBulk?businessDate=20261204&pageSize=100&page=1',
      '/orders/v2/ordersBulk?businessDate=20261204&pageSize=100&page=2',
    ]);
    expect(bulk.every((r) => r.restaurant === RESTAURANT && r.authorization === 'Bearer toast-jwt-1')).toBe(true);
    expect(toast.logins).toBe(1);

    // again, after Toast forgot the token: renewed once, and nothing is written twice
    toast.expireTokens();
    const again = await t.api('POST', `/api/v1/pos/connections/${conn.id}/backfill`, {
      token: t.ownerToken,
      body: { businessDate: '2026-12-04' },
    });
    expect((await job(again.body.jobId)).result).toMatchObject({ orders: 130, changedLines: 0 });
    expect(toast.logins).toBe(2);
  });

  it('retries a back-fill while Toast is down, and refuses bad dates and providers without a pull', async () => {
    toast.days.set('20261203', [
      toastOrderJson({
        guid: 'late-1',
        modified: '2026-12-03T23:00:00.000+0000',
        checks: [{ guid: 'lc', selections: [{ guid: 'late-s', item: MARG, name: 'Margarita', qty: 1, price: 12 }] }],
      }),
    ]);
    toast.downFor = 1;
    const q = await t.api('POST', `/api/v1/pos/connections/${conn.id}/backfill`, {
      token: t.ownerToken,
      body: { businessDate: '2026-12-03' },
    });
    expect(await job(q.body.jobId)).toMatchObject({ status: 'done', attempts: 2, result: { orders: 1, changedLines: 1 } });
    const health = (await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken })).body.find((c: any) => c.id === conn.id).health;
    expect(health.lastError).toContain('503');

    const bad = await t.api('POST', `/api/v1/pos/connections/${conn.id}/backfill`, {
      token: t.ownerToken,
      body: { businessDate: '2026-02-30' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'businessDate' });
    const tabit = await connect({ provider: 'tabit', webhookSignatureKey: 'tabit-key' });
    const none = await t.api('POST', `/api/v1/pos/connections/${tabit.body.id}/backfill`, {
      token: t.ownerToken,
      body: { businessDate: '2026-12-03' },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/tabit connection cannot pull past orders/);
    const bartender = await t.userWithRole('bartender');
    expect(
      (await t.api('POST', `/api/v1/pos/connections/${conn.id}/backfill`, { token: bartender, body: { businessDate: '2026-12-03' } }))
        .status,
    ).toBe(403);
  });

  it('applies a signed Tabit sales event (assumed shape) and refuses an unsigned one', async () => {
    const tabit = (await connect({ provider: 'tabit', webhookSignatureKey: 'tabit-secret', providerLocationId: 'org-anchor' })).body;
    const send = (body: string, sig?: string) =>
      fetch(`${t.cloud.url}/api/v1/pos/tabit/webhook/${tabit.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sig ? { 'x-tabit-signature': sig } : {}) },
        body,
      });
    const event = {
      eventId: 'tb-evt-1',
      eventType: 'order.closed',
      organizationId: 'org-anchor',
      order: {
        id: 'tb-1',
        lastModified: '2026-12-05T21:40:00+02:00',
        status: 'closed',
        items: [{ id: 'tb-i1', offerId: JAMO, name: 'Jameson', quantity: 2, price: 90 }],
      },
    };
    const body = JSON.stringify(event);
    const before = await sold('JAMESON-750');
    expect((await send(body)).status).toBe(401);
    expect((await send(body, createHmac('sha256', 'wrong').update(body).digest('base64'))).status).toBe(401);
    const ok = await send(body, createHmac('sha256', 'tabit-secret').update(body).digest('base64'));
    expect(ok.status).toBe(200);
    for (const id of ((await ok.json()) as { jobIds: string[] }).jobIds) await job(id);
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 0.133, 6);
  });
});
