import { z } from 'zod';
import type { PosLine, PosOrder } from './types.js';

/**
 * Toast's Order, as its orders API (GET /orders/v2/orders/{guid}, /ordersBulk) returns it and
 * its order_updated webhook carries it: an order has checks (more than one when the bill is
 * split), a check has selections, a selection has modifiers, which are selections too.
 * Shapes from Toast's published orders API definition (Order, Check, Selection, RefundDetails:
 * https://doc.toasttab.com/openapi/orders/tag/Data-definitions/schema/Order). Only the fields
 * read here are declared; the rest of Toast's (large) order passes through unread.
 */
const reference = z
  .object({ guid: z.string().min(1) })
  .partial()
  .nullish();
interface Selection {
  guid: string;
  item?: { guid?: string | undefined } | null | undefined;
  displayName: string;
  quantity: number;
  voided?: boolean | null | undefined;
  price?: number | null | undefined;
  selectionType?: string | null | undefined;
  deferred?: boolean | null | undefined;
  createdDate?: string | null | undefined;
  refundDetails?: { refundAmount?: number | null | undefined } | null | undefined;
  modifiers?: Selection[] | null | undefined;
}
const selection: z.ZodType<Selection> = z.lazy(() =>
  z.object({
    guid: z.string().min(1),
    item: reference,
    // Toast writes null where it has nothing (its sample message throughout): null reads as absent
    displayName: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    quantity: z
      .number()
      .min(0)
      .nullish()
      .transform((v) => v ?? 1),
    voided: z.boolean().nullish(),
    price: z.number().nullish(),
    selectionType: z.string().nullish(),
    deferred: z.boolean().nullish(),
    createdDate: z.string().nullish(),
    refundDetails: z.object({ refundAmount: z.number().nullish() }).nullish(),
    modifiers: z.array(selection).nullish(),
  }),
);
const check = z.object({
  guid: z.string().min(1),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  selections: z
    .array(selection)
    .nullish()
    .transform((v) => v ?? []),
});
export const toastOrderSchema = z.object({
  guid: z.string().min(1),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  openedDate: z.string().nullish(),
  createdDate: z.string().nullish(),
  modifiedDate: z.string().nullish(),
  checks: z
    .array(check)
    .nullish()
    .transform((v) => v ?? []),
});

/** Sales of money, not drinks: a gift card sold or reloaded, a house account paid off. */
const NOT_A_DRINK = new Set(['TOAST_CARD_SELL', 'TOAST_CARD_RELOAD', 'HOUSE_ACCOUNT_PAY_BALANCE']);

const cents = (dollars: number) => Math.round(dollars * 100);
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const date = (s: string | null | undefined) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined);

/**
 * A modifier's own modifiers ("double" on "add a shot") count as the drink's. A special request
 * is free text a guest asked for ("no ice"), carried as a modifier with selectionType SPECIAL_REQUEST
 * (https://doc.toasttab.com/doc/devguide/apiSpecifyingModifiersAndInstructions.html): no recipe can
 * name it, so counting it would leave the drink unmapped; the drink is poured by its own recipe.
 * A modifier's quantity is not read: Toast requires it to equal its selection's, and an extra
 * serving is the same modifier listed again (same page, "Requirements for modifier quantities").
 */
function modifiersOf(s: Selection): PosLine['modifiers'] {
  return (s.modifiers ?? [])
    .filter((m) => !m.voided && m.selectionType !== 'SPECIAL_REQUEST')
    .flatMap((m) => [{ key: m.item?.guid ?? (m.displayName || m.guid), name: m.displayName }, ...modifiersOf(m)]);
}

/**
 * Toast's order in PosOrder's words. A selection is one line (its GUID stays with it through
 * every update). What was poured and is undone comes back:
 * - a voided or deleted order is cancelled whole; a voided check (or one deleted when it was
 *   merged into another, whose selections then arrive on that check) voids its selections;
 * - a voided selection has quantity 0;
 * - a refund is money (RefundDetails.refundAmount, tax excluded), not a count: the share of the
 *   selection's net price refunded is the share of its quantity returned, so refunding one
 *   of two margaritas reverses one.
 * The order's version is its modifiedDate, so an update that arrives after a newer one changes nothing.
 */
export function toastOrder(raw: unknown): PosOrder {
  const parsed = toastOrderSchema.parse(raw);
  const gone = !!(parsed.voided || parsed.deleted);
  const lines: PosLine[] = [];
  for (const check of parsed.checks) {
    const checkGone = !!(check.voided || check.deleted);
    for (const selection of check.selections) {
      if (selection.deferred || (selection.selectionType && NOT_A_DRINK.has(selection.selectionType))) continue;
      const price = selection.price ?? 0;
      const refunded = Math.max(0, selection.refundDetails?.refundAmount ?? 0);
      const returnedShare = price > 0 ? Math.min(1, refunded / price) : 0;
      const voided = checkGone || !!selection.voided;
      lines.push({
        uid: selection.guid,
        menuKey: selection.item?.guid ?? (selection.displayName || selection.guid),
        menuName: selection.displayName,
        modifiers: modifiersOf(selection),
        quantity: voided ? 0 : round3(selection.quantity * (1 - returnedShare)),
        revenueCents: voided ? 0 : Math.max(0, cents(price - refunded)),
        soldAt: date(selection.createdDate),
      });
    }
  }
  const at = date(parsed.openedDate) ?? date(parsed.createdDate) ?? date(parsed.modifiedDate) ?? new Date();
  return { orderId: parsed.guid, version: date(parsed.modifiedDate)?.getTime() ?? 0, canceled: gone, at, lines };
}
