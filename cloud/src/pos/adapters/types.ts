import type { PosProvider } from '@smartstock/api';
import type { PosSecrets } from '../secrets.js';

/** One line of a sale as every adapter hands it over: the POS's words, not ours yet. */
export interface PosLine {
  /** stable for this line across every update of its order (Square: the line item uid; Toast: the selection GUID) */
  uid: string;
  /** the POS's id of the menu item (Square: catalog object id; Toast: menu item GUID), or its name where it has none */
  menuKey: string;
  menuName: string;
  modifiers: { key: string; name: string }[];
  /** sold, net of returns; 0 once voided */
  quantity: number;
  revenueCents: number;
  /** when the line itself was sold, where it differs from its order (a CSV row, a drink added to an open tab) */
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
  /** orders the event names by id only: fetched from the POS's API, then applied */
  orderIds: string[];
  /** orders the event carries whole (Toast, Tabit): applied as they are, nothing fetched */
  orders: PosOrder[];
}

export interface AdapterContext {
  secrets: PosSecrets;
  /** the POS's id of the venue (Toast: the restaurant GUID every API call is scoped by) */
  providerLocationId: string | null;
  /** the connection the call is for: a back-fill's errors name it (the queue's own line names only the job) */
  connectionId?: string | undefined;
  /** the venue's IANA time zone, given to a day's pull: a POS that searches by instants (Square) bounds the day by it */
  timeZone?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What a connection to this POS must be given; checked when it is created, each missing one named. */
export interface AdapterRequirements {
  secrets: (keyof PosSecrets)[];
  /** why the POS's location id is needed, where it is */
  providerLocationId?: string | undefined;
}

/**
 * What a POS needs to feed sales in. Square, Toast and Tabit implement it; the CSV import
 * produces the same PosOrder without a webhook. Everything after an adapter (the fetch job,
 * the ledger, recipes, the unmapped queue) is shared.
 */
export interface PosAdapter {
  readonly provider: PosProvider;
  readonly requires: AdapterRequirements;
  /** throws AppError 401 when the request is not signed by the POS with this connection's key */
  verifyWebhook(req: WebhookRequest, secrets: PosSecrets): void;
  /** the event in the POS's JSON, reduced to what we act on; throws 400 on a body it cannot read */
  readEvent(body: unknown): WebhookEvent;
  /** the order as it stands now, from the POS's API (absent where the POS documents no such API) */
  fetchOrder?(orderId: string, ctx: AdapterContext): Promise<PosOrder>;
  /** every order of one business day (yyyyMMdd, the venue's local date), for a back-fill */
  fetchDay?(businessDate: string, ctx: AdapterContext): Promise<PulledDay>;
}

/**
 * A day's orders as pulled. An order the adapter cannot read is named in `unreadable` rather than
 * failing the pull: one order of a shape we do not know must not keep the rest of the day's sales out.
 */
export interface PulledDay {
  orders: PosOrder[];
  /** each unreadable order as "order <id>: <what is wrong>" */
  unreadable: string[];
}
