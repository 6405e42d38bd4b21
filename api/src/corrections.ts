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
