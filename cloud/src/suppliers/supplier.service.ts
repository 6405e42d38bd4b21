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
export const unitPrice = (offer: { caseSize: number; casePrice: number | null }): number | null =>
  offer.casePrice === null ? null : Math.round((offer.casePrice / offer.caseSize) * 10_000) / 10_000;

const ISO_DAYS = new Set([1, 2, 3, 4, 5, 6, 7]);
function checkDays(days: number[] | undefined) {
  if (days && days.some((day) => !ISO_DAYS.has(day)))
    throw badRequest('ordering days are ISO weekdays, 1 (Monday) to 7 (Sunday)', 'orderingDays');
}

/** Suppliers, what they sell us and at what price. */
export class SupplierService {
  constructor(private readonly db: Db) {}

  list(orgId: string) {
    return repos(this.db).suppliers.list(orgId);
  }

  async get(orgId: string, id: string) {
    const repositories = repos(this.db);
    const supplier = await repositories.suppliers.get(orgId, id);
    if (!supplier) throw notFound('supplier');
    return { ...supplier, items: await repositories.suppliers.offers(orgId, { supplierId: id }) };
  }

  async create(a: Actor, input: SupplierInput): Promise<Supplier> {
    checkDays(input.orderingDays);
    return this.write(async (repositories) => {
      const supplier = await repositories.suppliers.create(a.orgId, input).catch(uniqueAs('a supplier with this name exists', 'name'));
      await repositories.audit.record(a.orgId, { userId: a.userId, action: 'create', entity: 'supplier', entityId: supplier.id });
      return supplier;
    });
  }

  async update(a: Actor, id: string, patch: Partial<SupplierInput>): Promise<Supplier> {
    checkDays(patch.orderingDays);
    return this.write(async (repositories) => {
      const supplier = await repositories.suppliers.update(a.orgId, id, patch).catch(uniqueAs('a supplier with this name exists', 'name'));
      if (!supplier) throw notFound('supplier');
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: 'update',
        entity: 'supplier',
        entityId: id,
        detail: { fields: Object.keys(patch) },
      });
      return supplier;
    });
  }

  /** Sets the supplier's code, case and case price for an item; a changed price joins the history. */
  async setOffer(a: Actor, supplierId: string, input: OfferInput) {
    return this.write(async (repositories) => {
      if (!(await repositories.suppliers.get(a.orgId, supplierId))) throw notFound('supplier');
      if (!(await repositories.items.get(a.orgId, input.itemId))) throw notFound('item');
      if (input.supplierCode !== null) {
        input = { ...input, supplierCode: input.supplierCode.trim() || null };
        const taken = input.supplierCode ? await repositories.suppliers.itemWithCode(a.orgId, supplierId, input.supplierCode) : undefined;
        if (taken && taken.itemId !== input.itemId)
          throw conflict(`the supplier's code ${input.supplierCode} is already on "${taken.name}"`, 'supplierCode');
      }
      const [before] = await repositories.suppliers.offers(a.orgId, { supplierId, itemIds: [input.itemId] });
      const offer = await repositories.suppliers.setOffer(a.orgId, supplierId, input);
      if (input.casePrice !== null && (before?.casePrice !== input.casePrice || before.caseSize !== input.caseSize))
        await repositories.suppliers.recordPrice(a.orgId, {
          supplierId,
          itemId: input.itemId,
          caseSize: input.caseSize,
          casePrice: input.casePrice,
          source: 'manual',
        });
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: 'set_offer',
        entity: 'supplier',
        entityId: supplierId,
        detail: { itemId: input.itemId, caseSize: input.caseSize, casePrice: input.casePrice },
      });
      return offer;
    });
  }

  /** Every supplier of the item, cheapest per bottle first (after the case is split), each with its price history. */
  async pricing(orgId: string, itemId: string) {
    const repositories = repos(this.db);
    const item = await repositories.items.get(orgId, itemId);
    if (!item) throw notFound('item');
    const offers = await repositories.suppliers.offers(orgId, { itemIds: [itemId] });
    const suppliers = new Map(
      (
        await repositories.suppliers.list(
          orgId,
          offers.map((offer) => offer.supplierId),
        )
      ).map((supplier) => [supplier.id, supplier]),
    );
    const history = await repositories.suppliers.priceHistory(orgId, itemId);
    const rows = offers
      .map((offer) => ({
        supplierId: offer.supplierId,
        supplierName: suppliers.get(offer.supplierId)!.name,
        supplierCode: offer.supplierCode,
        caseSize: offer.caseSize,
        casePrice: offer.casePrice,
        unitPrice: unitPrice(offer),
        preferred: offer.preferred,
        history: history.filter((h) => h.supplierId === offer.supplierId).map(({ supplierId: _, ...h }) => h),
      }))
      .sort((x, y) => (x.unitPrice ?? Infinity) - (y.unitPrice ?? Infinity) || x.supplierName.localeCompare(y.supplierName));
    const cheapest = rows[0]?.unitPrice ?? null;
    return {
      itemId,
      name: item.name,
      offers: rows.map((offer) => ({ ...offer, cheapest: cheapest !== null && offer.unitPrice === cheapest })),
    };
  }

  private write<T>(fn: (repositories: ReturnType<typeof repos>) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(repos(tx)));
  }
}
