/**
 * Tabit (tabit.cloud), the POS of many bars in Israel.
 *
 * ASSUMED, NOT CONFIRMED. Tabit publishes no public developer API: no reference, no webhook
 * documentation, no published rate limits (searched: Tabit's support site lists partner
 * "Integration Guides" that are handed out under partner agreements; third-party code seen
 * calls a Tabit "middleware" host with `integrator-token` and `organization-token` headers for
 * online ordering, not for a sales feed). Everything below about the wire is our assumption of
 * a closed-check sales feed, to be replaced by the shape Tabit gives us as a partner:
 *
 *   - signing: X-Tabit-Signature = base64(HMAC-SHA256(webhook secret, raw body)), no timestamp;
 *   - body: { eventId, eventType: "order.opened" | "order.updated" | "order.closed" | "order.voided",
 *             organizationId, order: { id, lastModified, openedAt, status: "open" | "closed" | "voided",
 *             items: [{ id, offerId, name, quantity, price (the line's total, in shekels),
 *             voided, returnedQuantity, createdAt, modifiers: [{ id, name }] }] } };
 *   - the event carries the whole order; there is no order API to fetch from or back-fill with.
 *
 * Searched again for a Tabit feed (vendor docs, public code, integration pages): none. Tabit's
 * public hosts seen in code (tgm-api.tabit.cloud, ros-rp.tabit.cloud) serve reservations, loyalty
 * and its own reporting, and a hotel PMS's Tabit page says "There are no webhooks in use" there.
 * So nothing below is confirmed: not the header, not what is signed, not the money unit (shekels
 * as a decimal is a guess; agorot as integers is as likely), not the field names.
 *
 * Until Tabit confirms it, a Tabit venue is fed by the CSV import of its sales export (a
 * connection of provider csv, with the venue's column mapping); once confirmed only the field
 * names here change: the rest of the path (ledger, recipes, unmapped queue) is every POS's.
 */
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import type { PosSecrets } from '../secrets.js';
import { checkSignature, headerValue, hmacBase64, webhookKey } from './signing.js';
import type { PosAdapter, PosOrder, WebhookEvent, WebhookRequest } from './types.js';

export const TABIT_SIGNATURE_HEADER = 'X-Tabit-Signature';

export function tabitSignature(secret: string, rawBody: Buffer): string {
  return hmacBase64(secret, rawBody);
}

const item = z.object({
  id: z.string().min(1),
  offerId: z.string().optional(),
  name: z.string().default(''),
  quantity: z.number().min(0).default(1),
  price: z.number().default(0),
  voided: z.boolean().default(false),
  returnedQuantity: z.number().min(0).default(0),
  createdAt: z.string().optional(),
  modifiers: z.array(z.object({ id: z.string().optional(), name: z.string().default('') })).default([]),
});
const order = z.object({
  id: z.string().min(1),
  lastModified: z.string().optional(),
  openedAt: z.string().optional(),
  status: z.string().default('open'),
  items: z.array(item).default([]),
});
const event = z.object({ eventId: z.string().min(1), eventType: z.string().min(1), organizationId: z.string().optional(), order });

const time = (s: string | undefined) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined);

/** The assumed Tabit order in PosOrder's words: returns netted off their items, a voided order cancelled whole. */
export function tabitOrder(raw: unknown): PosOrder {
  const parsed = order.parse(raw);
  return {
    orderId: parsed.id,
    version: time(parsed.lastModified)?.getTime() ?? 0,
    canceled: parsed.status === 'voided',
    at: time(parsed.openedAt) ?? time(parsed.lastModified) ?? new Date(),
    lines: parsed.items.map((i) => {
      const kept = i.voided ? 0 : Math.max(0, i.quantity - i.returnedQuantity);
      return {
        uid: i.id,
        menuKey: i.offerId ?? (i.name || i.id),
        menuName: i.name,
        modifiers: i.modifiers.map((m) => ({ key: m.id ?? (m.name || 'modifier'), name: m.name })),
        quantity: kept,
        revenueCents: i.quantity > 0 ? Math.round((i.price * 100 * kept) / i.quantity) : 0,
        soldAt: time(i.createdAt),
      };
    }),
  };
}

export class TabitAdapter implements PosAdapter {
  readonly provider = 'tabit' as const;
  readonly requires = { secrets: ['webhookSignatureKey' as const] };

  verifyWebhook(req: WebhookRequest, secrets: PosSecrets): void {
    const key = webhookKey(secrets.webhookSignatureKey);
    checkSignature(headerValue(req.headers, TABIT_SIGNATURE_HEADER), tabitSignature(key, req.rawBody), TABIT_SIGNATURE_HEADER);
  }

  readEvent(body: unknown): WebhookEvent {
    const e = event.safeParse(body);
    if (!e.success) throw badRequest(`not a Tabit sales event: ${e.error.issues[0]?.path.join('.') || 'body'}`, 'body');
    return {
      eventId: e.data.eventId,
      type: e.data.eventType,
      providerLocationId: e.data.organizationId ?? null,
      orderIds: [],
      orders: [tabitOrder(e.data.order)],
    };
  }
}
