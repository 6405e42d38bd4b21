import type { PosProvider } from '@smartstock/api';
import type { PosSecrets } from '../secrets.js';

/** One line of a sale as every adapter hands it over: the POS's words, not ours yet. */
export interface PosLine {
  /** stable for this line across every update of its order (Square: the line item uid) */
  uid: string;
  /** the POS's id of the menu item (Square: catalog object id), or its name where it has none */
  menuKey: string;
  menuName: string;
  modifiers: { key: string; name: string }[];
  /** sold, net of returns; 0 once voided */
  quantity: number;
  revenueCents: number;
  /** when the line itself was sold, where it differs from its order (a CSV row) */
  soldAt?: Date | undefined;
}

export interface PosOrder {
  orderId: string;
  /** rises with every change of the order; an older version arriving late changes nothing */
  version: number;
  /** voided as a whole: every line is reversed */
  canceled: boolean;
  at: Date;
  lines: PosLine[];
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** the URL the POS posted to, as its subscription names it (public base URL + path) */
  notificationUrl: string;
}

export interface WebhookEvent {
  eventId: string;
  type: string;
  /** the POS location the event is for, where it says */
  providerLocationId: string | null;
  /** orders to (re)fetch and apply; empty for an event of no interest */
  orderIds: string[];
}

export interface AdapterContext {
  secrets: PosSecrets;
  signal?: AbortSignal | undefined;
}

/**
 * What a POS needs to feed sales in. Square implements it today; Toast (Toast-Signature over
 * body and timestamp, checks → selections) and Tabit slot in beside it, and the CSV import
 * produces the same PosOrder without a webhook.
 */
export interface PosAdapter {
  readonly provider: PosProvider;
  /** throws AppError 401 when the request is not signed by the POS with this connection's key */
  verifyWebhook(req: WebhookRequest, secrets: PosSecrets): void;
  /** the event in the POS's JSON, reduced to what we act on; throws 400 on a body it cannot read */
  readEvent(body: unknown): WebhookEvent;
  /** the order as it stands now, from the POS's API */
  fetchOrder(orderId: string, ctx: AdapterContext): Promise<PosOrder>;
}
