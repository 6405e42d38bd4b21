import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badRequest, unauthorized } from '../../errors.js';
import type { PosSecrets } from '../secrets.js';
import { checkSignature, headerValue, hmacBase64, signatureMatches, webhookKey } from './signing.js';
import { toastOrder } from './toast-order.js';
import type { AdapterContext, PosAdapter, PosOrder, PulledDay, WebhookEvent, WebhookRequest } from './types.js';
import { readPulled } from './pulled-day.js';

export const TOAST_SIGNATURE_HEADER = 'Toast-Signature';
/**
 * NOT A TOAST HEADER: Toast's header list (https://doc.toasttab.com/doc/devguide/apiHttpHeaders.html:
 * Toast-Attempt-Number, Toast-Signature, Toast-Event-Type, Toast-Restaurant-External-ID,
 * Toast-Event-Category) has no timestamp. It is still tried after the message's own timestamp,
 * since a relay in front of us may stamp it; the signature must match either way.
 */
export const TOAST_TIMESTAMP_HEADER = 'Toast-Timestamp';

/**
 * Toast's message signing, as its developer guide documents it ("Message signing",
 * https://doc.toasttab.com/doc/devguide/apiMessageSigning.html): the body and the timestamp
 * of the message concatenated into one string (body first, `String signature = body + timestamp`
 * in Toast's Java sample), HMAC-SHA256 keyed by the webhook subscription's secret (its UTF-8
 * bytes, not decoded), base64, sent in the Toast-Signature header.
 */
export function toastSignature(secret: string, rawBody: Buffer, timestamp: string): string {
  return hmacBase64(secret, rawBody, timestamp);
}

/**
 * The timestamps a message may be signed with, the documented one first. "The timestamp of the
 * message" is the `timestamp` field every message carries (message data schema, apiMessageDataSchema.html;
 * the orders webhook documents it as "The date and time the update event occurred, [...] ISO-8601
 * string in UTC"), taken exactly as written in the body. Toast publishes no signed sample, so which
 * string is concatenated is read from its prose and Java sample, not from a test vector.
 */
function messageTimestamps(req: WebhookRequest): string[] {
  const candidates: string[] = [];
  try {
    const t = (JSON.parse(req.rawBody.toString('utf8')) as { timestamp?: unknown }).timestamp;
    if (typeof t === 'string' && t) candidates.push(t);
  } catch {
    // not JSON: no timestamp of its own (the signature then fails, and the body would be refused anyway)
  }
  const sent = headerValue(req.headers, TOAST_TIMESTAMP_HEADER);
  if (sent && !candidates.includes(sent)) candidates.push(sent);
  return candidates;
}

