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
  for (const p of points) {
    if (p.date < today) continue;
    if (p.mean >= left) return days + left / p.mean;
    left -= p.mean;
    days += 1;
  }
  return null;
}
