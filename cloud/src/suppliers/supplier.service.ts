import type { Db, Queryable } from '../db/types.js';
import { itemRecords } from '../inventory/index.js';
import { auditLog } from '../audit/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, conflict, notFound, uniqueAs } from '../errors.js';
import { SupplierRepository, type OfferInput, type Supplier, type SupplierInput } from './supplier.repository.js';

function repos(q: Queryable) {
  return { suppliers: new SupplierRepository(q), items: itemRecords(q), audit: auditLog(q) };
}

/** The price of one bottle (unit) once the case is split; null without a price. */
export const unitPrice = (o: { caseSize: number; casePrice: number | null }): number | null =>
  o.casePrice === null ? null : Math.round((o.casePrice / o.caseSize) * 10_000) / 10_000;

const ISO_DAYS = new Set([1, 2, 3, 4, 5, 6, 7]);
function checkDays(days: number[] | undefined) {
  if (days && days.some((d) => !ISO_DAYS.has(d)))
    throw badRequest('ordering days are ISO weekdays, 1 (Monday) to 7 (Sunday)', 'orderingDays');
}

/** Suppliers, what they sell us and at what price. */
export class SupplierService {
  constructor(private readonly db: Db) {}

  list(orgId: string) {
    return repos(this.db).suppliers.list(orgId);
  }

  async get(orgId: string, id: string) {
    const r = repos(this.db);
    const supplier = await r.suppliers.get(orgId, id);
    if (!supplier) throw notFound('supplier');
    return { ...supplier, items: await r.suppliers.offers(orgId, { supplierId: id }) };
  }

  async create(a: Actor, input: SupplierInput): Promise<Supplier> {
    checkDays(input.orderingDays);
    return this.write(async (r) => {
      const s = await r.suppliers.create(a.orgId, input).catch(uniqueAs('a supplier with this name exists', 'name'));
      await r.audit.record(a.orgId, { userId: a.userId, action: 'create', entity: 'supplier', entityId: s.id });
      return s;
    });
  }

  async update(a: Actor, id: string, patch: Partial<SupplierInput>): Promise<Supplier> {
    checkDays(patch.orderingDays);
    return this.write(async (r) => {
      const s = await r.suppliers.update(a.orgId, id, patch).catch(uniqueAs('a supplier with this name exists', 'name'));
      if (!s) throw notFound('supplier');
      await r.audit.record(a.orgId, {
        userId: a.userId,
        action: 'update',
        entity: 'supplier',
        entityId: id,
        detail: { fields: Object.keys(patch) },
      });
      return s;
    });
  }

  /** Sets the supplier's code, case and case price for an item; a changed price joins the history. */
  async setOffer(a: Actor, supplierId: string, o: OfferInput) {
    return this.write(async (r) => {
      if (!(await r.suppliers.get(a.orgId, supplierId))) throw notFound('supplier');
      if (!(await r.items.get(a.orgId, o.itemId))) throw notFound('item');
      if (o.supplierCode !== null) {
        o = { ...o, supplierCode: o.supplierCode.trim() || null };
        const taken = o.supplierCode ? await r.suppliers.itemWithCode(a.orgId, supplierId, o.supplierCode) : undefined;
        if (taken && taken.itemId !== o.itemId)
          throw conflict(`the supplier's code ${o.supplierCode} is already on "${taken.name}"`, 'supplierCode');
      }
      const [before] = await r.suppliers.offers(a.orgId, { supplierId, itemIds: [o.itemId] });
      const offer = await r.suppliers.setOffer(a.orgId, supplierId, o);
      if (o.casePrice !== null && (before?.casePrice !== o.casePrice || before.caseSize !== o.caseSize))
        await r.suppliers.recordPrice(a.orgId, {
          supplierId,
          itemId: o.itemId,
          caseSize: o.caseSize,
          casePrice: o.casePrice,
          source: 'manual',
        });
      await r.audit.record(a.orgId, {
        userId: a.userId,
        action: 'set_offer',
        entity: 'supplier',
        entityId: supplierId,
        detail: { itemId: o.itemId, caseSize: o.caseSize, casePrice: o.casePrice },
      });
      return offer;
    });
  }

  /** Every supplier of the item, cheapest per bottle first (after the case is split), each with its price history. */
  async pricing(orgId: string, itemId: string) {
    const r = repos(this.db);
    const item = await r.items.get(orgId, itemId);
    if (!item) throw notFound('item');
    const offers = await r.suppliers.offers(orgId, { itemIds: [itemId] });
    const suppliers = new Map(
      (
        await r.suppliers.list(
          orgId,
          offers.map((o) => o.supplierId),
        )
      ).map((s) => [s.id, s]),
    );
    const history = await r.suppliers.priceHistory(orgId, itemId);
    const rows = offers
      .map((o) => ({
        supplierId: o.supplierId,
        supplierName: suppliers.get(o.supplierId)!.name,
        supplierCode: o.supplierCode,
        caseSize: o.caseSize,
        casePrice: o.casePrice,
        unitPrice: unitPrice(o),
        preferred: o.preferred,
        history: history.filter((h) => h.supplierId === o.supplierId).map(({ supplierId: _, ...h }) => h),
      }))
      .sort((x, y) => (x.unitPrice ?? Infinity) - (y.unitPrice ?? Infinity) || x.supplierName.localeCompare(y.supplierName));
    const cheapest = rows[0]?.unitPrice ?? null;
    return { itemId, name: item.name, offers: rows.map((o) => ({ ...o, cheapest: cheapest !== null && o.unitPrice === cheapest })) };
  }

  private write<T>(fn: (r: ReturnType<typeof repos>) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(repos(tx)));
  }
}
