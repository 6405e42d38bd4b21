// The command bar's parser: a phrase in, the API call it means out (or a question back).
// Plain TypeScript, no DOM: the same function serves typed and spoken input.
import { match, type Named } from './match';
import { normalize } from './normalize';
import { parseNumber } from './numbers';
import { parseOrder, type OrderCommand } from './order';
import { invoicePhrase, parseInvoice, type InvoiceCommand, type InvoiceWaiting } from './invoice';
import { parseTransfer, type TransferCommand, type TransferLocation } from './transfer';

export interface CommandItem extends Named {
  bottleSizeMl?: number | null;
  /** bottles in a case; without it 12 (6 for bottles of a litre or more) */
  caseSize?: number;
  /** what it is counted in (bottle when absent), for the answers' words */
  unit?: string | undefined;
}
export interface CommandContext {
  items: readonly CommandItem[];
  /** with their type, so a transfer without "from" comes from storage */
  locations: readonly TransferLocation[];
  /** the venue the person is looking at: orders are per venue */
  venueId?: string;
  /** the location the person is looking at, used when the phrase names none */
  defaultLocationId?: string;
  /** the venue's invoices waiting for review: "received the Southern invoice" opens one */
  invoices?: readonly InvoiceWaiting[];
}
/** the person's answer to an earlier question */
export interface Picks {
  itemId?: string;
  /** where it happens; for a transfer, where it goes */
  locationId?: string;
  /** a transfer's source */
  fromLocationId?: string;
}
export type Movement = 'COUNT' | 'WASTE' | 'RECEIVE' | 'SALE';
export type ApiCall =
  | { method: 'POST'; path: string; body: { locationId: string; type: Movement; quantity: number; reason?: string } }
  | { method: 'GET'; path: string };

export type Command =
  | {
      kind: 'adjust';
      item: CommandItem;
      location: Named;
      type: Movement;
      /** in bottles */
      quantity: number;
      reason?: string;
      summary: string;
      call: ApiCall;
    }
  | { kind: 'query'; item: CommandItem; location: Named | undefined; summary: string; call: ApiCall }
  | TransferCommand
  | OrderCommand
  | InvoiceCommand
  | { kind: 'choose'; what: 'item' | 'location' | 'from'; query: string; candidates: Named[]; summary: string }
  | { kind: 'error'; message: string };

type Intent = Movement | 'QUERY' | 'OUT';

const MOVE = /^(?:please )?(?:move|moved|moving|transfer|transferred|take|took|bring|brought|send|sent|shift|shifted) /;
const ORDER =
  /^(?:please )?(?:(?:we )?(?:need to |should |must )?(?:re)?order|put in an order for|place an order for|add to (?:the )?order|on the order) /;

const VERBS: [RegExp, Intent][] = [
  [/^(?:86|86d|86ed|eighty six|eightysix|eighty sixed) /, 'OUT'],
  [/^(?:we (?:are|re) out of|were out of|out of|ran out of|run out of) /, 'OUT'],
  [/^(?:(?:we )?(?:just )?(?:received|got in|got delivered)|receive|receiving|got|delivered|delivery of|delivery|add|added) /, 'RECEIVE'],
  [/^(?:waste|wasted|spilled|spill|spilt|broke|broken|dumped|dump|smashed|lost) /, 'WASTE'],
  [/^(?:(?:we |weve |we ve |we have |i |ive |i ve |just |we just )?sold|sell|sale of|sales of) /, 'SALE'],
  [/^(?:counted|count|set|there are|there is|we have) /, 'COUNT'],
  [/^(?:how much|how many|hows|how s|what s|whats|what is|check|level of|stock of|any) /, 'QUERY'],
];
const FILLER = new Set([
  'of',
  'a',
  'an',
  'the',
  'some',
  'is',
  'are',
  'left',
  'remaining',
  'there',
  'in',
  'stock',
  'do',
  'we',
  'have',
  'got',
  'bottles',
  'bottle',
]);
const CASE = /^(?:cases?|crates?|boxes|box|cs)$/;
const BOTTLE = /^(?:bottles?|btls?|btl|units?|fifths?)$/;
const LOC_PREP = /^(?:at|in|to|from|for|on)$/;

