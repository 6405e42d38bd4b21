import type { Invoice, InvoiceLine } from './invoice.repository.js';

export interface ReviewItem {
  code: 'unknown_supplier' | 'unmatched_line' | 'no_lines' | 'no_order';
  message: string;
  lineId: string | null;
}

/** What a person must settle (or should know) before approving: never a silent partial receipt. */
export function reviewItems(inv: Invoice, lines: InvoiceLine[]): ReviewItem[] {
  if (inv.status !== 'review') return [];
  const out: ReviewItem[] = [];
  if (!inv.supplierId)
    out.push({
      code: 'unknown_supplier',
      message: `no supplier of yours matches ${inv.supplierName ? `"${inv.supplierName}"` : 'the invoice'}: choose one (or add it) before approving`,
      lineId: null,
    });
  if (!lines.length)
    out.push({ code: 'no_lines', message: 'no line items were read: check the file, or upload a clearer photo', lineId: null });
  for (const l of lines)
    if (!l.itemId)
      out.push({
        code: 'unmatched_line',
        message: `line ${l.position} "${l.description}" matches no item: choose one, or skip the line`,
        lineId: l.id,
      });
  if (inv.supplierId && !inv.orderId)
    out.push({
      code: 'no_order',
      message: 'no open purchase order from this supplier: the delivery is received without one',
      lineId: null,
    });
  return out;
}

export function present(inv: Invoice, lines: InvoiceLine[], itemNames: Map<string, string>) {
  const { blobKey: _, ...rest } = inv;
  return {
    ...rest,
    lines: lines.map((l) => ({ ...l, itemName: l.itemId ? (itemNames.get(l.itemId) ?? null) : null })),
    review: reviewItems(inv, lines),
  };
}
export type Presented = ReturnType<typeof present>;
