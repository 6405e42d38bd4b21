/**
 * An order's job runs at once on the instance that took the webhook, and its SALE transaction
 * commits without waiting for the disk: what makes that safe is that the job is already queued
 * (committed with the delivery) and that running it again writes only what is not written.
 * These tests show both, on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_ORDER_JOB } from '../../src/pos/index.js';
import { SaleRepository } from '../../src/pos/sale.repository.js';
import { build, type TestCloud } from '../support/cloud.js';
import { FakeSquare, squareEvent, squareOrder } from './fake-square.js';
import { connectSquare, jobDone, postWebhook, squareSignature } from './webhook-harness.js';

const TOKEN = 'rerun-token';
const KEY = 'rerun-signature-key';

describe('an order job run here, and run again', () => {
  let t: TestCloud;
  let square: FakeSquare;
  let conn: { id: string; webhookUrl: string };

  /** the order's SALE rows: their sum per item and how many */
  const rows = async (orderId: string) =>
    (
      await t.cloud.db.query<{ sourceId: string; quantity: number }>(
        `SELECT t.source_id AS "sourceId", sum(t.quantity)::float8 AS quantity FROM transactions t
         WHERE t.type = 'SALE' AND t.source_id LIKE $1 GROUP BY 1 ORDER BY 1`,
        [`${conn.id}:${orderId}-%`],
      )
    ).rows;
  const deliver = async (orderId: string) => {
    const lines = [
      { uid: `${orderId}-A`, catalogId: 'RR-JAMO', name: 'Jameson', qty: 2, cents: 1600 },
      { uid: `${orderId}-B`, catalogId: 'RR-JAMO', name: 'Jameson', qty: 1, cents: 800 },
    ];
    square.orders.set(orderId, squareOrder({ id: orderId, version: 1, lines }));
    const body = JSON.stringify(squareEvent(`evt-${orderId}`, 'order.created', orderId, 1));
    const r = await postWebhook(t, 'square', conn.id, body, {
      'x-square-hmacsha256-signature': squareSignature(KEY, conn.webhookUrl, body),
    });
    expect(r.status).toBe(200);
    return r.body as { jobIds: string[] };
  };
  /** the job sent again, as the queue runs it again when its first run's end was never recorded */
  const again = async (orderId: string) => {
    const id = await t.cloud.jobs.enqueue(FETCH_ORDER_JOB, { connectionId: conn.id, orderId }, { orgId: t.demo.orgId, here: true });
    t.cloud.jobs.runHere(FETCH_ORDER_JOB, id);
    return jobDone(t, id);
  };

  beforeAll(async () => {
    square = await new FakeSquare(TOKEN).start();
    // workers poll once a minute: a job done within the test's timeout was run where the webhook landed
    t = await build({
      pos: { squareApiUrl: square.url, fetchRetryDelaySeconds: 0 },
      jobs: { pollingIntervalSeconds: 60, maintenanceIntervalSeconds: 60 },
    });
    conn = await connectSquare(t, { accessToken: TOKEN, key: KEY });
    const saved = await t.api('PUT', '/api/v1/recipes', {
      token: t.ownerToken,
      body: {
        venueId: t.demo.venueId,
        kind: 'item',
        posKey: 'RR-JAMO',
        name: 'Jameson',
        components: [{ itemId: t.demo.items['JAMESON-750'], quantity: 50 }],
      },
    });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await square?.close();
  });

  it('runs the order job at once where the webhook landed, in one attempt', async () => {
    const ack = await deliver('RR-1');
    expect(ack.jobIds).toHaveLength(1);
    expect(await jobDone(t, ack.jobIds[0]!)).toMatchObject({ status: 'done', attempts: 1 });
    // 2 × 50 ml and 1 × 50 ml of a 750 ml bottle
    expect(await rows('RR-1')).toEqual([
      { sourceId: `${conn.id}:RR-1-A`, quantity: -0.133 },
      { sourceId: `${conn.id}:RR-1-B`, quantity: -0.067 },
    ]);
  });

  it('writes nothing twice when the job runs again (its first run applied, its end not recorded)', async () => {
    const ack = await deliver('RR-2');
    await jobDone(t, ack.jobIds[0]!);
    const first = await rows('RR-2');
    const fetched = square.requests.length;
    await again('RR-2');
    expect(square.requests.length).toBe(fetched + 1);
    expect(await rows('RR-2')).toEqual(first);
  });

  it('writes the order whole when its SALE commit was lost before the job was recorded (a crash, synchronous_commit off)', async () => {
    const ack = await deliver('RR-3');
    await jobDone(t, ack.jobIds[0]!);
    const first = await rows('RR-3');
    // what a crash loses of a commit not yet flushed: the whole transaction, the order and its lines with the SALE rows
    await t.cloud.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM transactions WHERE type = 'SALE' AND source_id LIKE $1`, [`${conn.id}:RR-3-%`]);
      await tx.query(`DELETE FROM pos_sale_lines WHERE connection_id = $1 AND order_id = 'RR-3'`, [conn.id]);
      await tx.query(`DELETE FROM pos_orders WHERE connection_id = $1 AND order_id = 'RR-3'`, [conn.id]);
    });
    expect(await rows('RR-3')).toEqual([]);
    await again('RR-3');
    expect(await rows('RR-3')).toEqual(first);
    await again('RR-3');
    expect(await rows('RR-3')).toEqual(first);
  });

  it('turns synchronous_commit off for the order transaction only, and only when asked', async () => {
    const inside = async (flushLater: boolean) =>
      t.cloud.db.transaction(async (tx) => {
        await new SaleRepository(tx).lockOrder(t.demo.orgId, conn.id, `RR-SC-${flushLater}`, { flushLater });
        return (await tx.query<{ v: string }>('SELECT current_setting($1) AS v', ['synchronous_commit'])).rows[0]!.v;
      });
    expect(await inside(true)).toBe('off');
    expect(await inside(false)).toBe('on');
    // SET LOCAL ends with its transaction
    expect((await t.cloud.db.query<{ v: string }>('SELECT current_setting($1) AS v', ['synchronous_commit'])).rows[0]!.v).toBe('on');
  });
});
