import type { Logger } from '@smartstock/runtime';
import type { Db } from '../db/types.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import { auditLog } from '../audit/index.js';
import { itemRecords, type InventoryService } from '../inventory/index.js';
import { supplierRecords } from '../suppliers/index.js';
import { storageAmong, venueRecords } from '../venues/index.js';
import type { OrderService } from '../orders/index.js';
import type { Actor } from '../plugins/http.js';
import { InvoiceRepository } from './invoice.repository.js';
import { reconcile, type Delivered } from './reconcile.js';

export interface Approval {
  supplierId?: string | undefined;
  /** null: receive without an order even when one is open */
  orderId?: string | null | undefined;
  locationId?: string | undefined;
  lines?:
    | {
        lineId: string;
        itemId?: string | null | undefined;
        skip?: boolean | undefined;
        quantity?: number | undefined;
        unitPrice?: number | undefined;
      }[]
    | undefined;
}
export interface ApprovalDeps {
  db: Db;
  orders: Pick<OrderService, 'get' | 'receive'>;
  inventory: Pick<InventoryService, 'adjust'>;
  logger: Logger;
}

/**
 * Approves a reviewed invoice: every line has an item (or is skipped) and the supplier is known, or
 * nothing happens. Stock goes in through the purchase order's receive (prices updated there), and
 * what the order did not expect through inventory's RECEIVE; the differences are kept on the invoice.
 */
export async function approveInvoice(deps: ApprovalDeps, a: Actor, id: string, input: Approval) {
  const repo = new InvoiceRepository(deps.db);
  const inv = await repo.get(a.orgId, id);
  if (!inv) throw notFound('invoice');
  if (inv.status !== 'review') throw conflict(`the invoice is ${inv.status}: only an invoice in review can be approved`, 'status');
  const supplierId = input.supplierId ?? inv.supplierId;
  if (!supplierId) throw new AppError(422, 'unknown_supplier', 'the invoice names no supplier of yours: choose the supplier', 'supplierId');
  if (!(await supplierRecords(deps.db).get(a.orgId, supplierId))) throw notFound('supplier');
  const lines = await repo.lines(a.orgId, id);
  const edits = new Map((input.lines ?? []).map((e, i) => [e.lineId, { ...e, i }]));
  for (const [lineId, e] of edits)
    if (!lines.some((l) => l.id === lineId)) throw badRequest(`line ${lineId} is not on this invoice`, `lines.${e.i}.lineId`);
  const final = lines.map((l) => {
    const e = edits.get(l.id);
    return {
      line: l,
      skip: e?.skip ?? false,
      itemId: e && e.itemId !== undefined ? e.itemId : l.itemId,
      quantity: e?.quantity ?? l.quantity,
      unitPrice: e?.unitPrice ?? l.unitPrice,
      edited: !!e && (e.itemId !== undefined || e.quantity !== undefined || e.unitPrice !== undefined),
    };
  });
  const open = final.filter((f) => !f.skip && !f.itemId);
  if (open.length)
    throw new AppError(
      422,
      'unmatched_lines',
      `line ${open.map((f) => f.line.position).join(', ')} match no item: choose an item or skip each`,
      'lines',
    );
  const kept = final.filter((f) => !f.skip);
  if (!kept.length) throw badRequest('every line is skipped: nothing to receive', 'lines');
  const names = new Map<string, string>();
  for (const f of kept) {
    const item = await itemRecords(deps.db).get(a.orgId, f.itemId!);
    if (!item) throw notFound('item');
    names.set(item.id, item.name);
  }
  const orderId =
    input.orderId === null ? null : (input.orderId ?? (input.supplierId && input.supplierId !== inv.supplierId ? null : inv.orderId));
  const order = orderId ? await deps.orders.get(a.orgId, orderId) : null;
  if (order && (order.supplierId !== supplierId || order.venueId !== inv.venueId))
    throw badRequest("the order is not this supplier's for this venue", 'orderId');
  if (order && !['sent', 'partly_received'].includes(order.status))
    throw conflict(`the order is ${order.status}: it takes no delivery`, 'orderId');
  const locationId = await receivingLocation(deps.db, a.orgId, inv.venueId, input.locationId);

  // invoice quantities are the supplier's cases: units by the supplier's case size
  const offers = new Map((await supplierRecords(deps.db).offers(a.orgId, { supplierId })).map((offer) => [offer.itemId, offer]));
  const delivered = new Map<string, Delivered>();
  for (const f of kept) {
    const caseSize = order?.lines.find((l) => l.itemId === f.itemId)?.caseSize ?? offers.get(f.itemId!)?.caseSize ?? 1;
    const had = delivered.get(f.itemId!);
    delivered.set(f.itemId!, {
      itemId: f.itemId!,
      name: names.get(f.itemId!)!,
      units: (had?.units ?? 0) + f.quantity * caseSize,
      casePrice: f.unitPrice,
    });
  }
  const plan = reconcile([...delivered.values()], order?.lines ?? null);

  await deps.db.transaction(async (tx) => {
    const w = new InvoiceRepository(tx);
    if (!(await w.claim(a.orgId, id, { supplierId, orderId: order?.id ?? null })))
      throw conflict('the invoice is being approved already', 'status');
    for (const f of final)
      await w.setLine(a.orgId, f.line.id, { itemId: f.itemId, quantity: f.quantity, unitPrice: f.unitPrice, edited: f.edited });
  });
  let stocked = false;
  try {
    if (order && plan.onOrder.length) {
      await deps.orders.receive(a, order.id, { locationId, lines: plan.onOrder });
      stocked = true;
    }
    for (const b of plan.beside) {
      await deps.inventory.adjust(a, b.itemId, {
        locationId,
        type: 'RECEIVE',
        quantity: b.units,
        reason: `invoice ${inv.invoiceNumber ?? id.slice(0, 8)}`,
        sourceType: 'invoice',
        sourceId: id,
      });
      stocked = true;
    }
    if (!order) await updatePrices(deps.db, a.orgId, supplierId, [...delivered.values()], offers);
  } catch (e) {
    // nothing in stock yet: back to review with the reason; after some went in, it stays approving and says so
    if (!stocked) await repo.release(a.orgId, id, (e as Error).message);
    else {
      await repo.release(a.orgId, id, `partly received before an error, check stock: ${(e as Error).message}`).catch(() => undefined);
      deps.logger.error({ err: e, invoiceId: id }, 'invoice partly received');
    }
    throw e;
  }
  await deps.db.transaction(async (tx) => {
    await new InvoiceRepository(tx).approved(a.orgId, id, a.userId, plan.differences);
    await auditLog(tx).record(a.orgId, {
      userId: a.userId,
      action: 'approve',
      entity: 'invoice',
      entityId: id,
      detail: { orderId: order?.id ?? null, locationId, lines: kept.length, differences: plan.differences.length },
    });
  });
}

