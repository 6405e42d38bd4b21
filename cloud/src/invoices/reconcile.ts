import type { Difference } from './invoice.repository.js';

export interface Delivered {
  itemId: string;
  name: string;
  units: number;
  /** the invoice's price per case */
  casePrice: number | null;
}
export interface OrderedLine {
  id: string;
  itemId: string;
  name: string;
  cases: number;
  caseSize: number;
  casePrice: number | null;
  receivedUnits: number;
}

/**
 * What an invoice's delivery does to its purchase order: per order line the units it receives (up to what
 * is outstanding), the rest received beside the order, and every difference said in words: short (or
 * missing altogether), over, not on the order, price changed.
 */
export function reconcile(delivered: Delivered[], order: OrderedLine[] | null) {
  const onOrder: { lineId: string; units: number; casePrice?: number | undefined }[] = [];
  const beside: { itemId: string; units: number }[] = [];
  const differences: Difference[] = [];
  const byItem = new Map(order?.map((l) => [l.itemId, l]) ?? []);
  for (const d of delivered) {
    const line = byItem.get(d.itemId);
    if (!line) {
      beside.push({ itemId: d.itemId, units: d.units });
      if (order)
        differences.push({ kind: 'not_ordered', itemId: d.itemId, name: d.name, detail: `${fmt(d.units)} delivered, not on the order` });
      continue;
    }
    const outstanding = Math.max(0, line.cases * line.caseSize - line.receivedUnits);
    const units = Math.min(d.units, outstanding);
    if (units > 0) onOrder.push({ lineId: line.id, units, casePrice: d.casePrice ?? undefined });
    if (d.units > outstanding + 1e-9) {
      beside.push({ itemId: d.itemId, units: d.units - outstanding });
      differences.push({
        kind: 'over',
        itemId: d.itemId,
        name: d.name,
        detail: `${fmt(d.units)} delivered, ${fmt(outstanding)} outstanding on the order`,
      });
    } else if (d.units < outstanding - 1e-9)
      differences.push({
        kind: 'short',
        itemId: d.itemId,
        name: d.name,
        detail: `${fmt(d.units)} delivered, ${fmt(outstanding)} outstanding on the order`,
      });
    if (d.casePrice !== null && line.casePrice !== null && Math.abs(d.casePrice - line.casePrice) > 0.005)
      differences.push({
        kind: 'price_changed',
        itemId: d.itemId,
        name: d.name,
        detail: `${money(d.casePrice)} a case on the invoice, ${money(line.casePrice)} on the order`,
      });
  }
  for (const l of order ?? []) {
    const outstanding = l.cases * l.caseSize - l.receivedUnits;
    if (outstanding > 1e-9 && !delivered.some((d) => d.itemId === l.itemId))
      differences.push({ kind: 'missing', itemId: l.itemId, name: l.name, detail: `${fmt(outstanding)} outstanding, not on the invoice` });
  }
  return { onOrder, beside, differences };
}

const fmt = (u: number) => `${Math.round(u * 1000) / 1000} unit${u === 1 ? '' : 's'}`;
const money = (v: number) => v.toFixed(2);
