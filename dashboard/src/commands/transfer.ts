// "move 2 Jameson from storage to the main bar": a TRANSFER between two locations.
// Without "from", the stock comes from the venue's storage (as the cloud does it).
import type { Named } from './match';
import { findItem, findLocation, isAsk, plural, readAmount, itemWords, type Ask } from './phrase';

export interface TransferItem extends Named {
  bottleSizeMl?: number | null;
  caseSize?: number;
}
export interface TransferLocation extends Named {
  type?: string;
}
export interface TransferCall {
  method: 'POST';
  path: string;
  body: { fromLocationId: string; toLocationId: string; quantity: number; reason?: string };
}
export interface TransferCommand {
  kind: 'transfer';
  item: TransferItem;
  from: TransferLocation;
  to: TransferLocation;
  /** in bottles */
  quantity: number;
  summary: string;
  call: TransferCall;
}

const MARK = /^(?:from|to|into|onto|over)$/;
const EXAMPLE = 'move 2 Jameson from storage to the main bar';

/** `ts`: the words after the verb, normalised. */
export function parseTransfer(
  ts: string[],
  ctx: { items: readonly TransferItem[]; locations: readonly TransferLocation[] },
  picks: { itemId?: string; locationId?: string; fromLocationId?: string },
  caseSizeOf: (i: TransferItem) => number,
  reason: string | undefined,
): TransferCommand | Ask {
  // the item part ends at the first "from"/"to"; each marker's words run to the next marker
  const marks = ts.flatMap((t, i) => (MARK.test(t) ? [i] : []));
  const head = marks.length ? ts.slice(0, marks[0]) : ts;
  const parts: Record<'from' | 'to', string[] | undefined> = { from: undefined, to: undefined };
  marks.forEach((m, k) => {
    const words = ts.slice(m + 1, marks[k + 1] ?? ts.length);
    parts[ts[m] === 'from' ? 'from' : 'to'] = words;
  });
  const amount = readAmount(head);
  const item = findItem(itemWords(amount.rest), ctx.items, picks.itemId, EXAMPLE);
  if (isAsk(item)) return item;
  if (amount.quantity === undefined)
    return { kind: 'error', message: `How many ${item.name}? e.g. "move 2 ${item.name} from storage to the main bar".` };
  const bottles = amount.unit === 'case' ? amount.quantity * caseSizeOf(item) : amount.quantity;
  if (!(bottles > 0)) return { kind: 'error', message: 'The quantity must be more than zero.' };

  const pickedTo = picks.locationId ? ctx.locations.find((l) => l.id === picks.locationId) : undefined;
  const to = pickedTo ?? (parts.to?.length ? findLocation(parts.to, ctx.locations, 'location') : undefined);
  if (to === undefined)
    return { kind: 'choose', what: 'location', query: '', candidates: [...ctx.locations], summary: `Move ${item.name} to which location?` };
  if (isAsk(to)) return to;
  const pickedFrom = picks.fromLocationId ? ctx.locations.find((l) => l.id === picks.fromLocationId) : undefined;
  let from = pickedFrom ?? (parts.from?.length ? findLocation(parts.from, ctx.locations, 'from') : undefined);
  if (isAsk(from)) return from;
  from ??= ctx.locations.find((l) => l.type === 'storage' && l.id !== to.id);
  if (!from) {
    const others = ctx.locations.filter((l) => l.id !== to.id);
    return { kind: 'choose', what: 'from', query: '', candidates: others, summary: `Move ${item.name} to ${to.name} from where?` };
  }
  if (from.id === to.id)
    return { kind: 'error', message: `${from.name} is both where it comes from and where it goes: name two locations.` };

  const qty =
    amount.unit === 'case'
      ? `${plural(bottles, 'bottle', 'bottles')} (${plural(amount.quantity, 'case', 'cases')} × ${caseSizeOf(item)})`
      : plural(bottles, 'bottle', 'bottles');
  const summary = `Move ${qty} of ${item.name} from ${from.name} to ${to.name}`;
  return {
    kind: 'transfer',
    item,
    from,
    to,
    quantity: bottles,
    summary: reason ? `${summary} — reason: ${reason}` : summary,
    call: {
      method: 'POST',
      path: `/api/v1/inventory/items/${item.id}/transfer`,
      body: { fromLocationId: from.id, toLocationId: to.id, quantity: bottles, ...(reason ? { reason } : {}) },
    },
  };
}
