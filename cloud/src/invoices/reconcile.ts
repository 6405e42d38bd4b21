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
  for (const delivery of delivered) {
    const line = byItem.get(delivery.itemId);
    if (!line) {
      beside.push({ itemId: delivery.itemId, units: delivery.units });
      if (order)
        differences.push({
          kind: 'not_ordered',
          itemId: delivery.itemId,
          name: delivery.name,
          detail: `${fmt(delivery.units)} delivered, not on the order`,
        });
      continue;
    }
    const outstanding = Math.max(0, line.cases * line.caseSize - line.receivedUnits);
    const units = Math.min(delivery.units, outstanding);
    if (units > 0) onOrder.push({ lineId: line.id, units, casePrice: delivery.casePrice ?? undefined });
    if (delivery.units > outstanding + 1e-9) {
      beside.push({ itemId: delivery.itemId, units: delivery.units - outstanding });
      differences.push({
        kind: 'over',
        itemId: delivery.itemId,
        name: delivery.name,
        detail: `${fmt(delivery.units)} delivered, ${fmt(outstanding)} outstanding on the order`,
      });
    } else if (delivery.units < outstanding - 1e-9)
      differences.push({
        kind: 'short',
        itemId: delivery.itemId,
        name: delivery.name,
        detail: `${fmt(delivery.units)} delivered, ${fmt(outstanding)} outstanding on the order`,
      });
    if (delivery.casePrice !== null && line.casePrice !== null && Math.abs(delivery.casePrice - line.casePrice) > 0.005)
      differences.push({
        kind: 'price_changed',
        itemId: delivery.itemId,
        name: delivery.name,
        detail: `${money(delivery.casePrice)} a case on the invoice, ${money(line.casePrice)} on the order`,
      });
  }
  for (const l of order ?? []) {
    const outstanding = l.cases * l.caseSize - l.receivedUnits;
    if (outstanding > 1e-9 && !delivered.some((delivery) => delivery.itemId === l.itemId))
      differences.push({ kind: 'missing', itemId: l.itemId, name: l.name, detail: `${fmt(outstanding)} outstanding, not on the invoice` });
  }
  return { onOrder, beside, differences };
}

const fmt = (u: number) => `${Math.round(u * 1000) / 1000} unit${u === 1 ? '' : 's'}`;
const money = (v: number) => v.toFixed(2);
