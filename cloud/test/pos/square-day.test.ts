/** A Square connection's day pulled back (SearchOrders), on a real cloud (PGlite) against a local stand-in of Square's Orders API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquareAdapter } from '../../src/pos/index.js';
import { build, type TestCloud } from '../support/cloud.js';
import { waitFor } from '../support/device.js';
import { connectSquare, deliverSquare, jobDone, sold as soldOf } from './webhook-harness.js';
import { FakeSquare, squareEvent, squareOrder, squareReturnOrder } from './fake-square.js';

const TOKEN = 'EAAAl-day-access-token-never-logged';
const KEY = 'whsk-day-signature-key-0123456789';
const VERSION = '2025-01-23';
/** the venue's zone for this suite: five hours behind UTC in December, four before 1 November */
const NEW_YORK = 'America/New_York';

const jameson = (id: string, closedAt: string, version = 1) =>
  squareOrder({ id, version, closedAt, lines: [{ uid: `${id}-L1`, catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900 }] });

describe('Square back-fill of a business day', () => {
  let t: TestCloud;
  let square: FakeSquare;
  let conn: { id: string; webhookUrl: string };
  const sold = (sku: string) => soldOf(t, t.demo.items[sku]!);
  const searches = () => square.requests.filter((r) => r.path === '/v2/orders/search');
  const connect = (accessToken: string) => connectSquare(t, { accessToken, key: KEY });
  const backfill = async (businessDate: string, id = conn.id) => {
    const q = await t.api('POST', `/api/v1/pos/connections/${id}/backfill`, { token: t.ownerToken, body: { businessDate } });
    expect(q.status, JSON.stringify(q.body)).toBe(202);
    return q.body.jobId as string;
  };
  const ordersStored = async () =>
    (
      await t.cloud.db.query<{ orderId: string }>(
        `SELECT DISTINCT order_id AS "orderId" FROM pos_sale_lines WHERE connection_id = $1 ORDER BY 1`,
        [conn.id],
      )
    ).rows.map((r) => r.orderId);

  beforeAll(async () => {
    square = await new FakeSquare(TOKEN).start();
    t = await build({
      pos: { squareApiUrl: square.url, squareVersion: VERSION, fetchRetryDelaySeconds: 0 },
      jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
    });
    const venue = await t.api('PATCH', `/api/v1/venues/${t.demo.venueId}`, { token: t.ownerToken, body: { timezone: NEW_YORK } });
    expect(venue.status, JSON.stringify(venue.body)).toBe(200);
    conn = await connect(TOKEN);
    for (const r of [
      { kind: 'item', posKey: 'SQ-MARG', name: 'Margarita', components: [{ itemId: t.demo.items['PATRON-750']!, quantity: 45 }] },
      { kind: 'item', posKey: 'SQ-JAMO', name: 'Jameson', components: [{ itemId: t.demo.items['JAMESON-750']!, quantity: 50 }] },
    ])
      expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: { venueId: t.demo.venueId, ...r } })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await square?.close();
  });

  it("bounds the day by the venue's zone: 23:30 local is in, 00:30 the next day and the next midnight are not", async () => {
    // 4 December in New York is 05:00 UTC on the 4th to 04:59:59.999 UTC on the 5th (Square's range includes both ends)
    square.orders.set('NY-0030', jameson('NY-0030', '2026-12-04T05:30:00.000Z'));
    square.orders.set('NY-2330', jameson('NY-2330', '2026-12-05T04:30:00.000Z'));
    square.orders.set('NY-MIDNIGHT', jameson('NY-MIDNIGHT', '2026-12-05T05:00:00.000Z'));
    square.orders.set('NY-NEXT-0030', jameson('NY-NEXT-0030', '2026-12-05T05:30:00.000Z'));
    // 23:30 on the 3rd in New York, the 4th in UTC: a day bounded in UTC would take it
    square.orders.set('NY-EVE-2330', jameson('NY-EVE-2330', '2026-12-04T04:30:00.000Z'));
    const before = await sold('JAMESON-750');
    const job = await jobDone(t, await backfill('2026-12-04'));
    expect(job.result).toEqual({ businessDate: '20261204', orders: 2, changedLines: 2, stale: 0 });
    expect(await ordersStored()).toEqual(['NY-0030', 'NY-2330']);
    expect((await sold('JAMESON-750')).q).toBeCloseTo(before.q - 2 * 0.067, 6);
    const [search, ...more] = searches();
    expect(more).toEqual([]);
    expect(search).toMatchObject({ authorization: `Bearer ${TOKEN}`, version: VERSION });
    expect(search!.body).toEqual({
      location_ids: ['L-ANCHOR'],
      query: {
        filter: {
          date_time_filter: { closed_at: { start_at: '2026-12-04T05:00:00.000Z', end_at: '2026-12-05T04:59:59.999Z' } },
          state_filter: { states: ['COMPLETED', 'CANCELED'] },
        },
        sort: { sort_field: 'CLOSED_AT', sort_order: 'ASC' },
      },
      limit: 500,
    });
    // the day the clocks go back is 25 hours long
    const adapter = new SquareAdapter({ baseUrl: square.url, version: VERSION });
    await adapter.fetchDay('20261101', { secrets: { accessToken: TOKEN }, providerLocationId: 'L-ANCHOR', timeZone: NEW_YORK });
    expect(searches().at(-1)!.body.query.filter.date_time_filter.closed_at).toEqual({
      start_at: '2026-11-01T04:00:00.000Z',
      end_at: '2026-11-02T04:59:59.999Z',
    });
  });

  it('reads every page by cursor, sending the same query with each', async () => {
    square.pageSize = 2;
    const day = ['P-1', 'P-2', 'P-3'].map((id, i) => jameson(id, `2026-11-21T0${i + 1}:00:00.000Z`));
    for (const o of day) square.orders.set(o.id, o);
    const from = searches().length;
    const job = await jobDone(t, await backfill('2026-11-20'));
    square.pageSize = 1000;
    expect(job.result).toMatchObject({ businessDate: '20261120', orders: 3, changedLines: 3 });
    const pages = searches().slice(from);
    expect(pages.map((p) => p.body.cursor)).toEqual([undefined, 'cursor-1']);
    expect(pages[1]!.body.query).toEqual(pages[0]!.body.query);
    expect(await ordersStored()).toEqual(expect.arrayContaining(['P-1', 'P-2', 'P-3']));
  });

  it('does not double an order a webhook delivered, and stores the one whose webhook was lost', async () => {
    const delivered = squareOrder({
      id: 'W-SEEN',
      version: 2,
      closedAt: '2026-11-22T02:00:00.000Z',
      lines: [{ uid: 'W1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 2, cents: 2400 }],
    });
    square.orders.set('W-SEEN', delivered);
    await deliverSquare(t, conn, KEY, squareEvent('evt-day-1', 'order.updated', 'W-SEEN', 2));
    const afterWebhook = await sold('PATRON-750');
    square.orders.set('W-LOST', jameson('W-LOST', '2026-11-22T03:00:00.000Z'));
    const jamesonBefore = await sold('JAMESON-750');

    const job = await jobDone(t, await backfill('2026-11-21'));
    expect(job.result).toEqual({ businessDate: '20261121', orders: 2, changedLines: 1, stale: 0 });
    expect(await sold('PATRON-750')).toEqual(afterWebhook);
    expect(await sold('JAMESON-750')).toMatchObject({ n: jamesonBefore.n + 1 });
    // the day again: nothing new
    expect((await jobDone(t, await backfill('2026-11-21'))).result).toMatchObject({ orders: 2, changedLines: 0 });
  });

  it("pulls a refund's return order and reverses what its sale poured", async () => {
    const before = await sold('PATRON-750');
    square.orders.set(
      'R-SALE',
      squareOrder({
        id: 'R-SALE',
        version: 1,
        closedAt: '2026-11-23T01:00:00.000Z',
        lines: [{ uid: 'RS1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 2, cents: 2400 }],
      }),
    );
    // refunded the next evening: its own order, closed when refunded, naming the sale and its line
    square.orders.set(
      'R-RETURN',
      squareReturnOrder({
        id: 'R-RETURN',
        sourceOrderId: 'R-SALE',
        closedAt: '2026-11-24T01:00:00.000Z',
        lines: [{ uid: 'RR1', sourceUid: 'RS1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 1, cents: 1200 }],
      }),
    );
    expect((await jobDone(t, await backfill('2026-11-22'))).result).toMatchObject({ orders: 1, changedLines: 1 });
    expect((await sold('PATRON-750')).q).toBeCloseTo(before.q - 0.12, 6);
    expect((await jobDone(t, await backfill('2026-11-23'))).result).toMatchObject({ orders: 1, changedLines: 1 });
    expect((await sold('PATRON-750')).q).toBeCloseTo(before.q - 0.06, 6);
    expect(await ordersStored()).toEqual(expect.arrayContaining(['R-SALE', 'R-RETURN']));
  });

  it('voids a tab poured while open whose cancelling webhook was lost', async () => {
    const before = await sold('PATRON-750');
    const tab = (state: 'OPEN' | 'CANCELED', version: number, closedAt?: string) =>
      squareOrder({
        id: 'C-TAB',
        version,
        state,
        closedAt,
        lines: [{ uid: 'CT1', catalogId: 'SQ-MARG', name: 'Margarita', qty: 1, cents: 1200 }],
      });
    square.orders.set('C-TAB', tab('OPEN', 1));
    await deliverSquare(t, conn, KEY, squareEvent('evt-tab-1', 'order.updated', 'C-TAB', 1));
    expect((await sold('PATRON-750')).q).toBeCloseTo(before.q - 0.06, 6);
    // cancelled at 22:00 in New York on 27 November; Square's webhook for it never arrived
    square.orders.set('C-TAB', tab('CANCELED', 2, '2026-11-28T03:00:00.000Z'));
    expect((await jobDone(t, await backfill('2026-11-27'))).result).toMatchObject({ orders: 1, changedLines: 1 });
    expect((await sold('PATRON-750')).q).toBeCloseTo(before.q, 6);
  });

  it('retries a day while Square is rate limited or down', async () => {
    square.orders.set('RL-1', jameson('RL-1', '2026-11-25T02:00:00.000Z'));
    square.downFor = 1;
    square.downStatus = 429;
    expect(await jobDone(t, await backfill('2026-11-24'))).toMatchObject({ attempts: 2, result: { orders: 1, changedLines: 1 } });
    square.downFor = 1;
    square.downStatus = 503;
    expect(await jobDone(t, await backfill('2026-11-24'))).toMatchObject({ attempts: 2, result: { orders: 1, changedLines: 0 } });
    const health = (await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken })).body.find((c: any) => c.id === conn.id).health;
    expect(health.lastError).toBe(
      `Square connection ${conn.id}, day 2026-11-24, page 1: Square Orders API answered 503 SERVICE_UNAVAILABLE; the back-fill is retried`,
    );
  });

  it("applies the readable orders of a day when one cannot be read, and names that one in the connection's last error", async () => {
    square.orders.set('W-GOOD', jameson('W-GOOD', '2026-11-26T15:00:00.000Z'));
    // a shape this adapter does not know (its line items not a list): it must not keep the day's other sales out
    square.orders.set('W-ODD', { ...(jameson('W-ODD', '2026-11-26T16:00:00.000Z') as object), line_items: 'two Jamesons' });
    const jamesonBefore = await sold('JAMESON-750');
    await backfill('2026-11-26');
    const lastError = await waitFor(async () => {
      const list = await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken });
      const error = list.body.find((c: any) => c.id === conn.id).health.lastError as string | null;
      return error?.includes('W-ODD') ? error : null;
    });
    expect(lastError).toContain('1 of the 2 orders of 20261126 could not be read and were left out');
    expect(lastError).toContain('order W-ODD: line_items');
    expect(await ordersStored()).toContain('W-GOOD');
    expect(await sold('JAMESON-750')).toMatchObject({ n: jamesonBefore.n + 1 });
  });

  it('names the connection, the day and its credentials when Square refuses the token', async () => {
    const revoked = await connect('EAAAl-revoked-token');
    await backfill('2026-11-24', revoked.id);
    const expected = `Square connection ${revoked.id}, day 2026-11-24, page 1: Square refused the access token (401 UNAUTHORIZED: This request could not be authorized.); check the connection's credentials.accessToken`;
    const health = await waitFor(async () => {
      const list = await t.api('GET', '/api/v1/pos/connections', { token: t.ownerToken });
      return list.body.find((c: any) => c.id === revoked.id).health.lastError as string | null;
    });
    expect(health).toBe(expected);
    expect(health).not.toContain('EAAAl-revoked-token');
  });
});
