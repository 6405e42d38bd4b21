/** The nightly back-fill: on a real cloud (PGlite) against local stand-ins of Toast's and Square's APIs, with the clock given. */
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_JOB, NightlyBackfill, SquareAdapter, TabitAdapter, ToastAdapter } from '../../src/pos/index.js';
import { build, type TestCloud } from '../support/cloud.js';
import { repos } from '../support/repos.js';
import { jobDone, postWebhook, sold as soldOf } from './webhook-harness.js';
import { FakeToast } from './fake-toast.js';
import { FakeSquare, squareOrder } from './fake-square.js';
import { RESTAURANT, toastMessage, toastOrderJson } from './toast-payloads.js';

const CLIENT = { id: 'toast-client-nightly', secret: 'toast-secret-never-logged', restaurant: RESTAURANT };
const KEY = 'toast-webhook-secret-nightly-0123456789';
const SQUARE_TOKEN = 'EAAAl-nightly-square-token';
const MARG = '7a1d0c1e-0000-4000-8000-0000000000a1';
const JAMO = '7a1d0c1e-0000-4000-8000-0000000000a2';
/** 18:00 in London (UTC in January): its previous day is 9 January. */
const EVENING = new Date('2030-01-10T18:00:00Z');

const order = (guid: string, item: string, price: number) =>
  toastOrderJson({
    guid,
    modified: '2030-01-09T22:00:00.000+0000',
    checks: [{ guid: `${guid}-c`, selections: [{ guid: `${guid}-s`, item, name: guid, qty: 1, price }] }],
  });

