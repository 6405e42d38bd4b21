import type { Demand } from '../orders/index.js';
import type { StoredForecast } from './forecast.repository.js';
import { dayNumber } from './models/index.js';

/** z of the 80 % interval's upper bound: its half width is 1.2816 standard deviations */
const Z80 = 1.2816;
/** days ahead averaged into a day's demand: two weeks cover most lead times plus a review period */
export const DEMAND_DAYS = 14;

/**
 * A venue's demand per item for order suggestions: the forecast mean per day
 * over the next DEMAND_DAYS from `today`, summed over the venue's locations,
 * and its error from the stored 80 % intervals (variances added, locations
 * taken as independent). An item with no forecast reaching past today is
 * left out, so its suggestion falls back to par rather than to a stale guess.
 */
export function venueDemand(forecasts: readonly StoredForecast[], today: string, itemIds: readonly string[]): Map<string, Demand> {
  const wanted = new Set(itemIds);
  const first = dayNumber(today);
  const sums = new Map<string, { perDay: number; variance: number }>();
  for (const forecast of forecasts) {
    if (!wanted.has(forecast.itemId)) continue;
    const ahead = forecast.points.filter((point) => dayNumber(point.date) >= first).slice(0, DEMAND_DAYS);
    if (ahead.length === 0) continue;
    const perDay = ahead.reduce((total, point) => total + point.mean, 0) / ahead.length;
    const sd = ahead.reduce((total, point) => total + (point.hi80 - point.lo80) / (2 * Z80), 0) / ahead.length;
    const sum = sums.get(forecast.itemId) ?? { perDay: 0, variance: 0 };
    sums.set(forecast.itemId, { perDay: sum.perDay + perDay, variance: sum.variance + sd * sd });
  }
  return new Map([...sums].map(([itemId, sum]) => [itemId, { perDay: sum.perDay, errorPerDay: Math.sqrt(sum.variance) }]));
}
