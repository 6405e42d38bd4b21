import { z } from 'zod';
import { localId, timestamp, uuid } from './common.js';

const bottle = z.strictObject({
  box: z.strictObject({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  score: z.number(),
  fill: z.number().nullable(),
  fillSigma: z.number(),
  lying: z.boolean().describe('found on its side or leaning (the photo also seen turned); its fill is not read: null'),
});
export const bottleDetection = z.strictObject({
  width: z.number(),
  height: z.number(),
  modelVersions: z.record(z.string(), z.string()),
  bottles: z.array(bottle),
});
export const shelfCount = bottleDetection.extend({
  slots: z.array(
    z.strictObject({
      slotId: localId,
      itemId: uuid.nullable(),
      name: z.string().nullable(),
      count: z.number(),
      fills: z.array(z.number().nullable()),
      units: z.number(),
      confidence: z.number().nullable(),
      hiddenByPerson: z
        .boolean()
        .describe('someone stands in front of the slot in the photo: its count is of what can be seen, not of the shelf'),
    }),
  ),
  bottlesOutsideSlots: z.number(),
});
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const jobAccepted = z.strictObject({
  jobId: uuid,
  status: z.enum(JOB_STATUSES),
  statusUrl: z.string(),
  jobUrl: z.string().describe('GET /api/v1/jobs/{id}: the same job in the queue every background job uses'),
});
export const jobStatus = z.strictObject({
  jobId: uuid,
  status: z.enum(JOB_STATUSES),
  result: shelfCount.optional(),
  error: z.string().optional(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});