describe('nightly POS back-fill', () => {
  let t: TestCloud;
  let toast: FakeToast;
  let square: FakeSquare;
  let london: string;
  let auckland: string;
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  const nightly = (jobs: Pick<typeof t.cloud.jobs, 'enqueue'> = t.cloud.jobs) =>
    new NightlyBackfill({
      db: t.cloud.db,
      jobs,
      adapters: [
        new SquareAdapter({ baseUrl: square.url, version: '2025-01-23' }),
        new ToastAdapter({ baseUrl: toast.url, toleranceSeconds: 1800 }),
        new TabitAdapter(),
      ],
      hour: 5,
      logger,
    });
  const connectToast = async (venueId: string, locationId: string) => {
    const c = await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: {
        venueId,
        locationId,
        provider: 'toast',
        providerLocationId: RESTAURANT,
        credentials: { clientId: CLIENT.id, clientSecret: CLIENT.secret },
        webhookSignatureKey: KEY,
      },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    return c.body.id as string;
  };
  const runs = async () =>
    (
      await t.cloud.db.query<{ connectionId: string; day: string; jobId: string }>(
        `SELECT connection_id AS "connectionId", business_date::text AS day, job_id AS "jobId" FROM pos_backfill_runs ORDER BY created_at, day`,
      )
    ).rows;
  const saleRows = async () =>
    (await t.cloud.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM transactions WHERE type = 'SALE'`)).rows[0]!.n;
  const sold = (sku: string) => soldOf(t, t.demo.items[sku]!);

  beforeAll(async () => {
    toast = await new FakeToast(CLIENT).start();
    square = await new FakeSquare(SQUARE_TOKEN).start();
    t = await build({
      // the cloud's own timer stays off: each test gives the clock it runs at
      pos: { toastApiUrl: toast.url, squareApiUrl: square.url, fetchRetryDelaySeconds: 0, nightlyBackfill: false },
      jobs: { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 },
    });
    london = await connectToast(t.demo.venueId, t.demo.locations.mainBar);
    // a Tabit connection has no day to pull: it is passed over without a word
    const tabit = await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: { venueId: t.demo.venueId, locationId: t.demo.locations.mainBar, provider: 'tabit', webhookSignatureKey: 'tabit-key' },
    });
    expect(tabit.status).toBe(201);
    for (const r of [
      { kind: 'item', posKey: MARG, name: 'Margarita', components: [{ itemId: t.demo.items['PATRON-750']!, quantity: 45 }] },
      { kind: 'item', posKey: JAMO, name: 'Jameson', components: [{ itemId: t.demo.items['JAMESON-750']!, quantity: 50 }] },
    ])
      expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: { venueId: t.demo.venueId, ...r } })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await toast?.close();
    await square?.close();
  });

  it('stores a sale whose webhook never arrived, and the one that did only once', async () => {
    const delivered = order('ord-webhook', JAMO, 9);
    const lost = order('ord-lost', MARG, 12);
    const body = JSON.stringify(toastMessage('evt-nightly-1', delivered));
    const ts = JSON.parse(body).timestamp as string;
    const sig = createHmac('sha256', KEY)
      .update(body + ts, 'utf8')
      .digest('base64');
    const r = await postWebhook(t, 'toast', london, body, { 'toast-event-type': 'order_updated', 'toast-signature': sig });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (const id of r.body.jobIds as string[]) await jobDone(t, id);
    expect((await sold('JAMESON-750')).n).toBe(1);
    expect((await sold('PATRON-750')).n).toBe(0);
    toast.days.set('20300109', [delivered, lost]);

    // at 04:59 in London, before its back-fill hour, nothing is due
    expect(await nightly().schedule(new Date('2030-01-10T04:59:00Z'))).toBe(0);
    expect(await nightly().schedule(EVENING)).toBe(1);
    const [run, ...others] = await runs();
    expect(others).toEqual([]);
    expect(run).toMatchObject({ connectionId: london, day: '2030-01-09' });
    expect((await jobDone(t, run!.jobId)).result).toEqual({ businessDate: '20300109', orders: 2, changedLines: 1, stale: 0 });
    expect(await sold('PATRON-750')).toMatchObject({ n: 1, q: -0.06 });
    expect((await sold('JAMESON-750')).n).toBe(1);
    expect(toast.requests.filter((q) => q.path.startsWith('/orders/v2/ordersBulk')).map((q) => q.path)).toEqual([
      '/orders/v2/ordersBulk?businessDate=20300109&pageSize=100&page=1',
    ]);
  });

  it('run again, by any instance, queues nothing; the day pulled again stores nothing new', async () => {
    const before = await saleRows();
    expect(await nightly().schedule(EVENING)).toBe(0);
    expect(await nightly().schedule(new Date(EVENING.getTime() + 3_600_000))).toBe(0);
    expect(await runs()).toHaveLength(1);
    const again = await t.cloud.jobs.enqueue(BACKFILL_JOB, { connectionId: london, businessDate: '20300109' }, { orgId: t.demo.orgId });
    expect((await jobDone(t, again)).result).toMatchObject({ orders: 2, changedLines: 0 });
    expect(await saleRows()).toBe(before);
    expect(await sold('PATRON-750')).toMatchObject({ n: 1, q: -0.06 });
  });

  it("pulls a venue in another time zone's own previous day, from its own 05:00", async () => {
    const r = repos(t.cloud.db);
    const venue = await r.venues.createVenue(t.demo.orgId, { name: 'Harbour Auckland', timezone: 'Pacific/Auckland' });
    const bar = await r.venues.createLocation(t.demo.orgId, { venueId: venue.id, name: 'Bar' });
    auckland = await connectToast(venue.id, bar.id);
    toast.days.set('20300111', [order('ord-akl', JAMO, 9)]);
    // 15:00 in London (11 Jan), 04:00 on 12 January in Auckland (UTC+13): only London is due
    expect(await nightly().schedule(new Date('2030-01-11T15:00:00Z'))).toBe(1);
    // 05:30 on 12 January in Auckland: its 11 January, while London's 10 January is claimed already
    expect(await nightly().schedule(new Date('2030-01-11T16:30:00Z'))).toBe(1);
    const all = await runs();
    expect(all.map(({ connectionId, day }) => ({ connectionId, day }))).toEqual([
      { connectionId: london, day: '2030-01-09' },
      { connectionId: london, day: '2030-01-10' },
      { connectionId: auckland, day: '2030-01-11' },
    ]);
    expect((await jobDone(t, all[2]!.jobId)).result).toMatchObject({ businessDate: '20300111', orders: 1 });
    await jobDone(t, all[1]!.jobId);
  });

  it('logs a connection that could not be queued, with its id and no secret, and queues the others; it is tried again', async () => {
    const failing = await connectToast(t.demo.venueId, t.demo.locations.rooftop);
    const jobs = {
      enqueue: (name: string, payload: unknown, o: Parameters<typeof t.cloud.jobs.enqueue>[2]) =>
        (payload as { connectionId: string }).connectionId === failing
          ? Promise.reject(new Error('queue unavailable'))
          : t.cloud.jobs.enqueue(name, payload, o),
    };
    // 06:00 on 12 January in London: its 11th is due for both its connections (Auckland's 11th is claimed already)
    const at = new Date('2030-01-12T06:00:00Z');
    expect(await nightly(jobs).schedule(at)).toBe(1);
    const line = logged.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.connectionId === failing);
    expect(line).toMatchObject({ businessDate: '2030-01-11', msg: 'nightly POS back-fill not queued for this connection' });
    expect(line!.err.message).toBe('queue unavailable');
    expect(logged.join('\n')).not.toContain(CLIENT.secret);
    expect(await nightly().schedule(at)).toBe(1);
    const eleventh = (await runs()).filter((x) => x.day === '2030-01-11').map((x) => x.connectionId);
    expect(eleventh.sort()).toEqual([london, auckland, failing].sort());
  });

  it("queues a Square connection's previous local day, and its pull stores the sale whose webhook was lost", async () => {
    const r = repos(t.cloud.db);
    const venue = await r.venues.createVenue(t.demo.orgId, { name: 'Harbour New York', timezone: 'America/New_York' });
    const bar = await r.venues.createLocation(t.demo.orgId, { venueId: venue.id, name: 'Bar' });
    const recipe = {
      venueId: venue.id,
      kind: 'item',
      posKey: 'SQ-JAMO',
      name: 'Jameson',
      components: [{ itemId: t.demo.items['JAMESON-750']!, quantity: 50 }],
    };
    expect((await t.api('PUT', '/api/v1/recipes', { token: t.ownerToken, body: recipe })).status).toBe(200);
    const c = await t.api('POST', '/api/v1/pos/connections', {
      token: t.ownerToken,
      body: {
        venueId: venue.id,
        locationId: bar.id,
        provider: 'square',
        providerLocationId: 'L-ANCHOR',
        credentials: { accessToken: SQUARE_TOKEN },
        webhookSignatureKey: 'square-webhook-key-nightly',
      },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    // 23:30 on 11 January in New York (UTC-5), closed and never delivered
    square.orders.set(
      'sq-lost',
      squareOrder({
        id: 'sq-lost',
        version: 1,
        closedAt: '2030-01-12T04:30:00.000Z',
        lines: [{ uid: 'sq-lost-1', catalogId: 'SQ-JAMO', name: 'Jameson', qty: 1, cents: 900 }],
      }),
    );
    // 05:30 on 12 January in New York: its 11th is due; London's and Auckland's 11th are claimed already
    expect(await nightly().schedule(new Date('2030-01-12T10:30:00Z'))).toBe(1);
    const run = (await runs()).find((x) => x.connectionId === c.body.id);
    expect(run).toMatchObject({ day: '2030-01-11' });
    const before = await sold('JAMESON-750');
    expect((await jobDone(t, run!.jobId)).result).toEqual({ businessDate: '20300111', orders: 1, changedLines: 1, stale: 0 });
    expect(await sold('JAMESON-750')).toMatchObject({ n: before.n + 1 });
    const search = square.requests.find((q) => q.path === '/v2/orders/search');
    expect(search!.body.query.filter.date_time_filter.closed_at).toEqual({
      start_at: '2030-01-11T05:00:00.000Z',
      end_at: '2030-01-12T04:59:59.999Z',
    });
  });
});
