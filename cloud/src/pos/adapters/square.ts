import { z } from 'zod';
import { badRequest } from '../../errors.js';
import type { AdapterContext, PosAdapter, PosLine, PosOrder, PulledDay, WebhookEvent, WebhookRequest } from './types.js';
import { readPulled } from './pulled-day.js';
import type { PosSecrets } from '../secrets.js';
import { checkSignature, headerValue, hmacBase64, webhookKey } from './signing.js';
import { localDayBounds } from '../wall-clock.js';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** Square's documented scheme: base64(HMAC-SHA256(signature key, notification URL + raw body)). */
export function squareSignature(key: string, notificationUrl: string, rawBody: Buffer): string {
  return hmacBase64(key, notificationUrl, rawBody);
}

const money = z.object({ amount: z.number().int().optional() }).partial().optional();
/** Square sends quantities as decimal strings ("1", "1.5"); anything else is refused, naming the field. */
const quantity = z.string().regex(/^\d+(\.\d+)?$/, 'expected a decimal quantity such as "1" or "1.5"');
const modifier = z.object({
  uid: z.string().optional(),
  catalog_object_id: z.string().optional(),
  name: z.string().default(''),
  // per unit of its line: "0" when the buyer wants none, "2" for extra (absent on older orders: 1)
  quantity: quantity.optional(),
});
const lineItem = z.object({
  uid: z.string(),
  catalog_object_id: z.string().optional(),
  name: z.string().default(''),
  variation_name: z.string().optional(),
  quantity,
  modifiers: z.array(modifier).optional(),
  total_money: money,
});
const returnLineItem = z.object({
  uid: z.string().optional(),
  source_line_item_uid: z.string().optional(),
  catalog_object_id: z.string().optional(),
  name: z.string().default(''),
  variation_name: z.string().optional(),
  item_type: z.string().optional(),
  quantity,
  return_modifiers: z.array(modifier).optional(),
  total_money: money,
});
const order = z.object({
  id: z.string(),
  // absent on orders not created through the Orders API (a Square POS sale): updated_at stands in
  version: z.number().int().optional(),
  state: z.string().default('OPEN'),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  line_items: z.array(lineItem).default([]),
  returns: z
    .array(
      z.object({
        source_order_id: z.string().optional(),
        return_line_items: z.array(returnLineItem).default([]),
      }),
    )
    .default([]),
});
const event = z.object({
  event_id: z.string().min(1),
  type: z.string(),
  data: z
    .object({
      id: z.string().optional(),
      object: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
/** SearchOrders: a page of at most 1000 (default 500); Square's staff say a page holds 500 at most in practice */
const SEARCH_LIMIT = 500;
/** a bar's day is hundreds of orders: this bounds a cursor that never ends, at 100 000 orders */
const MAX_SEARCH_PAGES = 200;
const searchAnswer = z.object({ orders: z.array(z.unknown()).optional(), cursor: z.string().optional() });
const squareErrors = z.object({ errors: z.array(z.object({ code: z.string().optional(), detail: z.string().optional() })).optional() });
const ORDER_EVENTS = new Set(['order.created', 'order.updated', 'payment.created', 'payment.updated', 'refund.created', 'refund.updated']);

const menuName = (l: { name: string; variation_name?: string | undefined }) =>
  l.variation_name ? `${l.name} (${l.variation_name})` : l.name;
/**
 * A modifier's quantity is per unit of its line (OrderLineItemModifier.quantity,
 * https://developer.squareup.com/reference/square/objects/OrderLineItemModifier): 0 is none of it,
 * 2 is extra. A recipe applies a modifier once each time it is named, so it is named that many times.
 */
const modifiersOf = (mods: z.infer<typeof modifier>[] | undefined) =>
  (mods ?? []).flatMap((m) =>
    Array.from({ length: Math.round(Number(m.quantity ?? '1')) }, () => ({ key: m.catalog_object_id ?? m.name, name: m.name })),
  );

/**
 * Square's order, in PosOrder's words; a CANCELED order is voided whole.
 *
 * A return is its own order in Square: an itemized or custom refund creates a return order whose
 * `returns[].source_order_id` names the sale and whose `return_line_items[].source_line_item_uid`
 * names the sold line (https://developer.squareup.com/docs/orders-api/order-returns-exchanges);
 * the sale itself keeps its line items. So a returned line is a line of the return order with a
 * negative quantity and revenue, which reverses what its sale poured; the sale, fetched again,
 * changes nothing. A return naming this very order (none seen from Square, kept for safety) is
 * netted off the line it names, as before.
 */
export function squareOrder(raw: unknown): PosOrder {
  const parsed = order.parse(raw);
  const returned = new Map<string, { qty: number; cents: number }>();
  const returnLines: PosLine[] = [];
  for (const ret of parsed.returns)
    for (const [i, l] of ret.return_line_items.entries()) {
      // a custom amount refunded is money, not a drink: nothing was returned to the bar
      if (l.item_type === 'CUSTOM_AMOUNT') continue;
      const qty = Number(l.quantity);
      const cents = l.total_money?.amount ?? 0;
      if (ret.source_order_id === parsed.id && l.source_line_item_uid) {
        const prev = returned.get(l.source_line_item_uid) ?? { qty: 0, cents: 0 };
        returned.set(l.source_line_item_uid, { qty: prev.qty + qty, cents: prev.cents + cents });
        continue;
      }
      // Square's uids are unique within their order only: the return order's id keeps this one apart
      returnLines.push({
        uid: `${parsed.id}:${l.uid ?? `return-${i}`}`,
        menuKey: l.catalog_object_id ?? (l.name || 'Custom Amount'),
        menuName: menuName(l) || 'Custom Amount',
        modifiers: modifiersOf(l.return_modifiers),
        quantity: -qty,
        revenueCents: -cents,
      });
    }
  const lines: PosLine[] = parsed.line_items.map((li) => {
    const back = returned.get(li.uid) ?? { qty: 0, cents: 0 };
    return {
      uid: li.uid,
      // a non-itemized sale (item_type CUSTOM_AMOUNT) may carry neither a catalog id nor a name: kept, under one key
      menuKey: li.catalog_object_id ?? (li.name || 'Custom Amount'),
      menuName: menuName(li) || 'Custom Amount',
      modifiers: modifiersOf(li.modifiers),
      quantity: Math.max(0, Number(li.quantity) - back.qty),
      revenueCents: Math.max(0, (li.total_money?.amount ?? 0) - back.cents),
    };
  });
  const updated = parsed.updated_at ? Date.parse(parsed.updated_at) : NaN;
  // "Draft orders can be updated, but cannot be paid or fulfilled" (OrderState, https://developer.squareup.com/reference/square/objects/OrderState):
  // nothing is poured until it is OPEN
  if (parsed.state === 'DRAFT') for (const line of lines) [line.quantity, line.revenueCents] = [0, 0];
  return {
    orderId: parsed.id,
    // a POS sale has no version: its updated_at orders what two fetches of it answered
    version: parsed.version ?? (Number.isNaN(updated) ? 0 : updated),
    canceled: parsed.state === 'CANCELED',
    at: new Date(parsed.created_at ?? parsed.updated_at ?? Date.now()),
    lines: [...lines, ...returnLines],
  };
}

export class SquareAdapter implements PosAdapter {
  readonly provider = 'square' as const;
  readonly requires = { secrets: ['accessToken' as const, 'webhookSignatureKey' as const] };
  constructor(private readonly api: { baseUrl: string; version: string }) {}

  verifyWebhook(req: WebhookRequest, secrets: PosSecrets): void {
    const key = webhookKey(secrets.webhookSignatureKey);
    checkSignature(headerValue(req.headers, SIGNATURE_HEADER), squareSignature(key, req.notificationUrl, req.rawBody), SIGNATURE_HEADER);
  }

  readEvent(body: unknown): WebhookEvent {
    const e = event.safeParse(body);
    if (!e.success) throw badRequest(`not a Square event: ${e.error.issues[0]?.path.join('.') || 'body'}`, 'body');
    const obj = e.data.data?.object ?? {};
    const inner = Object.values(obj)[0] as Record<string, unknown> | undefined;
    const orderId =
      str(inner?.['order_id']) ?? (e.data.type.startsWith('order.') ? (e.data.data?.id ?? undefined) : undefined) ?? undefined;
    return {
      eventId: e.data.event_id,
      type: e.data.type,
      providerLocationId: str(inner?.['location_id']) ?? null,
      orderIds: ORDER_EVENTS.has(e.data.type) && orderId ? [orderId] : [],
      orders: [],
    };
  }

  /** GET /v2/orders/{id} (Square's documented Orders API), Bearer token and Square-Version. */
  async fetchOrder(orderId: string, ctx: AdapterContext): Promise<PosOrder> {
    const res = await this.call(`/v2/orders/${encodeURIComponent(orderId)}`, ctx, AbortSignal.timeout(10_000));
    if (!res.ok) throw new Error(`Square Orders API answered ${res.status} for order ${orderId}`);
    const body = (await res.json()) as { order?: unknown };
    return squareOrder(body.order);
  }

  /**
   * Every order closed on the venue's local day, by SearchOrders (POST /v2/orders/search,
   * https://developer.squareup.com/reference/square/orders-api/search-orders), each read by
   * squareOrder as a fetched one is: a return order (a refund) is an order of its own, closed when
   * refunded, so it comes back here too. What Square documents and this relies on:
   * - the date_time_filter's time range is inclusive at both ends (reference/square/objects/
   *   SearchOrdersDateTimeFilter), so
   *   the day ends at its last millisecond, not at the next midnight, which belongs to the next day;
   * - filtering by closed_at requires sort_field CLOSED_AT (SearchOrdersSort: "sort_field must match
   *   the timestamp field that the DateTimeFilter uses", objects/SearchOrdersSort), and sorting by
   *   CLOSED_AT requires a state_filter of closed states (objects/SearchOrdersSortField; also
   *   docs/orders-api/manage-orders/search-orders): COMPLETED, and CANCELED, closed when cancelled, so a
   *   tab poured while OPEN and then cancelled, whose cancelling webhook was lost, is voided here too;
   * - full orders come in `orders` unless return_entries is true; `orders` is absent when none match;
   *   `cursor` is absent on the last page, and a cursor is sent with the original query unchanged;
   * - limit: default 500, at most 1000 (developer.squareup.com/explorer/square/orders-api/SearchOrders),
   *   and a page may hold fewer than asked.
   * A 429 or 5xx fails the pull, which the job queue retries with backoff as it does Toast's.
   */
  async fetchDay(businessDate: string, ctx: AdapterContext): Promise<PulledDay> {
    const day = `${businessDate.slice(0, 4)}-${businessDate.slice(4, 6)}-${businessDate.slice(6, 8)}`;
    const who = `Square connection ${ctx.connectionId ?? '(unnamed)'}, day ${day}`;
    if (!ctx.providerLocationId)
      throw new Error(`${who}: no Square location id (providerLocationId), which SearchOrders needs to search a day`);
    if (!ctx.timeZone) throw new Error(`${who}: the venue's time zone was not given, so the day has no bounds`);
    if (!ctx.secrets.accessToken) throw new Error(`${who}: no access token (credentials.accessToken)`);
    const { start, last } = localDayBounds(day, ctx.timeZone);
    const query = {
      filter: {
        date_time_filter: { closed_at: { start_at: start.toISOString(), end_at: last.toISOString() } },
        state_filter: { states: ['COMPLETED', 'CANCELED'] },
      },
      sort: { sort_field: 'CLOSED_AT', sort_order: 'ASC' },
    };
    const signal = ctx.signal ?? AbortSignal.timeout(60_000);
    const pulled: PulledDay = { orders: [], unreadable: [] };
    let cursor: string | undefined;
    for (let page = 1; page <= MAX_SEARCH_PAGES; page++) {
      const body = { location_ids: [ctx.providerLocationId], query, limit: SEARCH_LIMIT, ...(cursor ? { cursor } : {}) };
      const res = await this.call('/v2/orders/search', ctx, signal, body);
      if (!res.ok) throw new Error(await searchFailure(res, `${who}, page ${page}`));
      const answer = searchAnswer.safeParse(await res.json());
      if (!answer.success) throw new Error(`${who}, page ${page}: SearchOrders answered without an orders list`);
      for (const raw of answer.data.orders ?? []) readPulled(pulled, raw, squareOrder);
      if (!answer.data.cursor) return pulled;
      cursor = answer.data.cursor;
    }
    throw new Error(`${who}: Square returned more than ${MAX_SEARCH_PAGES} pages of orders`);
  }

  /** One Orders API call: GET, or POST with a JSON body; Bearer token and Square-Version as Square requires. */
  private async call(path: string, ctx: AdapterContext, timeout: AbortSignal, body?: unknown): Promise<Response> {
    if (!ctx.secrets.accessToken) throw new Error('this Square connection has no access token');
    return fetch(`${this.api.baseUrl.replace(/\/$/, '')}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${ctx.secrets.accessToken}`,
        'square-version': this.api.version,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: ctx.signal ?? timeout,
    });
  }
}

/** What a failed search says: a refused token named as the credentials to check, Square's own error code otherwise. */
async function searchFailure(res: Response, where: string): Promise<string> {
  const first = squareErrors.safeParse(await res.json().catch(() => undefined)).data?.errors?.[0];
  const said = first?.code || first?.detail ? ` ${[first.code, first.detail].filter(Boolean).join(': ').slice(0, 200)}` : '';
  if (res.status === 401) return `${where}: Square refused the access token (401${said}); check the connection's credentials.accessToken`;
  if (res.status === 403)
    return `${where}: the access token may not read orders (403${said}); it needs Square's ORDERS_READ permission (credentials.accessToken)`;
  if (res.status === 429 || res.status >= 500) return `${where}: Square Orders API answered ${res.status}${said}; the back-fill is retried`;
  return `${where}: Square SearchOrders answered ${res.status}${said}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
