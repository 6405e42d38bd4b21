/**
 * Toast's own material, not our fake: its sample order_updated message, its documented signing
 * (the Java sample of "Message signing") and the order shapes its guide documents. Each case
 * names its source. Toast publishes no signed message with its signature, so the signature cases
 * recompute Toast's sample code here and check the adapter against it.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ToastAdapter } from '../../src/pos/adapters/toast.js';
import { toastOrder } from '../../src/pos/adapters/toast-order.js';
import { TOAST_DOC_ORDER_UPDATED } from './toast-doc-sample.js';

const SECRET = 'toast-webhook-subscription-secret';
const SAMPLE_TS = '2024-03-28T15:11:01.050Z';

/**
 * Toast's getSignature(secret, body, timestamp), https://doc.toasttab.com/doc/devguide/apiMessageSigning.html:
 * `String signature = body + timestamp;` HmacSHA256 keyed by secret.getBytes(), over signature.getBytes(UTF_8),
 * DatatypeConverter.printBase64Binary. Written here apart from the adapter's own helper.
 */
const toastJavaSample = (secret: string, body: string, timestamp: string) =>
  createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(body + timestamp, 'utf8'))
    .digest('base64');

const adapterAt = (nowIso: string) =>
  new ToastAdapter({ baseUrl: 'https://ws-api.toasttab.com', toleranceSeconds: 1800, now: () => Date.parse(nowIso) });
const verify = (adapter: ToastAdapter, body: string, headers: Record<string, string>) =>
  adapter.verifyWebhook(
    { rawBody: Buffer.from(body), headers, notificationUrl: 'https://bar.example.com/hook' },
    { webhookSignatureKey: SECRET },
  );

describe("Toast's documented message signing, on Toast's sample message", () => {
  const adapter = adapterAt('2024-03-28T15:12:00.000Z');
  // https://doc.toasttab.com/doc/devguide/apiHttpHeaders.html lists the headers Toast sends:
  // Toast-Attempt-Number, Toast-Signature, Toast-Event-Type, Toast-Restaurant-External-ID, Toast-Event-Category
  const documented = {
    'toast-signature': toastJavaSample(SECRET, TOAST_DOC_ORDER_UPDATED, SAMPLE_TS),
    'toast-attempt-number': '1',
    'toast-event-type': 'order_updated',
    'toast-event-category': 'order_updated',
    'toast-restaurant-external-id': '0cd990c9-fd74-461d-8468-de2a0919ccbba',
  };

  it("accepts the sample signed as Toast's sample code signs it: raw body, then the message's own timestamp", () => {
    expect(() => verify(adapter, TOAST_DOC_ORDER_UPDATED, documented)).not.toThrow();
  });

  it('does not let a timestamp header Toast does not document override the timestamp in the message', () => {
    const withHeader = { ...documented, 'toast-timestamp': '1711638720' };
    expect(() => verify(adapter, TOAST_DOC_ORDER_UPDATED, withHeader)).not.toThrow();
  });

  it('refuses a body-only signature, another secret, an altered body, and names what is wrong', () => {
    const cases: [string, string, Record<string, string>, RegExp][] = [
      [
        'body only',
        TOAST_DOC_ORDER_UPDATED,
        { ...documented, 'toast-signature': toastJavaSample(SECRET, TOAST_DOC_ORDER_UPDATED, '') },
        /Toast-Signature does not match/,
      ],
      [
        'other secret',
        TOAST_DOC_ORDER_UPDATED,
        { ...documented, 'toast-signature': toastJavaSample('other', TOAST_DOC_ORDER_UPDATED, SAMPLE_TS) },
        /Toast-Signature does not match/,
      ],
      ['altered', TOAST_DOC_ORDER_UPDATED.replace('"numberOfGuests": 1', '"numberOfGuests": 2'), documented, /does not match/],
      ['re-serialised', JSON.stringify(JSON.parse(TOAST_DOC_ORDER_UPDATED)), documented, /does not match/],
    ];
    for (const [what, body, headers, message] of cases) expect(() => verify(adapter, body, headers), what).toThrow(message);
  });

  it("refuses the sample, well signed, once its timestamp is past the window Toast's retries need", () => {
    const later = adapterAt('2024-03-28T16:00:00.000Z');
    expect(() => verify(later, TOAST_DOC_ORDER_UPDATED, documented)).toThrow(/stale message timestamp: 2939 s from now/);
  });
});

describe("Toast's sample order_updated message", () => {
  it('reads into its event GUID, restaurant and the order it carries, every field it does not use ignored', () => {
    const event = adapterAt(SAMPLE_TS).readEvent(JSON.parse(TOAST_DOC_ORDER_UPDATED));
    expect(event).toMatchObject({
      eventId: '534bf25a-b657-45aa-9a63-47f8f35400d6',
      type: 'order_updated',
      providerLocationId: '0cd990c9-fd74-461d-8468-de2a0919ccbba',
      orderIds: [],
    });
    expect(event.orders).toEqual([
      {
        orderId: 'f6d98b95-2816-4f54-b1ab-7a5d71e83769',
        version: Date.parse('2024-04-01T15:10:59.817Z'),
        canceled: false,
        at: new Date('2024-04-01T15:09:30.223Z'),
        lines: [],
      },
    ]);
  });
});

describe("Toast's selections as its guide documents them", () => {
  const order = (selection: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    guid: 'ord',
    modifiedDate: '2026-12-05T22:00:00.000+0000',
    checks: [{ guid: 'chk', selections: [{ guid: 'sel', item: { guid: 'JAMESON' }, quantity: 1, price: 12, ...selection }] }],
    ...extra,
  });

  // "To add a special request to a menu item selection, in the modifiers object, add an object with the request message
  // [...] Set the selectionType value to SPECIAL_REQUEST. In the displayName value, provide the request message."
  // https://doc.toasttab.com/doc/devguide/apiSpecifyingModifiersAndInstructions.html
  it('keeps a special request out of the recipe modifiers: free text would leave the drink unmapped for ever', () => {
    const read = toastOrder(
      order({
        displayName: 'Jameson',
        modifiers: [
          { guid: 'm1', item: { guid: 'DOUBLE' }, displayName: 'Double', quantity: 1 },
          { guid: 'm2', item: null, displayName: 'no ice, lime on the side', quantity: 1, selectionType: 'SPECIAL_REQUEST' },
        ],
      }),
    );
    expect(read.lines[0]!.modifiers).toEqual([{ key: 'DOUBLE', name: 'Double' }]);
  });

  // "The item and itemGroup values can be null for GET requests. For example, they are null for gift cards and on
  // special requests" (Selection, https://doc.toasttab.com/openapi/orders/tag/Data-definitions/schema/Selection/);
  // Toast's sample message above writes absent objects as null throughout
  it('reads null where Toast writes null, keeping the sale (an open item with no name or menu item is kept under its GUID)', () => {
    const read = toastOrder(order({ item: null, displayName: null, modifiers: null, quantity: 2, price: 18 }));
    expect(read.lines).toEqual([
      { uid: 'sel', menuKey: 'sel', menuName: '', modifiers: [], quantity: 2, revenueCents: 1800, soldAt: undefined },
    ]);
    expect(toastOrder({ guid: 'ord', checks: null }).lines).toEqual([]);
    expect(toastOrder({ guid: 'ord', checks: [{ guid: 'chk', selections: null }] }).lines).toEqual([]);
  });

  it('refuses a selection whose quantity is not a number, naming the field', () => {
    expect(() => toastOrder(order({ quantity: 'two' }))).toThrow(/checks[\s\S]*selections[\s\S]*quantity/);
  });
});
