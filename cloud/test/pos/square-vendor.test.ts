/**
 * Square's own material, not our fake: the signature test vectors of Square's Node SDK, the
 * webhook bodies and Orders API objects as Square documents them, a return order as Square's
 * staff posted one. Each case names its source.
 */
import { describe, expect, it } from 'vitest';
import { SquareAdapter, squareOrder, squareSignature } from '../../src/pos/adapters/square.js';

const adapter = new SquareAdapter({ baseUrl: 'https://connect.squareup.com', version: '2025-01-23' });
const verify = (body: string, signature: string | undefined, key: string, notificationUrl: string) =>
  adapter.verifyWebhook(
    { rawBody: Buffer.from(body), headers: signature ? { 'x-square-hmacsha256-signature': signature } : {}, notificationUrl },
    { webhookSignatureKey: key },
  );

describe("Square's webhook signature test vectors", () => {
  // https://github.com/square/square-nodejs-sdk/blob/master/tests/integration/webhooks.test.ts (WebhooksHelper.verifySignature)
  const body =
    '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}';
  const signature = 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=';
  const key = 'Ibxx_5AKakO-3qeNVR61Dw';
  const url = 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';

  it('accepts the SDK’s signed bodies, escaped characters included', () => {
    expect(squareSignature(key, url, Buffer.from(body))).toBe(signature);
    expect(() => verify(body, signature, key, url)).not.toThrow();
    const sdkUrl = 'https://webhook.site/webhooks';
    expect(() =>
      verify('{"data":{"type":"webhooks","id":"fake_id"}}', 'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=', 'signature-key', sdkUrl),
    ).not.toThrow();
    expect(() =>
      verify('{"data":{"type":"webhooks","id":">id<"}}', 'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=', 'signature-key', sdkUrl),
    ).not.toThrow();
  });

  it('refuses the SDK’s failing cases: another URL, key, signature, body, or the same JSON re-serialised', () => {
    const reformatted = JSON.stringify(JSON.parse(body), null, 4);
    const cases: [string, () => void][] = [
      ['url', () => verify(body, signature, key, 'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9')],
      ['key', () => verify(body, signature, 'MCmhFRxGX82xMwg5FsaoQA', url)],
      // the SDK's case is a 28-character (SHA-1 sized) signature: the old x-square-signature scheme is not accepted here
      ['signature', () => verify(body, '1z2n3DEJJiUPKcPzQo1ftvbxGdw=', key, url)],
      ['body', () => verify(body.replace('2022-07-13', '2022-06-13'), signature, key, url)],
      ['re-serialised', () => verify(reformatted, signature, key, url)],
      ['missing', () => verify(body, undefined, key, url)],
    ];
    for (const [what, run] of cases) expect(run, what).toThrow(/x-square-hmacsha256-signature/);
  });
});

describe("Square's webhook bodies", () => {
  // https://developer.squareup.com/reference/square/webhooks/order.created (data.object.order_created: OrderCreated)
  it('reads order.created and order.updated into the order to fetch and its location, ignoring fields it does not use', () => {
    const created = {
      merchant_id: '5S9MXCS9Y99KK',
      type: 'order.created',
      event_id: '116038d3-2948-439f-8679-fc86dbf80f69',
      created_at: '2020-04-16T23:14:26.129Z',
      data: {
        type: 'order',
        id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
        object: {
          order_created: {
            created_at: '2020-04-16T23:14:26.129Z',
            location_id: 'FPYCBCHYMXFK1',
            order_id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
            state: 'OPEN',
            version: 1,
          },
        },
      },
      some_field_square_adds_later: { anything: true },
    };
    expect(adapter.readEvent(created)).toEqual({
      eventId: '116038d3-2948-439f-8679-fc86dbf80f69',
      type: 'order.created',
      providerLocationId: 'FPYCBCHYMXFK1',
      orderIds: ['eA3vssLHKJrv9H0IdJCM3gNqfdcZY'],
      orders: [],
    });
    const updated = {
      ...created,
      type: 'order.updated',
      event_id: '4b8e5c91-9f17-4cf1-900a-4a0629f81add',
      data: {
        ...created.data,
        object: {
          order_updated: { ...created.data.object.order_created, updated_at: '2020-04-16T23:14:26.359Z', state: 'COMPLETED', version: 2 },
        },
      },
    };
    expect(adapter.readEvent(updated).orderIds).toEqual(['eA3vssLHKJrv9H0IdJCM3gNqfdcZY']);
  });

  // shaped as https://developer.squareup.com/reference/square/webhooks/payment.updated and refund.created document: the Payment / PaymentRefund name their order
  it('reads payment.* and refund.* into the order they name (a POS sale sends no order.created)', () => {
    const payment = {
      merchant_id: 'ML82H4QPKMGXY',
      type: 'payment.updated',
      event_id: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc',
      created_at: '2020-11-22T21:16:51.198Z',
      data: {
        type: 'payment',
        id: 'hYy9pRFVxpDsO1FB05SunFWUe9JZY',
        object: {
          payment: {
            id: 'hYy9pRFVxpDsO1FB05SunFWUe9JZY',
            amount_money: { amount: 100, currency: 'USD' },
            location_id: 'S8GWD5R9QB376',
            order_id: '03O3USaPaAaFnI6kkwB1JxGgBsUZY',
            status: 'COMPLETED',
            version: 1,
          },
        },
      },
    };
    expect(adapter.readEvent(payment)).toMatchObject({ providerLocationId: 'S8GWD5R9QB376', orderIds: ['03O3USaPaAaFnI6kkwB1JxGgBsUZY'] });
    const refund = {
      ...payment,
      type: 'refund.created',
      data: {
        type: 'refund',
        id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY_ptobfcuU0qaGc1mgAKdkRmr9K2Y0nQn6mOgZTQpwdT',
        object: {
          refund: {
            id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY_ptobfcuU0qaGc1mgAKdkRmr9K2Y0nQn6mOgZTQpwdT',
            amount_money: { amount: 100, currency: 'USD' },
            location_id: 'S8GWD5R9QB376',
            order_id: 'nUSN9TdxpiK3SrQg3wzmf6r8LP9YY',
            payment_id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
            status: 'PENDING',
          },
        },
      },
    };
    expect(adapter.readEvent(refund).orderIds).toEqual(['nUSN9TdxpiK3SrQg3wzmf6r8LP9YY']);
  });

  it('refuses a body that is not a Square event, naming the field', () => {
    expect(() => adapter.readEvent({ type: 'order.created' })).toThrow(/event_id/);
  });
});

