import { z } from 'zod';
import { uuid } from './common.js';

const share = z.number().min(0).max(1).nullable();
/** How the model did on the slot counts people corrected, over one day or a whole range. */
export const accuracyFigures = z.strictObject({
  corrections: z.number().int().describe('corrections made'),
  judged: z.number().int().describe('of them, those against a model reading (a slot with no reading yet has nothing to judge)'),
  confirmed: z.number().int().describe('the person counted what the model counted'),
  changed: z.number().int().describe('the person counted otherwise'),
  confirmedShare: share.describe('confirmed / judged; null when none was judged'),
  changedShare: share.describe('changed / judged; null when none was judged'),
  countError: z.number().nullable().describe('mean |true count - model count| in bottles over the judged corrections'),
  fillError: z
    .number()
    .nullable()
    .describe(
      'mean |true fill - model fill| per bottle, left to right, over corrections that give fills and keep the count; null when none does',
    ),
  fillBottles: z.number().int().describe('bottles the fill error is over'),
});
export const accuracyDay = accuracyFigures.extend({ day: z.iso.date().describe("the venue's local day") });
export const accuracySeries = z.strictObject({
  modelVersion: z.string().describe('"name version" of each model, joined by " + "; "unknown" before versions were recorded'),
  versions: z.record(z.string(), z.string()).nullable(),
  total: accuracyFigures,
  days: z.array(accuracyDay).describe('only days with corrections, oldest first'),
});
export const visionAccuracy = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
  venues: z.array(
    z.strictObject({
      venueId: uuid,
      venueName: z.string(),
      timezone: z.string(),
      series: z.array(accuracySeries),
    }),
  ),
});
