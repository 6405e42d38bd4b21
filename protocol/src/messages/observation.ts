import { z } from 'zod';
import { deviceId, fraction, isoTime, localId, uuidV7, version } from './common.js';

/**
 * What one camera saw in one shelf slot at one instant.
 * `units` is the slot's stock in bottle units: full bottles plus the open
 * bottle's fill (e.g. 2 full + one at 62 % = 2.62).
 */
export const observationSchema = z
  .object({
    id: uuidV7.describe('stable across retries; the cloud ignores a duplicate'),
    cameraId: localId,
    slotId: localId,
    sku: z.string().min(1).max(64).nullable().describe('the item assigned to the slot, null when unassigned'),
    at: isoTime.describe('when the frame was captured'),
    count: z.number().int().min(0).max(500).describe('bottles seen in the slot'),
    fills: z.array(fraction.nullable()).max(500).describe('each bottle, 0-1; null where the fill is not observable (opaque)'),
    units: z.number().min(0).max(500),
    confidence: fraction,
    state: z.enum(['ok', 'occluded', 'stale']).describe('occluded: last good value held while something blocks the view'),
    reason: z.enum(['change', 'heartbeat']),
  })
  .strict()
  .refine((observation) => observation.fills.length === observation.count, {
    message: 'fills must hold one entry per bottle (count)',
    path: ['fills'],
  });

export type Observation = z.infer<typeof observationSchema>;

export const observationBatchSchema = z
  .object({
    v: version,
    deviceId,
    seq: z.number().int().min(0).describe('per-device batch sequence; survives restarts'),
    sentAt: isoTime,
    observations: z.array(observationSchema).min(1),
  })
  .strict();

export type ObservationBatch = z.infer<typeof observationBatchSchema>;
