import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Square's Orders API (GET /v2/orders/{id} and SearchOrders, POST
 * /v2/orders/search), answering with example orders written for the tests in Square's documented
 * shape. It checks the bearer token and the Square-Version header as Square does, and can be told
 * to be down. The search holds Square's documented rules (see searchOrders below).
 */
export class FakeSquare {
  readonly orders = new Map<string, unknown>();
  readonly requests: { path: string; authorization?: string | undefined; version?: string | undefined; body?: any }[] = [];
  /** answers this many requests with downStatus (503: down; 429: rate limited) before answering again */
  downFor = 0;
  downStatus = 503;
  /** the most orders a search page holds here, whatever the limit asked ("fewer results than the specified limit" is allowed) */
  pageSize = 1000;
  private server: Server | undefined;
  private readonly cursors = new Map<string, { query: string; offset: number }>();
  url = '';

  constructor(private readonly token: string) {}

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      this.requests.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        version: req.headers['square-version'] as string | undefined,
        ...(text ? { body: JSON.parse(text) } : {}),
      });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (this.downFor > 0) {
        this.downFor--;
        const limited = this.downStatus === 429;
        return json(this.downStatus, {
          errors: [{ category: limited ? 'RATE_LIMIT_ERROR' : 'API_ERROR', code: limited ? 'RATE_LIMITED' : 'SERVICE_UNAVAILABLE' }],
        });
      }
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return json(401, {
          errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail: 'This request could not be authorized.' }],
        });
      if (req.method === 'POST' && req.url === '/v2/orders/search') {
        const answer = this.searchOrders(JSON.parse(text || '{}'));
        return 'error' in answer ? json(400, { errors: [{ category: 'INVALID_REQUEST_ERROR', ...answer.error }] }) : json(200, answer);
      }
      const m = /^\/v2\/orders\/([^/?]+)$/.exec(req.url ?? '');
      const order = m ? this.orders.get(decodeURIComponent(m[1]!)) : undefined;
      if (!order) return json(404, { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }] });
      json(200, { order });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /**
   * SearchOrders as Square documents it (https://developer.squareup.com/reference/square/orders-api/search-orders):
   * location_ids 1 to 10, limit at most 1000 (default 500); a closed_at range needs sort_field CLOSED_AT,
   * and CLOSED_AT needs a state filter of closed states; the range includes both ends; whole orders in
   * `orders` (absent when none), OrderEntries only with return_entries; a cursor continues the same query.
   */
  private searchOrders(
    body: any,
  ): { orders?: unknown[]; order_entries?: unknown[]; cursor?: string } | { error: { code: string; detail: string } } {
    const bad = (detail: string) => ({ error: { code: 'INVALID_VALUE', detail } });
    const locations: unknown = body.location_ids;
    if (!Array.isArray(locations) || locations.length < 1 || locations.length > 10) return bad('location_ids: 1 to 10 location ids');
    const limit = body.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return bad('limit must be from 1 to 1000');
    const query = body.query ?? {};
    let offset = 0;
    if (body.cursor !== undefined) {
      const held = this.cursors.get(body.cursor);
      if (!held) return bad('cursor is not valid');
      if (held.query !== JSON.stringify(query)) return bad('the query must be the one the cursor was issued for');
      offset = held.offset;
    }
    const range = query.filter?.date_time_filter?.closed_at;
    const states: string[] | undefined = query.filter?.state_filter?.states;
    const sortField = query.sort?.sort_field ?? 'CREATED_AT';
    if (range && sortField !== 'CLOSED_AT') return bad('sort_field must be CLOSED_AT when the date_time_filter filters closed_at');
    if (sortField === 'CLOSED_AT' && !states?.every((state) => state === 'COMPLETED' || state === 'CANCELED'))
      return bad('sorting by CLOSED_AT needs a state_filter of closed states');
    const closed = (o: any) => Date.parse(o.closed_at ?? '');
    const matching = [...this.orders.values()]
      .map((o) => o as any)
      .filter((o) => locations.includes(o.location_id))
      .filter((o) => !states || states.includes(o.state))
      .filter((o) => !range?.start_at || closed(o) >= Date.parse(range.start_at))
      .filter((o) => !range?.end_at || closed(o) <= Date.parse(range.end_at))
      .sort((a, b) => (query.sort?.sort_order === 'ASC' ? 1 : -1) * (closed(a) - closed(b)));
    const page = matching.slice(offset, offset + Math.min(limit, this.pageSize));
    const answer: { orders?: unknown[]; order_entries?: unknown[]; cursor?: string } = {};
    if (page.length && body.return_entries)
      answer.order_entries = page.map((o) => ({ order_id: o.id, version: o.version, location_id: o.location_id }));
    else if (page.length) answer.orders = page;
    if (offset + page.length < matching.length) {
      answer.cursor = `cursor-${this.cursors.size + 1}`;
      this.cursors.set(answer.cursor, { query: JSON.stringify(query), offset: offset + page.length });
    }
    return answer;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** An order as Square's Orders API returns it (trimmed to the fields a bar's order carries). */
