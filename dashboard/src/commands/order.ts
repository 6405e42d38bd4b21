// "order 2 cases of Aperol": cases onto the venue's draft purchase order for the item's supplier.
import type { Named } from './match';
import { findItem, isAsk, plural, readAmount, itemWords, type Ask } from './phrase';

export interface OrderCall {
  method: 'POST';
  path: '/api/v1/orders/draft-lines';
  body: { venueId: string; itemId: string; cases: number };
}
export interface OrderCommand {
  kind: 'order';
  item: Named;
  cases: number;
  summary: string;
  call: OrderCall;
}

const EXAMPLE = 'order 2 cases of Aperol';

/** `ts`: the words after the verb, normalised. Orders are in whole cases; a number with no unit means cases. */
export function parseOrder(
  ts: string[],
  ctx: { items: readonly Named[]; venueId?: string | undefined },
  picks: { itemId?: string },
): OrderCommand | Ask {
  // "order more Aperol", "order in 2 cases of …"
  const words = ts[0] === 'in' || ts[0] === 'more' ? ts.slice(1) : ts;
  const amount = readAmount(words);
  const item = findItem(itemWords(amount.rest), ctx.items, picks.itemId, EXAMPLE);
  if (isAsk(item)) return item;
  if (amount.unit === 'bottle')
    return { kind: 'error', message: `Orders are in cases: say how many cases, e.g. "order 1 case of ${item.name}".` };
  const cases = amount.quantity ?? 1;
  if (!Number.isInteger(cases) || cases < 1)
    return { kind: 'error', message: `Order whole cases, at least one: e.g. "order 2 cases of ${item.name}".` };
  if (!ctx.venueId) return { kind: 'error', message: 'Choose a venue first: orders are per venue.' };
  return {
    kind: 'order',
    item,
    cases,
    summary: `Add ${plural(cases, 'case', 'cases')} of ${item.name} to the draft order for its supplier`,
    call: { method: 'POST', path: '/api/v1/orders/draft-lines', body: { venueId: ctx.venueId, itemId: item.id, cases } },
  };
}
