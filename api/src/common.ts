import { z } from 'zod';

/**
 * An instant: a Date in the cloud, an ISO 8601 string on the wire. The codec's
 * input side is what the browser receives (z.input), its output side what a
 * route hands Fastify (z.output); Fastify encodes one into the other.
 */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});
/** Ids the cloud itself issues: checked for presence and type on the way out, their format documented, not re-tested on every answer. */
export const uuid = z.string().meta({ format: 'uuid' });
/** Ids a technician chooses for cameras and slots. */
export const localId = z.string();

export const ROLES = ['owner', 'manager', 'bartender', 'technician'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** What a person may do to one item's stock at one location. */
export const ADJUST_KINDS = ['COUNT', 'WASTE', 'RECEIVE', 'SALE', 'ADJUSTMENT'] as const;
export const adjustKind = z.enum(ADJUST_KINDS);
export type AdjustKind = z.infer<typeof adjustKind>;

export const LOCATION_TYPES = ['bar', 'storage', 'cellar', 'kitchen', 'other'] as const;
export const STOCK_STATUSES = ['ok', 'low', 'out'] as const;
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
    (v) => typeof v === 'string' || v instanceof Uint8Array || (typeof v === 'object' && v !== null && Symbol.asyncIterator in v),
    'expected bytes, a stream or text',
  )
  .meta({ type: 'string', format: 'binary' });