/** Epoch milliseconds of an ISO 8601 time or of epoch seconds/milliseconds. */
function toastTime(v: string): number | undefined {
  if (/^\d{1,16}$/.test(v)) return Number(v) >= 1e12 ? Number(v) : Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

const event = z.object({
  guid: z.string().min(1),
  eventType: z.string().min(1),
  details: z.object({ restaurantGuid: z.string().optional(), order: z.unknown().optional() }).passthrough().optional(),
});
const ORDER_EVENTS = new Set(['order_updated', 'channel_order_updated']);
const loginAnswer = z.object({ token: z.object({ accessToken: z.string().min(1), expiresIn: z.number().positive().default(3600) }) });
const PAGE_SIZE = 100; // the most ordersBulk returns a page
const MAX_PAGES = 500;

export interface ToastOptions {
  /** the Toast API host a connection's client is issued for (Toast gives it when access is granted) */
  baseUrl: string;
  /** how far a message's timestamp may be from now before it is refused as stale */
  toleranceSeconds: number;
  /** the HTTP client; a test hands in one aimed at its own server */
  http?: typeof fetch;
  now?: () => number;
}

/**
 * Toast: signed order_updated webhooks that carry the whole order (nothing to fetch), the
 * orders API for one order or a business day's (a back-fill), behind an OAuth 2
 * client-credentials token from Toast's authentication API.
 */
export class ToastAdapter implements PosAdapter {
  readonly provider = 'toast' as const;
  readonly requires = {
    secrets: ['clientId' as const, 'clientSecret' as const, 'webhookSignatureKey' as const],
    providerLocationId: "the restaurant's GUID: Toast scopes every API call by it (Toast-Restaurant-External-ID)",
  };
  private readonly http: typeof fetch;
  private readonly now: () => number;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly options: ToastOptions) {
    this.http = options.http ?? fetch;
    this.now = options.now ?? Date.now;
  }

  verifyWebhook(req: WebhookRequest, secrets: PosSecrets): void {
    const key = webhookKey(secrets.webhookSignatureKey);
    const given = headerValue(req.headers, TOAST_SIGNATURE_HEADER);
    if (!given) throw unauthorized(`missing ${TOAST_SIGNATURE_HEADER} header`);
    const candidates = messageTimestamps(req);
    if (!candidates.length) throw unauthorized('the message has no timestamp field to check its Toast-Signature with');
    // each candidate is a full HMAC check: the secret is needed whichever timestamp matches
    const ts = candidates.find((t) => signatureMatches(given, toastSignature(key, req.rawBody, t))) ?? candidates[0]!;
    checkSignature(given, toastSignature(key, req.rawBody, ts), TOAST_SIGNATURE_HEADER);
    const at = toastTime(ts);
    if (at === undefined) throw unauthorized(`the message timestamp "${ts.slice(0, 40)}" is not a time`);
    const off = Math.abs(this.now() - at) / 1000;
    if (off > this.options.toleranceSeconds)
      throw unauthorized(`stale message timestamp: ${Math.round(off)} s from now, more than ${this.options.toleranceSeconds} s`);
  }

  readEvent(body: unknown): WebhookEvent {
    const e = event.safeParse(body);
    if (!e.success) throw badRequest(`not a Toast webhook message: ${e.error.issues[0]?.path.join('.') || 'body'}`, 'body');
    const carried = ORDER_EVENTS.has(e.data.eventType) ? e.data.details?.order : undefined;
    let orders: PosOrder[] = [];
    if (carried !== undefined) {
      try {
        orders = [toastOrder(carried)];
      } catch (err) {
        const issue = err instanceof z.ZodError ? err.issues[0]?.path.join('.') : undefined;
        throw badRequest(`the order in this Toast message cannot be read${issue ? `: details.order.${issue}` : ''}`, 'body');
      }
    }
    return {
      eventId: e.data.guid,
      type: e.data.eventType,
      providerLocationId: e.data.details?.restaurantGuid ?? null,
      orderIds: [],
      orders,
    };
  }

  /** GET /orders/v2/orders/{guid} (Toast's orders API, ordersGuidGet). */
  async fetchOrder(orderId: string, ctx: AdapterContext): Promise<PosOrder> {
    const res = await this.get(`/orders/v2/orders/${encodeURIComponent(orderId)}`, ctx);
    if (!res.ok) throw new Error(`Toast orders API answered ${res.status} for order ${orderId}`);
    return toastOrder(await res.json());
  }

  /** GET /orders/v2/ordersBulk?businessDate= page by page (ordersBulkGet: pageSize at most 100, page from 1). */
  async fetchDay(businessDate: string, ctx: AdapterContext): Promise<PulledDay> {
    const day: PulledDay = { orders: [], unreadable: [] };
    for (let page = 1; page <= MAX_PAGES; page++) {
      const q = new URLSearchParams({ businessDate, pageSize: String(PAGE_SIZE), page: String(page) });
      const res = await this.get(`/orders/v2/ordersBulk?${q}`, ctx);
      if (!res.ok) throw new Error(`Toast orders API answered ${res.status} for business date ${businessDate}, page ${page}`);
      const batch = z.array(z.unknown()).parse(await res.json());
      for (const rawOrder of batch) readPulled(day, rawOrder, toastOrder);
      if (batch.length < PAGE_SIZE) return day;
    }
    throw new Error(`Toast returned more than ${MAX_PAGES} pages of orders for ${businessDate}`);
  }

  /** A GET scoped to the connection's restaurant; a token Toast no longer accepts is renewed once. */
  private async get(path: string, ctx: AdapterContext): Promise<Response> {
    if (!ctx.providerLocationId) throw new Error('this Toast connection has no restaurant GUID (providerLocationId)');
    const signal = ctx.signal ?? AbortSignal.timeout(30_000);
    for (const renew of [false, true]) {
      const token = await this.token(ctx.secrets, signal, renew);
      const res = await this.http(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
        headers: { authorization: `Bearer ${token}`, 'toast-restaurant-external-id': ctx.providerLocationId, accept: 'application/json' },
        signal,
      });
      if (res.status !== 401 || renew) return res;
      await res.body?.cancel();
    }
    throw new Error('unreachable');
  }

  /** POST /authentication/v1/authentication/login (client credentials, TOAST_MACHINE_CLIENT); kept until a minute before it expires. */
  private async token(s: PosSecrets, signal: AbortSignal, renew: boolean): Promise<string> {
    if (!s.clientId || !s.clientSecret) throw new Error('this Toast connection has no API client id and secret');
    const key = createHash('sha256').update(`${s.clientId}\u0000${s.clientSecret}`).digest('base64url');
    const held = this.tokens.get(key);
    if (held && !renew && held.expiresAt > this.now() + 60_000) return held.token;
    const res = await this.http(`${this.options.baseUrl.replace(/\/$/, '')}/authentication/v1/authentication/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: s.clientId, clientSecret: s.clientSecret, userAccessType: 'TOAST_MACHINE_CLIENT' }),
      signal,
    });
    if (!res.ok) throw new Error(`Toast authentication answered ${res.status}: check the connection's client id and secret`);
    const answer = loginAnswer.safeParse(await res.json());
    if (!answer.success) throw new Error('Toast authentication answered without a token');
    this.tokens.set(key, { token: answer.data.token.accessToken, expiresAt: this.now() + answer.data.token.expiresIn * 1000 });
    return answer.data.token.accessToken;
  }
}
