import type { ForecastPoint } from './models/index.js';

/**
 * Days until the forecast mean demand, from `today` on, uses up `level`:
 * fractional within the day it runs out; 0 when already out; null when it
 * lasts past the forecast's end.
 */
export function daysOfStock(level: number, points: readonly ForecastPoint[], today: string): number | null {
  if (level <= 0) return 0;
  let left = level;
  let days = 0;
  for (const point of points) {
    if (point.date < today) continue;
    if (point.mean >= left) return days + left / point.mean;
    left -= point.mean;
    days += 1;
  }
  return null;
}
