// The item chart's period: 24 hours, 7 days or 30 days, ending now. The default is the
// smallest that holds the item's whole history (at least a day), so a new item is not
// one dot at the right edge of a week.
import type { History } from './types';

export const RANGES = [
  { id: '24h', label: '24 hours', ms: 86_400_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];
/** the most any range shows: what is fetched once */
export const LONGEST_MS = RANGES[RANGES.length - 1]!.ms;

export function firstPointAt(h: History): number | undefined {
  const times = [...h.observations.filter((o) => o.trusted).map((o) => o.at), ...h.transactions.map((t) => t.at)].map((t) => Date.parse(t));
  return times.length ? Math.min(...times) : undefined;
}

export function defaultRange(h: History, now: number): RangeId {
  const first = firstPointAt(h);
  const span = first === undefined ? 0 : now - first;
  return (RANGES.find((r) => span <= r.ms) ?? RANGES[RANGES.length - 1]!).id;
}

/** the x axis: the range back from now, with a little room after now so today's last point is not on the edge */
export function periodOf(range: RangeId, now: number): { from: Date; to: Date } {
  const ms = RANGES.find((r) => r.id === range)!.ms;
  return { from: new Date(now - ms), to: new Date(now + ms * 0.02) };
}
