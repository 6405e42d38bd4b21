/**
 * Example Toast payloads written for the tests in the shapes Toast documents: the Order,
 * Check and Selection of its orders API (https://doc.toasttab.com/openapi/orders) and the
 * webhook message data schema { timestamp, eventCategory, eventType, guid, details }.
 */
export const RESTAURANT = '5f1c2d3e-4a5b-4c6d-8e7f-001122334455';

export interface Sel {
  guid: string;
  /** the menu item's GUID */
  item: string;
  name: string;
  qty: number;
  /** net price of the whole selection, dollars */
  price: number;
  voided?: boolean;
  refund?: number;
  createdDate?: string;
  selectionType?: string;
  modifiers?: Sel[];
}

function selection(s: Sel, modifier = false): Record<string, unknown> {
  return {
    guid: s.guid,
    entityType: 'MenuItemSelection',
    externalId: null,
    item: { guid: s.item, entityType: 'MenuItem', multiLocationId: '100000000' },
    itemGroup: modifier ? null : { guid: 'grp-cocktails', entityType: 'MenuGroup' },
    optionGroup: modifier ? { guid: 'opt-pour', entityType: 'MenuOptionGroup' } : null,
    displayName: s.name,
    quantity: s.qty,
    unitOfMeasure: 'NONE',
    selectionType: s.selectionType ?? 'NONE',
    salesCategory: { guid: 'cat-liquor', entityType: 'SalesCategory' },
    appliedDiscounts: [],
    deferred: false,
    preDiscountPrice: s.price,
    price: s.price,
    tax: Math.round(s.price * 8.25) / 100,
    voided: s.voided ?? false,
    voidDate: s.voided ? '2026-12-05T22:40:00.000+0000' : null,
    voidBusinessDate: s.voided ? 20261205 : null,
    voidReason: null,
    refundDetails: s.refund
      ? {
          refundAmount: s.refund,
          taxRefundAmount: Math.round(s.refund * 8.25) / 100,
          refundTransaction: { guid: `rt-${s.guid}`, entityType: 'RefundTransaction' },
        }
      : null,
    createdDate: s.createdDate ?? '2026-12-05T21:30:00.000+0000',
    modifiedDate: '2026-12-05T21:31:00.000+0000',
    modifiers: (s.modifiers ?? []).map((m) => selection(m, true)),
    fulfillmentStatus: 'SENT',
    taxInclusion: 'NOT_INCLUDED',
    receiptLinePrice: s.qty ? s.price / s.qty : s.price,
  };
}

export interface Chk {
  guid: string;
  voided?: boolean;
  deleted?: boolean;
  selections: Sel[];
}

/** A Toast Order as GET /orders/v2/orders/{guid} and the order_updated webhook carry it. */
export function toastOrderJson(o: { guid: string; modified: string; voided?: boolean; deleted?: boolean; checks: Chk[] }) {
  return {
    guid: o.guid,
    entityType: 'Order',
    externalId: null,
    revenueCenter: { guid: 'rc-bar', entityType: 'RevenueCenter' },
    server: { guid: 'emp-sam', entityType: 'RestaurantUser' },
    source: 'In Store',
    businessDate: 20261205,
    openedDate: '2026-12-05T21:29:00.000+0000',
    createdDate: '2026-12-05T21:29:00.000+0000',
    modifiedDate: o.modified,
    voided: o.voided ?? false,
    deleted: o.deleted ?? false,
    diningOption: { guid: 'dine-in', entityType: 'DiningOption' },
    numberOfGuests: 2,
    approvalStatus: 'APPROVED',
    checks: o.checks.map((c, i) => {
      const amount = c.selections.reduce((s, x) => s + x.price, 0);
      return {
        guid: c.guid,
        entityType: 'Check',
        displayNumber: String(101 + i),
        voided: c.voided ?? false,
        deleted: c.deleted ?? false,
        paymentStatus: 'CLOSED',
        amount,
        taxAmount: Math.round(amount * 8.25) / 100,
        totalAmount: Math.round(amount * 108.25) / 100,
        payments: [],
        appliedDiscounts: [],
        openedDate: '2026-12-05T21:29:00.000+0000',
        selections: c.selections.map((s) => selection(s)),
      };
    }),
  };
}

/** A webhook message of the orders webhook, as Toast posts it: its eventCategory is its eventType (order_updated), devOrdersWebhookRef.html. */
export function toastMessage(eventGuid: string, order: unknown, timestamp = new Date().toISOString(), eventType = 'order_updated') {
  return { timestamp, eventCategory: eventType, eventType, guid: eventGuid, details: { restaurantGuid: RESTAURANT, order } };
}
