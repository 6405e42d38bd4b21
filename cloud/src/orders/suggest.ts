import { quantity, quantityOf } from '@smartstock/api/quantity';
import type { Demand } from './demand.js';

/** What one item needs to be suggested: its case from the chosen supplier, its stock, and its demand when forecast. */
export interface ItemNeed {
  itemId: string;
  name: string;
  caseSize: number;
  casePrice: number | null;
  /** what the item is counted in, as the reasons say it: bottle when absent */
  unit?: string | undefined;
  /** all the venue's locations, cameras and off-camera */
  onHand: number;
  /** ordered (approved, sent) and not received yet */
  onOrder: number;
  /** the venue's par level: the sum of its locations' (an order is delivered to the venue, and shared out from there) */
  par: number;
  demand?: Demand | undefined;
  /** the item's class's safety factor, when it has its own service level; else the terms' */
  z?: number | undefined;
}

export interface SupplierTerms {
  leadTimeDays: number;
  /** days until the order after this one: what this order must last */
  reviewDays: number;
  minOrderValue: number | null;
  minOrderUnits: number | null;
  /** safety factor of the default service level (1.65 ≈ 95 % of order cycles without a stock-out) */
  z: number;
}

export interface SuggestedLine {
  itemId: string;
  name: string;
  basis: 'forecast' | 'par';
  /** the stock the order brings the item up to */
  target: number;
  onHand: number;
  onOrder: number;
  caseSize: number;
  casePrice: number | null;
  cases: number;
  units: number;
  /** how the quantity came about, in words */
  reason: string;
}

export interface SuggestedOrder {
  lines: SuggestedLine[];
  units: number;
  /** lines without a price count nothing */
  value: number;
  /** null when the supplier has no minimum or the order meets it as it is */
  minimumNote: string | null;
}

const casesText = (cases: number, caseSize: number, unit = 'bottle') =>
  caseSize === 1 ? quantityOf(cases, unit) : `${quantityOf(cases, 'case')} of ${caseSize}`;

/** The stock an item should reach, and why: forecast demand over lead time and review period plus safety stock, or par. */
export function target(n: ItemNeed, t: SupplierTerms): { target: number; basis: 'forecast' | 'par' } {
  if (!n.demand) return { target: n.par, basis: 'par' };
  const horizon = t.leadTimeDays + t.reviewDays;
  const safety = (n.z ?? t.z) * n.demand.errorPerDay * Math.sqrt(horizon);
  return { target: n.demand.perDay * horizon + safety, basis: 'forecast' };
}

function reasonOf(n: ItemNeed, t: SupplierTerms, basis: 'forecast' | 'par', cases: number, extra: number): string {
  // the unit once, on the stock a manager checks against the shelf ("0.87 bottles on hand"); the other figures are in it too
  const stock = `${quantityOf(n.onHand, n.unit)} on hand${n.onOrder > 0 || basis === 'forecast' ? `, ${quantity(n.onOrder)} on order` : ''}`;
  const head =
    basis === 'forecast'
      ? `sells ~${quantity(n.demand!.perDay * 7)} a week, ${stock}, delivery in ${t.leadTimeDays} day${t.leadTimeDays === 1 ? '' : 's'}: order`
      : `no forecast yet: order up to venue par ${quantity(n.par)} (all locations), ${stock}:`;
  const topUp = extra > 0 ? ` (${casesText(extra, n.caseSize, n.unit)} more than needed, to reach the supplier's minimum order)` : '';
  return `${head} ${casesText(cases, n.caseSize, n.unit)}${topUp}`;
}

/** Days from the next ordering day to the one after it; a week when the supplier takes orders any day or once a week. */
export function reviewDays(orderingDays: number[], today: Date): number {
  const days = [...new Set(orderingDays)].sort((a, b) => a - b);
  if (days.length < 2) return 7;
  const iso = ((today.getUTCDay() + 6) % 7) + 1;
  const i = days.findIndex((day) => day >= iso);
  const next = i === -1 ? 0 : i;
  const after = days[(next + 1) % days.length]!;
  return (after - days[next]! + 7) % 7 || 7;
}

/**
 * One supplier's suggested order: each item up to its target, less what is on
 * hand and on order, rounded up to whole cases; then, below the supplier's
 * minimum (value or units), whole cases are added to the items that would
 * otherwise run out soonest, until it is met.
 */
export function suggestOrder(needs: ItemNeed[], t: SupplierTerms): SuggestedOrder {
  const work = needs.map((n) => {
    const { target: goal, basis } = target(n, t);
    const short = goal - n.onHand - n.onOrder;
    // 1e-9: a need of exactly 2 cases computed as 2.0000000001 is still 2
    const cases = short > 0 ? Math.ceil(short / n.caseSize - 1e-9) : 0;
    return { n, goal, basis, cases, extra: 0 };
  });
  const units = () => work.reduce((s, w) => s + (w.cases + w.extra) * w.n.caseSize, 0);
  const value = () => work.reduce((s, w) => s + (w.cases + w.extra) * (w.n.casePrice ?? 0), 0);
  const below = () => (t.minOrderValue !== null && value() < t.minOrderValue) || (t.minOrderUnits !== null && units() < t.minOrderUnits);
  let minimumNote: string | null = null;
  if (work.some((w) => w.cases > 0) && below()) {
    // topping up must be able to move the total: value needs a priced line
    const pool = work.filter((w) => w.goal > 0 && (t.minOrderValue === null || w.n.casePrice));
    for (let guard = 0; pool.length && below() && guard < 10_000; guard++) {
      const cover = (w: (typeof work)[number]) => (w.n.onHand + w.n.onOrder + (w.cases + w.extra) * w.n.caseSize) / w.goal;
      const neediest = pool.reduce((a, b) => (cover(b) < cover(a) ? b : a));
      neediest.extra += 1;
    }
    const mins = [
      t.minOrderValue !== null ? `${t.minOrderValue.toFixed(2)} in value` : null,
      t.minOrderUnits !== null ? `${t.minOrderUnits} units` : null,
    ].filter(Boolean);
    minimumNote = below()
      ? `below the supplier's minimum order (${mins.join(', ')}) and no priced line to add to: it may refuse the order`
      : `topped up to the supplier's minimum order (${mins.join(', ')})`;
  }
  const lines = work
    .filter((w) => w.cases + w.extra > 0)
    .map((w) => ({
      itemId: w.n.itemId,
      name: w.n.name,
      basis: w.basis,
      target: Math.round(w.goal * 10) / 10,
      onHand: w.n.onHand,
      onOrder: w.n.onOrder,
      caseSize: w.n.caseSize,
      casePrice: w.n.casePrice,
      cases: w.cases + w.extra,
      units: (w.cases + w.extra) * w.n.caseSize,
      reason: reasonOf(w.n, t, w.basis, w.cases + w.extra, w.extra),
    }));
  return { lines, units: units(), value: Math.round(value() * 100) / 100, minimumNote };
}
