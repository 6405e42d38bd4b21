import { z } from 'zod';
import { timestamp, uuid } from './common.js';

export const FORECAST_MODELS = ['naive', 'seasonal_naive', 'mean', 'croston', 'tsb', 'ets', 'mstl'] as const;
/** Where a day of demand history came from; stockout and none are days whose demand is not known. */
export const DEMAND_SOURCES = ['pos', 'camera', 'count', 'stockout', 'none'] as const;

const forecastModel = z.enum(FORECAST_MODELS);

/** One day ahead: the expected demand in units and its 80 % and 95 % bounds. */
export const forecastDay = z.strictObject({
  date: z.iso.date(),
  mean: z.number(),
  lo80: z.number(),
  hi80: z.number(),
  lo95: z.number(),
  hi95: z.number(),
});

/** A candidate model's rolling-origin backtest on this series. */
export const forecastScore = z.strictObject({
  model: forecastModel,
  mae: z.number().describe('mean absolute error of the backtest, units a day'),
  mase: z.number().nullable().describe('mae over the in-sample weekly-naive error; null when that error is zero'),
  steps: z.number().int().describe('backtest days scored'),
});

/** GET /api/v1/forecast?item_id&location_id */
export const forecastView = z.strictObject({
  itemId: uuid,
  locationId: uuid,
  model: forecastModel.describe('the model the backtest chose'),
  days: z.array(forecastDay),
  accuracy: forecastScore.nullable().describe("the chosen model's backtest; null when the history was too short to backtest"),
  candidates: z.array(forecastScore),
  reasons: z.array(z.string()).describe('plain words on anything unusual: short history, stock-outs, fallbacks'),
  history: z.record(z.enum(DEMAND_SOURCES), z.number().int()).describe('days of history by source'),
  through: z.iso.date().describe('the last day of history fitted'),
  fittedAt: timestamp,
});

/** GET /api/v1/forecast/stock-days?venue_id */
export const stockDaysView = z.strictObject({
  venueId: uuid,
  items: z.array(
    z.strictObject({
      itemId: uuid,
      locationId: uuid,
      level: z.number(),
      daysLeft: z
        .number()
        .nullable()
        .describe('days until the forecast demand uses the stock up; null: not within the forecast, or no forecast yet'),
      model: forecastModel.nullable(),
      fittedAt: timestamp.nullable(),
    }),
  ),
});

/** POST /api/v1/forecast/retrain?venue_id: the refit job. */
export const forecastRetrain = z.strictObject({ jobId: uuid });
