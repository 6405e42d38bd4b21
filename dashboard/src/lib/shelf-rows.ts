// Slots grouped the way the shelf holds them: one group per shelf row, top to bottom,
// and within a row in natural order ("slot 2" before "slot 10").
import type { Slot } from './types';

export interface ShelfRow<T> {
  label: string;
  slots: T[];
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const nameOf = (s: Slot) => s.name || s.id;
/** "Row 2, slot 4", "r2-s4", "row-2/3": the row a technician wrote into the name or id */
const namedRow = (s: Slot): string | undefined => (/\brow\s*-?\s*(\d+)/i.exec(nameOf(s)) ?? /^r(\d+)\b/i.exec(s.id))?.[1];

export function shelfRows<T>(items: T[], slotOf: (t: T) => Slot): ShelfRow<T>[] {
  const byName = (a: T, b: T) => natural.compare(nameOf(slotOf(a)), nameOf(slotOf(b)));
  if (items.length && items.every((t) => namedRow(slotOf(t)) !== undefined)) {
    const rows = new Map<string, T[]>();
    for (const t of items) {
      const r = namedRow(slotOf(t))!;
      rows.set(r, [...(rows.get(r) ?? []), t]);
    }
    return [...rows.entries()]
      .sort(([a], [b]) => natural.compare(a, b))
      .map(([r, slots]) => ({ label: `Row ${Number(r)}`, slots: slots.sort(byName) }));
  }
  // no row in the names: rows from where the slots sit in the picture (vertical bands that overlap)
  const box = (t: T) => {
    const ys = slotOf(t).polygon.map((p) => p[1]);
    return { top: Math.min(...ys), bottom: Math.max(...ys), mid: (Math.min(...ys) + Math.max(...ys)) / 2 };
  };
  const bands: { top: number; bottom: number; slots: T[] }[] = [];
  for (const t of [...items].sort((a, b) => box(a).mid - box(b).mid)) {
    const b = box(t);
    const band = bands.find((x) => b.mid >= x.top && b.mid <= x.bottom);
    if (band) {
      band.slots.push(t);
      band.top = Math.min(band.top, b.top);
      band.bottom = Math.max(band.bottom, b.bottom);
    } else bands.push({ ...b, slots: [t] });
  }
  if (bands.length === 1) return [{ label: 'Slots', slots: bands[0]!.slots.sort(byName) }];
  return bands.map((b, i) => ({ label: `Row ${i + 1}`, slots: b.slots.sort(byName) }));
}
