import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Square's Orders API (GET /v2/orders/{id}), answering with example
 * orders written for the tests in Square's documented shape. It checks the bearer token and
 * the Square-Version header as Square does, and can be told to be down.
 */
export class FakeSquare {
  readonly orders = new Map<string, unknown>();
  readonly requests: { path: string; authorization?: string | undefined; version?: string | undefined }[] = [];
  /** answers this many requests with 503 before answering again */
  downFor = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly token: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        version: req.headers['square-version'] as string | undefined,
      });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (this.downFor > 0) {
        this.downFor--;
        return json(503, { errors: [{ category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE' }] });
      }
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return json(401, { errors: [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' }] });
      const m = /^\/v2\/orders\/([^/?]+)$/.exec(req.url ?? '');
      const order = m ? this.orders.get(decodeURIComponent(m[1]!)) : undefined;
      if (!order) return json(404, { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }] });
      json(200, { order });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
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
  lines: { uid: string; sourceUid: string; catalogId: string; name: string; qty: number; cents: number }[];
}) {
  return {
    id: o.id,
    location_id: 'L-ANCHOR',
    created_at: '2026-12-05T22:40:13.000Z',
    updated_at: '2026-12-05T22:46:03.000Z',
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
