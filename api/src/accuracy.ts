import { z } from 'zod';
import { timestamp, uuid } from './common.js';

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

/** The model_drift rule's settings for one venue: the config's defaults, or the venue's own. */
export const driftThresholdValues = z.strictObject({
  windowDays: z.number().int().min(1).max(90).describe('corrections of the last this many days are judged'),
  countErrorAbove: z
    .number()
    .min(0)
    .max(1000)
    .describe('mean bottles off per judged correction above which the model is drifting (the alert clears at half)'),
  minJudged: z.number().int().min(1).max(100_000).describe('judged corrections needed before the error is trusted'),
  correctionsAtLeast: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe('this many corrections in the window is a pile-up, whatever the error (clears under half)'),
});
/** A venue's override: each value, or null for the config's default. */
export const driftThresholdsOverride = z.strictObject({
  windowDays: driftThresholdValues.shape.windowDays.nullable(),
  countErrorAbove: driftThresholdValues.shape.countErrorAbove.nullable(),
  minJudged: driftThresholdValues.shape.minJudged.nullable(),
  correctionsAtLeast: driftThresholdValues.shape.correctionsAtLeast.nullable(),
});
export const venueDriftThresholds = z.strictObject({
  venueId: uuid,
  venueName: z.string(),
  override: driftThresholdsOverride,
  effective: driftThresholdValues.describe('what the model_drift rule uses at this venue'),
  updatedAt: timestamp.nullable().describe('when the override was last saved; null: never'),
});
export const driftThresholds = z.strictObject({
  defaults: driftThresholdValues.describe('from the config (alerts.rules.modelDrift), for every venue without its own'),
  venues: z.array(venueDriftThresholds),
});
