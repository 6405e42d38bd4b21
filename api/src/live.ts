import { z } from 'zod';
import { SLOT_STATES, localId, timestamp, uuid } from './common.js';
import { stockLevel } from './inventory.js';
import { deviceHealth } from './devices.js';
import { alertView } from './alerts.js';

/** One slot's fresh reading as ingest pushes it. */
export const slotObservation = z.strictObject({
  id: uuid,
  cameraId: localId,
  slotId: localId,
  itemId: uuid.nullable(),
  locationId: uuid.nullable(),
  count: z.number(),
  fills: z.array(z.number().nullable()),
  units: z.number(),
  confidence: z.number(),
  state: z.enum(SLOT_STATES),
  trusted: z.boolean(),
  at: timestamp,
});

/** What changed on a device: its presence and health, or its config acknowledgement. */
export const deviceChange = z.strictObject({
  deviceId: z.string(),
  online: z.boolean().optional(),
  lastSeenAt: timestamp.nullable().optional(),
  health: deviceHealth.nullable().optional(),
  configRevision: z.number().optional(),
  configAckedRevision: z.number().optional(),
  configError: z.string().nullable().optional(),
});

const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), cursor: z.number().int().describe('resume with ?cursor= after a reconnect'), data });

/**
 * Every message of GET /api/v1/live, told apart by type. A WebSocket route is
 * not an OpenAPI operation, so the document carries it as the component
 * LiveMessage (the id below).
 */
export const liveMessage = z
  .discriminatedUnion('type', [
    event('stock', stockLevel),
    event('observation', z.strictObject({ deviceId: z.string(), observations: z.array(slotObservation) })),
    event('device', deviceChange),
    event('alert', alertView),
    // no event: what the socket could not replay (pruned past the cursor, or too many) or the server could not read; reload what is shown, resume from cursor
    event(
      'resync',
      z.strictObject({
        reason: z
          .enum(['pruned', 'too-many', 'unread'])
          .describe('pruned: events after the cursor are no longer kept; unread: events to push could not be read'),
      }),
    ),
  ])
  .meta({ id: 'LiveMessage', description: 'A message of the WebSocket GET /api/v1/live?token=…&venueId=…[&cursor=N]' });
export const LIVE_TYPES = ['stock', 'observation', 'device', 'alert'] as const;
export type LiveType = (typeof LIVE_TYPES)[number];
/** A message as the socket carries it (JSON). */
export type LiveMessage = z.input<typeof liveMessage>;
/** What a writer hands the live feed for one type (Dates, before JSON). */
export type LiveData<T extends LiveType> = Extract<z.output<typeof liveMessage>, { type: T }>['data'];
