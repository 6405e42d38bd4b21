import type { Db } from '../db/types.js';
import { venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import { orderNumber } from './document.js';
import { OrderRepository } from './order.repository.js';
import type { SuggestionService } from './suggestion.service.js';

/** What a low-stock message says to order, and the draft it is on. */
export interface AlertOrder {
  cases: number;
  caseSize: number;
  supplierName: string;
  orderId: string;
  /** PO-…: what the manager sees on the dashboard and the supplier on the PDF */
  orderNumber: string;
}

/**
 * For an item running low at a location: the venue's suggestion for it, put on the venue's draft
 * for that supplier so the message can link straight to an order to approve. An item already on
 * the draft keeps the cases it has (the alert is raised once per dip, but a person may have set
 * them); undefined when no supplier sells it or the suggestion orders none.
 */
export async function alertOrder(
  db: Db,
  suggestions: Pick<SuggestionService, 'suggest'>,
  orgId: string,
  itemId: string,
  locationId: string,
): Promise<AlertOrder | undefined> {
  const location = await venueRecords(db).getLocation(orgId, locationId);
  if (!location) return undefined;
  const found = (await suggestions.suggest(orgId, location.venueId)).suppliers
    .map((supplier) => ({ supplier, line: supplier.lines.find((l) => l.itemId === itemId) }))
    .find((match) => match.line && match.line.cases > 0);
  if (!found?.line) return undefined;
  const { supplier, line } = found;
  const answer = (cases: number, orderId: string): AlertOrder => ({
    cases,
    caseSize: line.caseSize,
    supplierName: supplier.supplierName,
    orderId,
    orderNumber: orderNumber(orderId),
  });
  return db.transaction(async (tx) => {
    const orders = new OrderRepository(tx);
    const newLine = { itemId, cases: line.cases, caseSize: line.caseSize, casePrice: line.casePrice, reason: line.reason };
    const draft = await orders.draftFor(orgId, location.venueId, supplier.supplierId);
    const onDraft = draft && (await orders.lines(orgId, [draft.id])).find((l) => l.itemId === itemId);
    if (draft && onDraft) return answer(onDraft.cases, draft.id);
    if (draft) await orders.addCases(orgId, draft.id, newLine);
    const order =
      draft ??
      (await orders.create(orgId, { venueId: location.venueId, supplierId: supplier.supplierId, notes: null, createdBy: null }, [newLine]));
    await auditLog(tx).record(orgId, {
      userId: null,
      action: draft ? 'add_line' : 'create',
      entity: 'purchase_order',
      entityId: order.id,
      detail: { itemId, cases: line.cases, from: 'low_stock_alert' },
    });
    return answer(line.cases, order.id);
  });
}

/** The order as the low-stock message names it, with a link into the dashboard when its public address is known. */
export function orderInMessage(
  o: AlertOrder,
  dashboardUrl: string | undefined,
): { cases: number; caseSize: number; supplier: string; draft: { number: string; link: string | undefined } } {
  return {
    cases: o.cases,
    caseSize: o.caseSize,
    supplier: o.supplierName,
    draft: { number: o.orderNumber, link: dashboardUrl && `${dashboardUrl}/#/orders/${o.orderId}` },
  };
}