/** "waste … — broken", "… because it broke", "…, broken": the reason is everything after the separator */
function splitReason(text: string): [string, string | undefined] {
  const m = /\s*(?:\s[—–]\s?|[—–]|\s--?\s|:\s|,\s*|\s+because\s+|\s+reason\s+)(.+)$/u.exec(text);
  if (!m || m.index === 0) return [text, undefined];
  return [text.slice(0, m.index), m[1]!.trim().replace(/[.!]+$/, '') || undefined];
}

export const caseSizeOf = (i: CommandItem) => i.caseSize ?? (i.bottleSizeMl && i.bottleSizeMl >= 1000 ? 6 : 12);

const fmt = (n: number) => String(Math.round(n * 100) / 100);

export function parseCommand(input: string, ctx: CommandContext, picks: Picks = {}): Command {
  const raw = input.trim();
  if (!raw) return { kind: 'error', message: 'Say or type what happened, e.g. "received 2 cases of Jameson".' };
  const [main, reason] = splitReason(raw.replace(/\?+\s*$/, ''));
  let text = normalize(main) + ' ';
  const supplier = invoicePhrase(text);
  if (supplier) return parseInvoice(supplier, ctx.invoices ?? [], picks.itemId);
  const move = MOVE.exec(text);
  if (move) return parseTransfer(words(text.slice(move[0].length)), ctx, picks, caseSizeOf, reason);
  const order = ORDER.exec(text);
  if (order) return parseOrder(words(text.slice(order[0].length)), ctx, picks);
  let intent: Intent | undefined;
  for (const [re, i] of VERBS) {
    const m = re.exec(text);
    if (m) {
      intent = i;
      text = text.slice(m[0].length);
      break;
    }
  }
  let ts = text.trim().split(' ').filter(Boolean);
  // "Jameson is 4", "Aperol: 3 bottles" without a verb read as a count at the end
  let trailingCount: number | undefined;
  if (!intent || intent === 'COUNT') {
    const toIdx = ts.lastIndexOf('to');
    const isIdx = ts.lastIndexOf('is');
    const at = intent === 'COUNT' && toIdx > 0 ? toIdx : isIdx > 0 ? isIdx : -1;
    const tail = at > 0 ? ts.slice(at + 1) : [];
    const n = tail.length ? parseNumber(tail) : undefined;
    if (n && tail.slice(n.used).every((t) => BOTTLE.test(t))) {
      trailingCount = n.value;
      ts = ts.slice(0, at);
      intent = 'COUNT';
    } else if (intent === 'COUNT' && ts.length > 1) {
      const last = parseNumber(ts.slice(-1));
      if (last && !parseNumber(ts)) {
        trailingCount = last.value;
        ts = ts.slice(0, -1);
      }
    }
  }
  if (!intent) {
    return {
      kind: 'error',
      message: `Didn't understand "${raw}". Try "received 2 cases of …", "we sold 3 …", "move 2 … from storage to the main bar", "order 2 cases of …", "waste half a bottle of …", "86 …" or "how much … is left?".`,
    };
  }

  // quantity and unit: "2 cases of", "half a bottle of", "a bottle of", "3"
  let quantity: number | undefined = trailingCount;
  let cases = false;
  if (intent !== 'QUERY' && intent !== 'OUT' && trailingCount === undefined) {
    const n = parseNumber(ts);
    // "a" alone is an article, not one, unless a unit follows ("a case of")
    if (n && !(n.used === 1 && (ts[0] === 'a' || ts[0] === 'an') && !CASE.test(ts[1] ?? '') && !BOTTLE.test(ts[1] ?? ''))) {
      quantity = n.value;
      ts = ts.slice(n.used);
    }
  }
  while (ts[0] === 'a' || ts[0] === 'an') ts = ts.slice(1);
  if (ts[0] && CASE.test(ts[0])) {
    cases = true;
    ts = ts.slice(1);
  } else if (ts[0] && BOTTLE.test(ts[0])) ts = ts.slice(1);
  if (ts[0] === 'of') ts = ts.slice(1);

  // location: the last "at/in/to/from <place>" that names one
  let location: Named | undefined;
  if (picks.locationId) location = ctx.locations.find((l) => l.id === picks.locationId);
  for (let i = ts.length - 2; i >= 1 && !location; i--) {
    if (!LOC_PREP.test(ts[i]!)) continue;
    const phrase = ts
      .slice(i + 1)
      .filter((t, k) => k > 0 || t !== 'the')
      .join(' ');
    const m = match(phrase, ctx.locations);
    if (m.kind === 'none') continue;
    ts = ts.slice(0, i);
    if (m.kind === 'ambiguous')
      return { kind: 'choose', what: 'location', query: phrase, candidates: m.candidates, summary: `Which location is "${phrase}"?` };
    location = m.value;
  }
  // a location named and picked earlier is still cut from the phrase
  if (picks.locationId) {
    for (let i = ts.length - 2; i >= 1; i--) {
      if (LOC_PREP.test(ts[i]!) && match(ts.slice(i + 1).join(' '), ctx.locations).kind !== 'none') {
        ts = ts.slice(0, i);
        break;
      }
    }
  }

  const phrase = ts.filter((t, i) => !(FILLER.has(t) && (i === 0 || i === ts.length - 1))).join(' ');
  const cleaned = trimFiller(ts).join(' ') || phrase;
  let item: CommandItem | undefined;
  if (picks.itemId) item = ctx.items.find((i) => i.id === picks.itemId);
  if (!item) {
    if (!cleaned) return { kind: 'error', message: 'Which item? Name it, e.g. "86 Tito\'s".' };
    const m = match(cleaned, ctx.items);
    if (m.kind === 'none') return { kind: 'error', message: `No item matches "${cleaned}".` };
    if (m.kind === 'ambiguous')
      return { kind: 'choose', what: 'item', query: cleaned, candidates: m.candidates, summary: `Which one do you mean by "${cleaned}"?` };
    item = m.value;
  }

  if (intent === 'QUERY') {
    const at = location ?? ctx.locations.find((l) => l.id === ctx.defaultLocationId);
    return {
      kind: 'query',
      item,
      location: at,
      summary: `Show how much ${item.name} is left${at ? ` at ${at.name}` : ' at every location'}`,
      call: at
        ? { method: 'GET', path: `/api/v1/inventory/locations/${at.id}/stock` }
        : { method: 'GET', path: `/api/v1/inventory/items/${item.id}` },
    };
  }

  location ??= ctx.locations.find((l) => l.id === ctx.defaultLocationId);
  if (!location) {
    if (ctx.locations.length === 1) location = ctx.locations[0]!;
    else return { kind: 'choose', what: 'location', query: '', candidates: [...ctx.locations], summary: `At which location?` };
  }

  let type: Movement;
  let bottles: number;
  let why = reason;
  if (intent === 'OUT') {
    type = 'COUNT';
    bottles = 0;
    why ??= "86'd: out of stock";
  } else {
    type = intent;
    if (quantity === undefined) {
      if (intent === 'COUNT') return { kind: 'error', message: `How many ${item.name}? e.g. "count ${item.name} 4".` };
      quantity = 1;
    }
    bottles = cases ? quantity * caseSizeOf(item) : quantity;
  }
  if (type !== 'COUNT' && bottles <= 0) return { kind: 'error', message: 'The quantity must be more than zero.' };
  if (type === 'WASTE' && !why) return { kind: 'error', message: `Why was the ${item.name} wasted? Add a reason, e.g. "— broken".` };

  const qty = cases
    ? `${fmt(bottles)} bottles (${fmt(quantity!)} ${quantity === 1 ? 'case' : 'cases'} × ${caseSizeOf(item)})`
    : `${fmt(bottles)} ${bottles === 1 ? 'bottle' : 'bottles'}`;
  const summary =
    intent === 'OUT'
      ? `Mark ${item.name} as out (count 0) at ${location.name}`
      : type === 'COUNT'
        ? `Set the count of ${item.name} at ${location.name} to ${qty}`
        : type === 'RECEIVE'
          ? `Receive ${qty} of ${item.name} at ${location.name}`
          : type === 'WASTE'
            ? `Record ${qty} of ${item.name} wasted at ${location.name}`
            : `Record ${qty} of ${item.name} sold at ${location.name}`;
  const body = { locationId: location.id, type, quantity: bottles, ...(why ? { reason: why } : {}) };
  return {
    kind: 'adjust',
    item,
    location,
    type,
    quantity: bottles,
    ...(why ? { reason: why } : {}),
    summary: why ? `${summary} — reason: ${why}` : summary,
    call: { method: 'POST', path: `/api/v1/inventory/items/${item.id}/adjust`, body },
  };
}

const words = (s: string) => s.trim().split(' ').filter(Boolean);

function trimFiller(ts: string[]): string[] {
  let a = 0;
  let b = ts.length;
  while (a < b && FILLER.has(ts[a]!)) a++;
  while (b > a && FILLER.has(ts[b - 1]!)) b--;
  return ts.slice(a, b);
}