/** Without an order the invoice's case prices become the supplier's prices, with history. */
async function updatePrices(
  db: Db,
  orgId: string,
  supplierId: string,
  delivered: Delivered[],
  offers: Map<string, { caseSize: number; casePrice: number | null }>,
) {
  await db.transaction(async (tx) => {
    const suppliers = supplierRecords(tx);
    for (const delivery of delivered) {
      const offer = offers.get(delivery.itemId);
      if (!offer || delivery.casePrice === null || offer.casePrice === delivery.casePrice) continue;
      await suppliers.setCasePrice(orgId, supplierId, delivery.itemId, delivery.casePrice);
      await suppliers.recordPrice(orgId, {
        supplierId,
        itemId: delivery.itemId,
        caseSize: offer.caseSize,
        casePrice: delivery.casePrice,
        source: 'receipt',
      });
    }
  });
}

async function receivingLocation(db: Db, orgId: string, venueId: string, locationId: string | undefined): Promise<string> {
  const venues = venueRecords(db);
  if (locationId) {
    const loc = await venues.getLocation(orgId, locationId);
    if (!loc) throw notFound('location');
    if (loc.venueId !== venueId) throw badRequest("the location is not one of the invoice's venue", 'locationId');
    return loc.id;
  }
  const storage = storageAmong(await venues.listLocations(orgId, venueId));
  if (!storage) throw badRequest('the venue has no storage location: say where the delivery goes', 'locationId');
  return storage.id;
}