export function squareOrder(o: {
  id: string;
  version: number;
  state?: 'OPEN' | 'COMPLETED' | 'CANCELED';
  /** when it was paid and closed (a COMPLETED order has one), RFC 3339 */
  closedAt?: string;
  lines: { uid: string; catalogId: string; name: string; qty: number; cents: number; modifiers?: { id: string; name: string }[] }[];
  returns?: { uid: string; qty: number; cents: number }[];
}) {
  return {
    id: o.id,
    location_id: 'L-ANCHOR',
    version: o.version,
    state: o.state ?? 'COMPLETED',
    created_at: '2026-12-05T21:30:00.000Z',
    updated_at: '2026-12-05T21:31:00.000Z',
    ...(o.closedAt ? { closed_at: o.closedAt } : {}),
    line_items: o.lines.map((l) => ({
      uid: l.uid,
      catalog_object_id: l.catalogId,
      catalog_version: 1733427000000,
      name: l.name,
      variation_name: 'Regular',
      quantity: String(l.qty),
      item_type: 'ITEM',
      base_price_money: { amount: l.cents / l.qty, currency: 'USD' },
      modifiers: (l.modifiers ?? []).map((m, i) => ({
        uid: `${l.uid}-m${i}`,
        catalog_object_id: m.id,
        name: m.name,
        base_price_money: { amount: 0, currency: 'USD' },
      })),
      total_money: { amount: l.cents, currency: 'USD' },
    })),
    returns: (o.returns ?? []).length
      ? [
          {
            uid: `${o.id}-return`,
            source_order_id: o.id,
            return_line_items: o.returns!.map((r) => ({
              uid: `${r.uid}-ret`,
              source_line_item_uid: r.uid,
              quantity: String(r.qty),
              total_money: { amount: r.cents, currency: 'USD' },
            })),
          },
        ]
      : undefined,
    total_money: { amount: o.lines.reduce((s, l) => s + l.cents, 0), currency: 'USD' },
  };
}

/** A webhook notification as Square posts it: only ids, the order is fetched. */
export function squareEvent(eventId: string, type: string, orderId: string, version: number) {
  const kind = type.split('.')[0]!;
  const inner =
    kind === 'order'
      ? { [type.replace('.', '_')]: { order_id: orderId, version, state: 'OPEN', location_id: 'L-ANCHOR' } }
      : { [kind]: { id: `${kind}-${eventId}`, order_id: orderId, location_id: 'L-ANCHOR', status: 'COMPLETED' } };
  return {
    merchant_id: 'MLANCHOR',
    type,
    event_id: eventId,
    created_at: '2026-12-05T21:31:00.000Z',
    data: { type: kind, id: kind === 'order' ? orderId : `${kind}-${eventId}`, object: inner },
  };
}

/**
 * For the benches: a new order of these lines at the fake, and its order.created notification with
 * the headers Square sends (signature over the notification URL and the body). The tests compute
 * their signatures on their own.
 */
export function orderCreated(
  square: FakeSquare,
  o: { id: string; lines: Parameters<typeof squareOrder>[0]['lines']; signatureKey: string; webhookUrl: string },
): { body: string; headers: Record<string, string> } {
  square.orders.set(o.id, squareOrder({ id: o.id, version: 1, lines: o.lines }));
  const body = JSON.stringify(squareEvent(`evt-${o.id}`, 'order.created', o.id, 1));
  const signature = createHmac('sha256', o.signatureKey)
    .update(o.webhookUrl + body)
    .digest('base64');
  return { body, headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature } };
}

/**
 * A return order as Square makes one for an itemized refund: an order of its own whose returns name
 * the sale (source_order_id) and each sold line (source_line_item_uid); the sale keeps its line items.
 * Shape from https://developer.squareup.com/docs/orders-api/order-returns-exchanges and a return order
 * Square's staff posted in full (https://developer.squareup.com/forums/t/comprehensive-order-view-via-api-order-refunds-returns-quantities-left-etc/14485).
 */
export function squareReturnOrder(o: {
  id: string;
  sourceOrderId: string;
  closedAt?: string;
  lines: { uid: string; sourceUid: string; catalogId: string; name: string; qty: number; cents: number }[];
}) {
  return {
    id: o.id,
    location_id: 'L-ANCHOR',
    created_at: '2026-12-05T22:40:13.000Z',
    updated_at: '2026-12-05T22:46:03.000Z',
    ...(o.closedAt ? { closed_at: o.closedAt } : {}),
    state: 'COMPLETED',
    total_money: { amount: 0, currency: 'USD' },
    returns: [
      {
        source_order_id: o.sourceOrderId,
        return_line_items: o.lines.map((l) => ({
          uid: l.uid,
          source_line_item_uid: l.sourceUid,
          name: l.name,
          quantity: String(l.qty),
          catalog_object_id: l.catalogId,
          catalog_version: 1733427000000,
          variation_name: 'Regular',
          item_type: 'ITEM',
          base_price_money: { amount: l.cents / l.qty, currency: 'USD' },
          gross_return_money: { amount: l.cents, currency: 'USD' },
          total_money: { amount: l.cents, currency: 'USD' },
        })),
      },
    ],
    return_amounts: { total_money: { amount: o.lines.reduce((s, l) => s + l.cents, 0), currency: 'USD' } },
  };
}
