// Finds the item (or location) a spoken or typed name means. It never guesses:
// when two candidates score alike the caller gets both and asks which one.
import { distance, tokens } from './normalize';

export interface Named {
  id: string;
  name: string;
  /** other words for the same thing, e.g. the SKU */
  aliases?: string[];
}

export type MatchResult<T> = { kind: 'one'; value: T } | { kind: 'ambiguous'; candidates: T[] } | { kind: 'none' };

/** how well query words match a name: 0 (no) to 1 (exactly) */
export function score(query: string, name: string): number {
  const q = tokens(query).join(' ');
  const n = tokens(name).join(' ');
  if (!q || !n) return 0;
  if (q === n) return 1;
  const compactQ = q.replace(/ /g, '');
  const compactN = n.replace(/ /g, '');
  if (compactQ === compactN) return 0.98;
  const qt = tokens(q);
  const nt = tokens(n);
  let hit = 0;
  for (const w of qt) {
    let best = 0;
    for (const v of nt) {
      if (v === w) best = Math.max(best, 1);
      else if (v.startsWith(w) && w.length >= 3) best = Math.max(best, 0.85);
      else if (w.length >= 4 && distance(w, v, 2) <= (w.length >= 7 ? 2 : 1)) best = Math.max(best, 0.75);
    }
    // a query word that names nothing in the item is a strong "no"
    if (best === 0) return 0;
    hit += best;
  }
  // every query word matched: the more of the name it covers, the better
  const coverage = qt.length / nt.length;
  return Math.min(0.95, (hit / qt.length) * (0.6 + 0.35 * Math.min(1, coverage)));
}

/**
 * The best match, or every close one. A second candidate within `margin` of the best
 * makes the answer ambiguous ("Jameson" vs "Jameson Black Barrel" are both asked about
 * only when neither is a clearly better reading).
 */
export function match<T extends Named>(
  query: string,
  all: readonly T[],
  opts: { threshold?: number; margin?: number } = {},
): MatchResult<T> {
  const threshold = opts.threshold ?? 0.45;
  const margin = opts.margin ?? 0.08;
  const scored = all
    .map((v) => ({ v, s: Math.max(score(query, v.name), ...(v.aliases ?? []).map((a) => score(query, a))) }))
    .filter((x) => x.s >= threshold)
    .sort((a, b) => b.s - a.s);
  const best = scored[0];
  if (!best) return { kind: 'none' };
  if (best.s === 1 && scored[1]?.s !== 1) return { kind: 'one', value: best.v };
  const close = scored.filter((x) => best.s - x.s <= margin);
  return close.length === 1 ? { kind: 'one', value: best.v } : { kind: 'ambiguous', candidates: close.map((x) => x.v) };
}