describe("Square's orders", () => {
  // the return order Square's staff posted in full (trimmed to what a return carries):
  // https://developer.squareup.com/forums/t/comprehensive-order-view-via-api-order-refunds-returns-quantities-left-etc/14485
  const returnOrder = {
    id: 'SDnqjKI0sstON1XTi3qBIx2eV',
    location_id: '5JTA18FX53G3M',
    created_at: '2024-04-06T13:40:13.000Z',
    updated_at: '2024-04-06T14:06:03.000Z',
    state: 'COMPLETED',
    total_money: { amount: 0, currency: 'USD' },
    closed_at: '2024-04-06T14:06:03.000Z',
    returns: [
      {
        source_order_id: 'zls8ETfFzvdngiJ9HJO1EtUVaaPZY',
        return_line_items: [
          {
            uid: 'cce8b174-a8a7-4291-b50f-60b60e7d6273',
            source_line_item_uid: '4b216b84-bb69-42ce-bac0-095f6338960b',
            name: 'The Charlotte Mason Elementary Arithmetic Series, Book 5',
            quantity: '1',
            catalog_object_id: 'C5E7SGJFLS5ZWRP7XLDVMWAU',
            catalog_version: 1710868042730,
            variation_name: 'Regular',
            item_type: 'ITEM',
            applied_taxes: [{ uid: '5f28485a', tax_uid: '5f28485a', applied_money: { amount: 460, currency: 'USD' } }],
            base_price_money: { amount: 5900, currency: 'USD' },
            variation_total_price_money: { amount: 5900, currency: 'USD' },
            gross_return_money: { amount: 5900, currency: 'USD' },
            total_tax_money: { amount: 460, currency: 'USD' },
            total_discount_money: { amount: 0, currency: 'USD' },
            total_money: { amount: 6360, currency: 'USD' },
          },
        ],
      },
    ],
  };

  it('reads a return order (its own order, naming the sale) as its item returned: a negative line', () => {
    const order = squareOrder(returnOrder);
    expect(order.orderId).toBe('SDnqjKI0sstON1XTi3qBIx2eV');
    expect(order.canceled).toBe(false);
    expect(order.lines).toEqual([
      {
        uid: 'SDnqjKI0sstON1XTi3qBIx2eV:cce8b174-a8a7-4291-b50f-60b60e7d6273',
        menuKey: 'C5E7SGJFLS5ZWRP7XLDVMWAU',
        menuName: 'The Charlotte Mason Elementary Arithmetic Series, Book 5 (Regular)',
        modifiers: [],
        quantity: -1,
        revenueCents: -6360,
      },
    ]);
  });

  // https://developer.squareup.com/docs/orders-api/order-returns-exchanges: "For custom refunds, the returns field has the item_type set to CUSTOM_AMOUNT"
  it('returns nothing to the bar for a custom amount refunded', () => {
    const custom = structuredClone(returnOrder);
    const line = custom.returns[0]!.return_line_items[0]! as Record<string, unknown>;
    for (const k of ['catalog_object_id', 'catalog_version', 'variation_name', 'source_line_item_uid']) delete line[k];
    Object.assign(line, { name: 'Custom Amount', item_type: 'CUSTOM_AMOUNT' });
    expect(squareOrder(custom).lines).toEqual([]);
  });

  // OrderCreated.version: "Orders that were not created through the API do not include a version number"
  // (https://developer.squareup.com/reference/square/objects/OrderCreated)
  it('orders two answers about a POS sale without a version by updated_at, so the older cannot undo the newer', () => {
    const sale = (updatedAt: string) => ({
      id: 'POS-SALE',
      location_id: 'L1',
      state: 'COMPLETED',
      created_at: '2026-12-05T21:30:00Z',
      updated_at: updatedAt,
      line_items: [{ uid: 'a', catalog_object_id: 'C1', name: 'IPA', quantity: '2', total_money: { amount: 1400, currency: 'USD' } }],
    });
    const older = squareOrder(sale('2026-12-05T21:31:00Z'));
    const newer = squareOrder(sale('2026-12-05T21:45:00Z'));
    expect(newer.version).toBeGreaterThan(older.version);
    expect(older.version).toBe(Date.parse('2026-12-05T21:31:00Z'));
    expect(squareOrder({ ...sale('2026-12-05T21:31:00Z'), version: 7 }).version).toBe(7);
  });

  it('reads decimal quantities and refuses one that is not a number, naming the field', () => {
    const order = (quantity: string) => ({
      id: 'O',
      version: 1,
      line_items: [{ uid: 'a', catalog_object_id: 'C1', name: 'Draught', quantity, total_money: { amount: 650, currency: 'USD' } }],
    });
    expect(squareOrder(order('1.5')).lines[0]!.quantity).toBe(1.5);
    expect(() => squareOrder(order('two'))).toThrow(/line_items[\s\S]*quantity/);
  });

  // OrderLineItem.name and catalog_object_id are both optional (https://developer.squareup.com/reference/square/objects/OrderLineItem);
  // a CUSTOM_AMOUNT line may have neither
  it('keeps a line with neither a catalog id nor a name, under a key a recipe can name', () => {
    const order = squareOrder({
      id: 'O',
      version: 1,
      line_items: [{ uid: 'a', quantity: '1', item_type: 'CUSTOM_AMOUNT', total_money: { amount: 500, currency: 'USD' } }],
    });
    expect(order.lines).toEqual([
      { uid: 'a', menuKey: 'Custom Amount', menuName: 'Custom Amount', modifiers: [], quantity: 1, revenueCents: 500 },
    ]);
  });

  // OrderLineItemModifier.quantity: "If the buyer chooses the extra cheese option, the modifier quantity increases to 2.
  // If the buyer does not want any cheese, the modifier quantity is set to 0." (https://developer.squareup.com/reference/square/objects/OrderLineItemModifier)
  it('names a modifier as many times as its quantity per drink: none at 0, twice for extra', () => {
    const order = squareOrder({
      id: 'O',
      version: 1,
      line_items: [
        {
          uid: 'a',
          catalog_object_id: 'MARGARITA',
          name: 'Margarita',
          quantity: '2',
          modifiers: [
            { uid: 'm1', catalog_object_id: 'SALT', name: 'Salt rim', quantity: '0' },
            {
              uid: 'm2',
              catalog_object_id: 'EXTRA-SHOT',
              name: 'Extra shot',
              quantity: '2',
              base_price_money: { amount: 200, currency: 'USD' },
            },
            { uid: 'm3', catalog_object_id: 'LIME', name: 'Lime' },
          ],
          total_money: { amount: 3200, currency: 'USD' },
        },
      ],
    });
    expect(order.lines[0]!.modifiers).toEqual([
      { key: 'EXTRA-SHOT', name: 'Extra shot' },
      { key: 'EXTRA-SHOT', name: 'Extra shot' },
      { key: 'LIME', name: 'Lime' },
    ]);
  });

  // OrderState DRAFT: "Draft orders can be updated, but cannot be paid or fulfilled" (https://developer.squareup.com/reference/square/objects/OrderState)
  it('sells nothing while an order is a DRAFT, and what it holds once it is OPEN', () => {
    const order = (state: string, version: number) =>
      squareOrder({
        id: 'ONLINE-1',
        version,
        state,
        line_items: [{ uid: 'a', catalog_object_id: 'C1', name: 'IPA', quantity: '2', total_money: { amount: 1400, currency: 'USD' } }],
      });
    expect(order('DRAFT', 1).lines.map((l) => [l.quantity, l.revenueCents])).toEqual([[0, 0]]);
    expect(order('OPEN', 2).lines.map((l) => [l.quantity, l.revenueCents])).toEqual([[2, 1400]]);
  });
});
