import { z } from 'zod';
import { timestamp, uuid } from './common.js';

/** combination: the median of the best three candidates in the backtest (the forecast's reasons name them). */
export const FORECAST_MODELS = ['naive', 'seasonal_naive', 'mean', 'croston', 'tsb', 'ets', 'mstl', 'theta', 'combination'] as const;
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
  wape: z.number().nullable().describe('absolute errors over actual demand; null when there was none (or fitted before it was kept)'),
  bias: z.number().nullable().describe('mean of forecast minus actual, units a day: above zero, over-forecast'),
  cover80: z.number().nullable().describe('share of backtest days inside the 80 % bounds made without their own origin'),
  cover95: z.number().nullable().describe('the same for the 95 % bounds; null with a single backtest origin'),
});

/** Backtest accuracy of one series: the chosen model next to the two naive baselines. */
export const forecastSeriesAccuracy = z.strictObject({
  itemId: uuid,
  locationId: uuid,
  model: forecastModel,
  chosen: forecastScore.nullable().describe("the chosen model's backtest; null when the history was too short to backtest"),
  seasonalNaive: forecastScore.nullable().describe('the same day last week'),
  naive: forecastScore.nullable().describe('yesterday again (naive lag-1)'),
  through: z.iso.date(),
  fittedAt: timestamp,
});

/** The backtest figures of one method pooled over a venue's series. */
export const forecastPooledAccuracy = z.strictObject({
  series: z.number().int().describe('series with a backtest of this method'),
  steps: z.number().int(),
  mase: z.number().nullable().describe('mean of the per-series MASE'),
  wape: z.number().nullable().describe('all absolute errors over all actual demand'),
  bias: z.number().nullable().describe('mean error per backtest day'),
  cover80: z.number().nullable(),
  cover95: z.number().nullable(),
});

/** GET /api/v1/forecast/accuracy-metrics?venue_id */
export const forecastAccuracyMetrics = z.strictObject({
  venueId: uuid,
  series: z.array(forecastSeriesAccuracy),
  overall: z.strictObject({
    chosen: forecastPooledAccuracy,
    seasonalNaive: forecastPooledAccuracy,
    naive: forecastPooledAccuracy,
  }),
});

export const REGRESSOR_NAMES = ['event', 'holiday', 'rain', 'temperature'] as const;

/** A weather or event effect the forecast was scaled by. */
export const forecastRegressor = z.strictObject({
  name: z.enum(REGRESSOR_NAMES),
  factor: z.number().describe('demand × this on an event or holiday, per 10 mm of rain, per 10 °C above the usual'),
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
  regressors: z.array(forecastRegressor).describe('the weather and event effects used; empty when none was'),
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

/** GET and PUT /api/v1/forecast/calendar?venue_id: where the venue is and what calendars it keeps. */
export const forecastCalendar = z.strictObject({
  latitude: z.number().min(-90).max(90).nullable().describe('with longitude: the weather at the venue (Open-Meteo)'),
  longitude: z.number().min(-180).max(180).nullable(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code such as GB')
    .nullable()
    .describe('public holidays of this country'),
  icalUrls: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(10)
    .describe('iCal feeds of events (quiz nights, matches)'),
});

/** An event entered by hand (a game night, a promotion). */
export const forecastEvent = z.strictObject({ id: uuid, venueId: uuid, day: z.iso.date(), name: z.string() });
export const forecastEventList = z.array(forecastEvent);
export const forecastEventBody = z.strictObject({
  venueId: uuid,
  day: z.iso.date(),
  name: z.string().trim().min(1, 'name the event').max(200),
});
