import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './rules.js';

/**
 * An instant: a Date in the cloud, an ISO 8601 string on the wire. The codec's
 * input side is what the browser receives (z.input), its output side what a
 * route hands Fastify (z.output); Fastify encodes one into the other.
 */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});
/** Ids the cloud itself issues: checked for presence and type on the way out, their format documented, not re-tested on every answer. */
export const uuid = z.string().meta({ format: 'uuid' });
/** The currencies this runtime formats (ISO 4217), read once. */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/**
 * A currency as a request gives it: an ISO 4217 code, any case, checked
 * against the codes Intl formats (so the dashboard can always show it).
 */
export const currencyCode = z
  .string()
  .transform((c) => c.trim().toUpperCase())
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), 'expected an ISO 4217 currency code such as EUR, GBP or USD');
/** Ids a technician chooses for cameras and slots. */
export const localId = z.string();

/** Every password a person chooses or is given: sign-up, an invitation, a first password, a change. */
export const newPassword = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

export const ROLES = ['owner', 'manager', 'bartender', 'technician'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** What a person may do to one item's stock at one location. */
export const ADJUST_KINDS = ['COUNT', 'WASTE', 'RECEIVE', 'SALE', 'ADJUSTMENT'] as const;
export const adjustKind = z.enum(ADJUST_KINDS);
export type AdjustKind = z.infer<typeof adjustKind>;

export const LOCATION_TYPES = ['bar', 'storage', 'cellar', 'kitchen', 'other'] as const;
/** not_counted: no camera has read it there and nobody has counted, received or moved it in: not a zero. */
export const STOCK_STATUSES = ['ok', 'low', 'out', 'not_counted'] as const;
/** Every kind of ledger row: what a person may do, and a TRANSFER between two locations (a pair of rows). */
export const TRANSACTION_KINDS = [...ADJUST_KINDS, 'TRANSFER'] as const;
/**
 * The two parts of an item's stock at a location, and what a count may count:
 * what the cameras see in their slots (on_shelf), the rest (off_camera: the well,
 * under the counter, storage), or both together (whole; only a count).
 */
export const STOCK_PARTS = ['on_shelf', 'off_camera'] as const;
export const COUNT_SCOPES = ['on_shelf', 'off_camera', 'whole'] as const;
export const countScope = z.enum(COUNT_SCOPES);
export type CountScope = z.infer<typeof countScope>;
/** Where a part's figure came from: a camera reading, or the last ledger row that set or moved it. */
export const FIGURE_SOURCES = ['camera', 'count', 'delivery', 'transfer', 'sale', 'waste', 'adjustment'] as const;
export const STOCK_SOURCES = ['camera', 'manual', 'camera+manual', 'none'] as const;
export const SLOT_STATES = ['ok', 'occluded', 'stale'] as const;

export const ALERT_RULES = [
  'low_stock',
  'out_of_stock',
  'forecast_stockout',
  'unexplained_loss',
  'device_offline',
  'camera_stale',
  'outbox_backlog',
  'model_drift',
] as const;
export const ALERT_STATES = ['raised', 'escalated', 'acknowledged', 'resolved'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const CHANNELS = ['sms', 'email', 'push', 'log'] as const;
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'held', 'sent', 'failed', 'dead', 'digested'] as const;

/** Every 4xx and 5xx answer. */
export const errorBody = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), field: z.string().optional(), requestId: z.string() }),
});

/** 204: nothing in the body. */
export const noContent = z.undefined().describe('no content');

/**
 * A body Fastify sends as it is (a Buffer or a stream: JPEG, NDJSON, XML), never
 * through the JSON serializer; typed for the route, documented as binary.
 */
export const binary = z
  .custom<Uint8Array | AsyncIterable<unknown> | string>(
    (value) =>
      typeof value === 'string' ||
      value instanceof Uint8Array ||
      (typeof value === 'object' && value !== null && Symbol.asyncIterator in value),
    'expected bytes, a stream or text',
  )
  .meta({ type: 'string', format: 'binary' });
