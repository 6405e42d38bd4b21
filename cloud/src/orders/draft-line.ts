import type { Db } from '../db/types.js';
import { itemRecords } from '../inventory/index.js';
import { supplierRecords, type Offer } from '../suppliers/index.js';
import { venueRecords } from '../venues/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { OrderRepository } from './order.repository.js';

export interface DraftLineInput {
  venueId: string;
  itemId: string;
  cases: number;
  /** absent: the item's preferred supplier, or its only one */
  supplierId?: string | undefined;
}

/**
 * "order 2 cases of Aperol": the cases go on the venue's draft order for the item's supplier,
 * a new draft when there is none, so a shift's worth of "order …" becomes one order to approve.
 */
export async function addToDraft(db: Db, a: Actor, input: DraftLineInput) {
  return db.transaction(async (tx) => {
    const items = itemRecords(tx);
    const suppliers = supplierRecords(tx);
    const orders = new OrderRepository(tx);
    if (!(await venueRecords(tx).getVenue(a.orgId, input.venueId))) throw notFound('venue');
    const item = await items.get(a.orgId, input.itemId);
    if (!item) throw notFound('item');
    const asked = input.supplierId ? await suppliers.get(a.orgId, input.supplierId) : undefined;
    if (input.supplierId && !asked) throw notFound('supplier');
    const offers = await suppliers.offers(a.orgId, { itemIds: [item.id] });
    const names = new Map(
      (
        await suppliers.list(
          a.orgId,
          offers.map((offer) => offer.supplierId),
        )
      ).map((supplier) => [supplier.id, supplier.name]),
    );
    if (asked) names.set(asked.id, asked.name);
    const offer = pickOffer(item.name, offers, names, input.supplierId);
    let order = await orders.draftFor(a.orgId, input.venueId, offer.supplierId);
    const created = !order;
    const line = { itemId: item.id, cases: input.cases, caseSize: offer.caseSize, casePrice: offer.casePrice, reason: null };
    if (!order)
      order = await orders.create(a.orgId, { venueId: input.venueId, supplierId: offer.supplierId, notes: null, createdBy: a.userId }, [
        line,
      ]);
    else await orders.addCases(a.orgId, order.id, line);
    await auditLog(tx).record(a.orgId, {
      userId: a.userId,
      action: created ? 'create' : 'add_line',
      entity: 'purchase_order',
      entityId: order.id,
      detail: { itemId: item.id, cases: input.cases, from: 'command' },
    });
    return { orderId: order.id, supplierName: names.get(offer.supplierId)!, itemId: item.id, cases: input.cases, created };
  });
}

function pickOffer(itemName: string, offers: Offer[], names: Map<string, string>, supplierId: string | undefined): Offer {
  if (supplierId) {
    const offer = offers.find((candidate) => candidate.supplierId === supplierId);
    if (!offer) throw badRequest(`${names.get(supplierId)} does not sell ${itemName}: add it to the supplier first`, 'supplierId');
    return offer;
  }
  if (!offers.length) throw conflict(`no supplier sells ${itemName} yet: add one, with its case size, on the item's page`, 'itemId');
  const chosen = offers.find((offer) => offer.preferred) ?? (offers.length === 1 ? offers[0] : undefined);
  if (!chosen) {
    const list = offers.map((offer) => names.get(offer.supplierId)).join(' and ');
    throw conflict(`${itemName} is sold by ${list}: say which, or mark one as preferred on the item's page`, 'supplierId');
  }
  return chosen;
}
