import { z } from 'zod';
import { badRequest } from '../../errors.js';
import type { AdapterContext, PosAdapter, PosLine, PosOrder, WebhookEvent, WebhookRequest } from './types.js';
import type { PosSecrets } from '../secrets.js';
import { checkSignature, headerValue, hmacBase64, webhookKey } from './signing.js';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** Square's documented scheme: base64(HMAC-SHA256(signature key, notification URL + raw body)). */
export function squareSignature(key: string, notificationUrl: string, rawBody: Buffer): string {
  return hmacBase64(key, notificationUrl, rawBody);
}

const money = z.object({ amount: z.number().int().optional() }).partial().optional();
const modifier = z.object({ uid: z.string().optional(), catalog_object_id: z.string().optional(), name: z.string().default('') });
const lineItem = z.object({
  uid: z.string(),
  catalog_object_id: z.string().optional(),
  name: z.string().default(''),
  variation_name: z.string().optional(),
  quantity: z.string(),
  modifiers: z.array(modifier).optional(),
  total_money: money,
});
const order = z.object({
  id: z.string(),
  version: z.number().int().default(0),
  state: z.string().default('OPEN'),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  line_items: z.array(lineItem).default([]),
  returns: z
    .array(
      z.object({
        return_line_items: z
          .array(z.object({ source_line_item_uid: z.string().optional(), quantity: z.string(), total_money: money }))
          .default([]),
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
const ORDER_EVENTS = new Set(['order.created', 'order.updated', 'payment.created', 'payment.updated', 'refund.created', 'refund.updated']);

/** Square's order, in PosOrder's words: returns netted off their lines, a CANCELED order voided whole. */
export function squareOrder(raw: unknown): PosOrder {
  const parsed = order.parse(raw);
  const returned = new Map<string, { qty: number; cents: number }>();
  for (const refund of parsed.returns)
    for (const l of refund.return_line_items) {
      if (!l.source_line_item_uid) continue;
      const prev = returned.get(l.source_line_item_uid) ?? { qty: 0, cents: 0 };
      returned.set(l.source_line_item_uid, { qty: prev.qty + Number(l.quantity), cents: prev.cents + (l.total_money?.amount ?? 0) });
    }
  const lines: PosLine[] = parsed.line_items.map((li) => {
    const back = returned.get(li.uid) ?? { qty: 0, cents: 0 };
    return {
      uid: li.uid,
      menuKey: li.catalog_object_id ?? li.name,
      menuName: li.variation_name ? `${li.name} (${li.variation_name})` : li.name,
      modifiers: (li.modifiers ?? []).map((m) => ({ key: m.catalog_object_id ?? m.name, name: m.name })),
      quantity: Math.max(0, Number(li.quantity) - back.qty),
      revenueCents: Math.max(0, (li.total_money?.amount ?? 0) - back.cents),
    };
  });
  return {
    orderId: parsed.id,
    version: parsed.version,
    canceled: parsed.state === 'CANCELED',
    at: new Date(parsed.created_at ?? parsed.updated_at ?? Date.now()),
    lines,
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
    if (!ctx.secrets.accessToken) throw new Error('this Square connection has no access token');
    const res = await fetch(`${this.api.baseUrl.replace(/\/$/, '')}/v2/orders/${encodeURIComponent(orderId)}`, {
      headers: {
        authorization: `Bearer ${ctx.secrets.accessToken}`,
        'square-version': this.api.version,
        accept: 'application/json',
      },
      signal: ctx.signal ?? AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Square Orders API answered ${res.status} for order ${orderId}`);
    const body = (await res.json()) as { order?: unknown };
    return squareOrder(body.order);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
