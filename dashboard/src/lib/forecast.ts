// Plain words for what the forecast API answers: model names, days of stock left.
import type { Forecast } from './types';

const MODEL_NAMES: Record<Forecast['model'], string> = {
  naive: 'same as yesterday',
  seasonal_naive: 'same day last week',
  mean: 'the average day',
  croston: 'occasional sales (Croston)',
  tsb: 'occasional sales, fading (TSB)',
  ets: 'recent trend (exponential smoothing)',
  mstl: 'weekly pattern and trend (MSTL)',
  theta: 'recent level and half the long trend (Theta)',
  combination: 'the middle of the three best methods',
};

export const modelName = (m: Forecast['model']) => MODEL_NAMES[m] ?? m;

/** "~3 days", "under a day", or undefined when the forecast does not say (no forecast, or beyond it) */
export function daysLeftText(daysLeft: number | null | undefined): string | undefined {
  if (daysLeft === null || daysLeft === undefined) return undefined;
  if (daysLeft < 1) return 'under a day';
  const d = Math.round(daysLeft);
  return `~${d} day${d === 1 ? '' : 's'}`;
}

/** "Sat 12" for a forecast day (an ISO date, read as a calendar day, not a UTC instant) */
export function dayLabel(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' });
}
