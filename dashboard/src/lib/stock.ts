// Words for the two parts of a stock level and where each figure came from, shared by
// the item page and the count dialog. Plain functions: no state, no DOM.
import { quantity } from '@smartstock/api/quantity';
import type { StockLevel } from './types';

type Part = StockLevel['onShelf'];
type Source = NonNullable<Part['source']>;

const SCOPE: Record<NonNullable<Source['counted']>, string> = {
  on_shelf: 'on shelf',
  off_camera: 'off camera',
  whole: 'whole location',
};

export const time = (iso: string | Date) =>
  new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "camera at 14:02", "count (whole location) by Sam at 13:40", "delivery by Sam at 09:12" */
export function sourceText(s: Source | null): string {
  if (!s) return 'nothing recorded yet';
  const what = s.kind === 'count' && s.counted ? `count (${SCOPE[s.counted]})` : s.kind;
  const by = s.userName ? ` by ${s.userName}` : '';
  return `${what}${by} at ${time(s.at)}`;
}

/** The last number a person gave for a part: kept in view, even once the camera has read again. */
export function countNote(p: Part): string | undefined {
  const c = p.lastCount;
  // the count is the figure shown and its source already says so
  if (!c || (c.current && p.source?.kind === 'count' && new Date(p.source.at).getTime() === new Date(c.at).getTime())) return undefined;
  const by = c.userName ? ` by ${c.userName}` : '';
  const what = `Last count: ${units(c.units)} (${SCOPE[c.counted]})${by} at ${time(c.at)}`;
  return c.current ? what : `${what}, replaced by a camera reading since`;
}

/** A part's figure by the one rule for quantities (two decimals at most, no trailing zeros); a dash when nothing gave it. */
export const units = (n: number | null) => (n === null ? '—' : quantity(n));
