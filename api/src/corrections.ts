import { z } from 'zod';
import { localId, timestamp, uuid } from './common.js';
import { stockLevel } from './inventory.js';

const cropSize = z.strictObject({ width: z.number(), height: z.number(), bytes: z.number() });
/** A slot's true count against the model's answer. */
export const correction = z.strictObject({
  id: uuid,
  venueId: uuid,
  locationId: uuid,
  deviceId: z.string(),
  cameraId: localId,
  slotId: localId,
  itemId: uuid.nullable(),
  observationId: uuid.nullable(),
  observedAt: timestamp.nullable(),
  modelCount: z.number().nullable(),
  modelFills: z.array(z.number().nullable()).nullable(),
  modelConfidence: z.number().nullable(),
  modelVersions: z
    .record(z.string(), z.string())
    .nullable()
    .describe('the models that made the reading, name -> version; null for readings from before they were recorded'),
  trueCount: z.number(),
  trueFills: z.array(z.number()).nullable(),
  note: z.string().nullable(),
  userId: uuid.nullable(),
  transactionId: uuid.nullable(),
  crop: cropSize.nullable(),
  cropMissing: z.string().nullable(),
  frameAt: timestamp.nullable(),
  createdAt: timestamp,
});
export const correctionPage = z.strictObject({ corrections: z.array(correction), nextCursor: z.string().nullable() });
export const correctionResult = z.strictObject({
  correction,
  crop: cropSize.nullable(),
  cropMissing: z.string().nullable().describe('why no picture was kept, when none was'),
  stock: stockLevel.nullable(),
});

// Requests

/** No slot holds 200 bottles: a bigger number is a typo, not a count. */
export const MAX_TRUE_COUNT = 200;
/** Body of POST /devices/:id/cameras/:cameraId/slots/:slotId/corrections. */
export const slotCorrectionBody = z
  .object({
    trueCount: z.number().int('trueCount must be a whole number of bottles').min(0).max(MAX_TRUE_COUNT),
    /** per bottle, 0-1, left to right: only these teach the fill model */
    trueFills: z.array(z.number().min(0).max(1)).max(MAX_TRUE_COUNT).optional(),
    note: z.string().max(500).optional(),
    /** the reading being corrected, so a newer one arriving meanwhile is not the one blamed */
    observationId: z.uuid().optional(),
  })
  .strict();
