// Pieces of a phrase the movement, transfer and order readers share: how much (and in
// cases or bottles), which item, which location. Each answers a value or the question to ask.
import { match, type Named } from './match';
import { parseNumber } from './numbers';

export const CASE = /^(?:cases?|crates?|boxes|box|cs)$/;
export const BOTTLE = /^(?:bottles?|btls?|btl|units?|fifths?)$/;
export const ITEM_FILLER = new Set(['of', 'a', 'an', 'the', 'some', 'bottles', 'bottle', 'more', 'please', 'x']);

export type Ask =
  | { kind: 'choose'; what: 'item' | 'location' | 'from'; query: string; candidates: Named[]; summary: string }
  | { kind: 'error'; message: string };

export interface Amount {
  quantity?: number;
  unit: 'case' | 'bottle' | undefined;
  rest: string[];
}

/** "2 cases of …", "half a bottle of …", "3 …", "a case of …": the amount at the start, and what follows. */
export function readAmount(ts: string[]): Amount {
  let rest = ts;
  let quantity: number | undefined;
  const n = parseNumber(rest);
  // "a" alone is an article, not one, unless a unit follows ("a case of")
  if (n && !(n.used === 1 && (rest[0] === 'a' || rest[0] === 'an') && !CASE.test(rest[1] ?? '') && !BOTTLE.test(rest[1] ?? ''))) {
    quantity = n.value;
    rest = rest.slice(n.used);
  }
  while (rest[0] === 'a' || rest[0] === 'an') rest = rest.slice(1);
  let unit: Amount['unit'];
  if (rest[0] && CASE.test(rest[0])) unit = 'case';
  else if (rest[0] && BOTTLE.test(rest[0])) unit = 'bottle';
  if (unit) rest = rest.slice(1);
  if (rest[0] === 'of') rest = rest.slice(1);
  return { ...(quantity !== undefined ? { quantity } : {}), unit, rest };
}

export const itemWords = (ts: string[]): string => {
  let a = 0;
  let b = ts.length;
  while (a < b && ITEM_FILLER.has(ts[a]!)) a++;
  while (b > a && ITEM_FILLER.has(ts[b - 1]!)) b--;
  return ts.slice(a, b).join(' ');
};

/** The item the words name, the one picked earlier, or the question. */
export function findItem<T extends Named>(words: string, items: readonly T[], pickedId: string | undefined, example: string): T | Ask {
  const picked = pickedId ? items.find((i) => i.id === pickedId) : undefined;
  if (picked) return picked;
  if (!words) return { kind: 'error', message: `Which item? Name it, e.g. "${example}".` };
  const m = match(words, items);
  if (m.kind === 'none') return { kind: 'error', message: `No item matches "${words}".` };
  if (m.kind === 'ambiguous')
    return { kind: 'choose', what: 'item', query: words, candidates: m.candidates, summary: `Which one do you mean by "${words}"?` };
  return m.value;
}

/** The location the words name ("the main bar", "storage"), or the question. */
export function findLocation<T extends Named>(words: string[], locations: readonly T[], what: 'location' | 'from'): T | Ask {
  const phrase = words.filter((t, k) => k > 0 || t !== 'the').join(' ');
  const m = match(phrase, locations);
  if (m.kind === 'none') return { kind: 'error', message: `No location matches "${phrase}".` };
  if (m.kind === 'ambiguous')
    return { kind: 'choose', what, query: phrase, candidates: m.candidates, summary: `Which location is "${phrase}"?` };
  return m.value;
}

export const isAsk = (x: unknown): x is Ask =>
  typeof x === 'object' && x !== null && 'kind' in x && ((x as Ask).kind === 'choose' || (x as Ask).kind === 'error');

export const fmt = (n: number) => String(Math.round(n * 100) / 100);
export const plural = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;
