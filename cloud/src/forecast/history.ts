import { dateOf, dayNumber, type RawPoint } from './models/index.js';

/** Where a day's demand comes from. stockout and none: demand not known (censored). */
export type DemandSource = 'pos' | 'camera' | 'count' | 'stockout' | 'none';

/** One day of an item at a location, as the repository adds it up (the venue's calendar day). */
export interface DayFacts {
  day: string;
  /** units sold through the POS (SALE rows) and how many rows */
  sold: number;
  sales: number;
  /** units received */
  received: number;
  /** use a count found since the count before: the ledger level minus the counted one */
  countedUse: number;
  counts: number;
  /** the ledger's level after the day's last movement, if any moved */
  ledgerLevel: number | null;
  /** the cameras' units at the day's last trusted observation (summed over slots), if any: the shelf only */
  cameraUnits: number | null;
  /** the off-camera part (well, storage) at the day's end: every off-camera row up to it */
  offCamera: number;
}

/** The location's whole stock on a day the cameras read it: their shelf plus what they cannot see. */
const seen = (f: DayFacts): number | null => (f.cameraUnits === null ? null : f.cameraUnits + f.offCamera);

export interface DemandDay {
  date: string;
  quantity: number | null;
  source: DemandSource;
}

/**
 * Daily demand from the day facts, `from` to `to` inclusive. POS sales where
 * the item is sold through a mapped POS (from its first sale on); otherwise
 * depletion: what the cameras (or, without cameras, counts) saw go between
 * two readings, receipts taken out, spread evenly over the days between.
 * A day that ends at zero stock is censored (its demand was at least what
 * sold, maybe more), and so is every day of a depletion interval that ends at
 * zero; a rise the receipts do not explain is unknown, not negative demand.
 */
export function demandHistory(facts: readonly DayFacts[], from: string, to: string): DemandDay[] {
  const start = dayNumber(from);
  const days = dayNumber(to) - start + 1;
  const by = new Map(facts.map((f) => [dayNumber(f.day) - start, f]));
  const out: DemandDay[] = Array.from({ length: Math.max(0, days) }, (_, i) => ({
    date: dateOf(start + i),
    quantity: null,
    source: 'none',
  }));
  const firstSale = facts.filter((f) => f.sales > 0).reduce((m, f) => Math.min(m, dayNumber(f.day) - start), Infinity);
  const hasCamera = facts.some((f) => f.cameraUnits !== null);

  // depletion, from cameras or counts, on the days before POS sales start
  const readings: { i: number; level: number; use?: number }[] = [];
  for (let i = 0; i < Math.min(days, firstSale); i++) {
    const f = by.get(i);
    if (!f) continue;
    if (hasCamera && f.cameraUnits !== null) readings.push({ i, level: seen(f)! });
    if (!hasCamera && f.counts > 0) readings.push({ i, level: f.ledgerLevel ?? 0, use: f.countedUse });
  }
  for (let k = 1; k < readings.length; k++) {
    const a = readings[k - 1]!;
    const b = readings[k]!;
    let received = 0;
    for (let i = a.i + 1; i <= b.i; i++) received += by.get(i)?.received ?? 0;
    const used = b.use ?? a.level - b.level + received;
    const span = b.i - a.i;
    for (let i = a.i + 1; i <= b.i; i++) {
      const day = out[i]!;
      if (b.level <= 0) day.source = 'stockout';
      else if (used >= 0) {
        day.quantity = used / span;
        day.source = hasCamera ? 'camera' : 'count';
      }
    }
  }

  for (let i = Number.isFinite(firstSale) ? firstSale : days; i < days; i++) {
    const f = by.get(i);
    const day = out[i]!;
    const level = (f && seen(f)) ?? f?.ledgerLevel ?? null;
    if (level !== null && level <= 0) day.source = 'stockout';
    else {
      day.quantity = f?.sold ?? 0;
      day.source = 'pos';
    }
  }
  return out;
}

/** The history as the forecaster takes it: from the first known day, censored and unknown days as null. */
export function toPoints(days: readonly DemandDay[]): RawPoint[] {
  const first = days.findIndex((day) => day.quantity !== null);
  return first < 0 ? [] : days.slice(first).map((day) => ({ date: day.date, quantity: day.quantity }));
}

export function sourceCounts(days: readonly DemandDay[]): Record<DemandSource, number> {
  const c: Record<DemandSource, number> = { pos: 0, camera: 0, count: 0, stockout: 0, none: 0 };
  for (const day of days) c[day.source] += 1;
  return c;
}
