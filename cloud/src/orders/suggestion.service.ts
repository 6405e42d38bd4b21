import type { Db } from '../db/types.js';
import { itemRecords, type InventoryService } from '../inventory/index.js';
import { supplierRecords, unitPrice, type Offer, type Supplier } from '../suppliers/index.js';
import { venueRecords } from '../venues/index.js';
import { notFound } from '../errors.js';
import type { DemandSource } from './demand.js';
import { OrderRepository } from './order.repository.js';
import { quantity, quantityOf } from '@smartstock/api/quantity';
import { reviewDays, suggestOrder, type ItemNeed, type SuggestedOrder } from './suggest.js';

/** Safety factors (standard normal quantiles) of the service levels an item class may ask for. */
export const SERVICE_LEVEL_Z = { 0.9: 1.28, 0.95: 1.65, 0.975: 1.96, 0.99: 2.33 } as const;
export type ServiceLevel = keyof typeof SERVICE_LEVEL_Z;

export interface SuggestionDeps {
  db: Db;
  /** stock through the inventory module's service: every location of the venue, cameras and off-camera */
  inventory: Pick<InventoryService, 'locationStock'>;
  /** absent, or silent about an item: order-up-to-par */
  demand?: DemandSource | undefined;
  /** the share of order cycles that should end without running out: 95 % unless the item's class (category) says otherwise */
  serviceLevel?: { default: ServiceLevel; byCategory?: Partial<Record<string, ServiceLevel>> } | undefined;
  now?: () => Date;
}

export type SupplierSuggestion = SuggestedOrder & {
  supplierId: string;
  supplierName: string;
  email: string | null;
  leadTimeDays: number;
  reviewDays: number;
};

const zOf = (level: ServiceLevel | undefined) => (level === undefined ? undefined : SERVICE_LEVEL_Z[level]);

/** The offer an item is ordered on: the preferred one, else the cheapest per bottle, else any. */
function chosenOffer(offers: Offer[]): Offer | undefined {
  return [...offers].sort(
    (a, b) => Number(b.preferred) - Number(a.preferred) || (unitPrice(a) ?? Infinity) - (unitPrice(b) ?? Infinity),
  )[0];
}

/** What to order this week, per supplier, for one venue. */
export class SuggestionService {
  constructor(private readonly deps: SuggestionDeps) {}

  async suggest(orgId: string, venueId: string) {
    const now = this.deps.now?.() ?? new Date();
    const venues = venueRecords(this.deps.db);
    if (!(await venues.getVenue(orgId, venueId))) throw notFound('venue');
    const locations = (await venues.listLocations(orgId, venueId)).filter((l) => l.active);
    const stock = new Map<string, { name: string; onHand: number; par: number }>();
    for (const loc of locations) {
      for (const stockLevel of (await this.deps.inventory.locationStock(orgId, loc.id)).levels) {
        const total = stock.get(stockLevel.itemId) ?? { name: stockLevel.name, onHand: 0, par: 0 };
        total.onHand += stockLevel.level;
        total.par += stockLevel.parLevel;
        stock.set(stockLevel.itemId, total);
      }
    }
    const itemIds = [...stock.keys()];
    const suppliers = supplierRecords(this.deps.db);
    const byCategory = this.deps.serviceLevel?.byCategory ?? {};
    const [offers, onOrder, demand, units, categories] = await Promise.all([
      suppliers.offers(orgId, { itemIds }),
      new OrderRepository(this.deps.db).onOrder(orgId, venueId),
      this.deps.demand?.demand(orgId, venueId, itemIds) ?? Promise.resolve(new Map()),
      itemRecords(this.deps.db).units(orgId, itemIds),
      Object.keys(byCategory).length
        ? itemRecords(this.deps.db)
            .list(orgId, { limit: 100_000 })
            .then((items) => new Map(items.map((i) => [i.id, i.category])))
        : new Map<string, string>(),
    ]);
    const offersByItem = new Map<string, Offer[]>();
    for (const offer of offers) offersByItem.set(offer.itemId, [...(offersByItem.get(offer.itemId) ?? []), offer]);
    const needsBySupplier = new Map<string, ItemNeed[]>();
    const unassigned: { itemId: string; name: string; reason: string }[] = [];
    for (const [itemId, s] of stock) {
      const offer = chosenOffer(offersByItem.get(itemId) ?? []);
      const need: ItemNeed = {
        itemId,
        name: s.name,
        caseSize: offer?.caseSize ?? 1,
        casePrice: offer?.casePrice ?? null,
        unit: units.get(itemId),
        onHand: Math.max(0, Math.round(s.onHand * 1000) / 1000),
        onOrder: onOrder.get(itemId) ?? 0,
        par: s.par,
        demand: demand.get(itemId),
        z: zOf(byCategory[categories.get(itemId) ?? '']),
      };
      if (offer) needsBySupplier.set(offer.supplierId, [...(needsBySupplier.get(offer.supplierId) ?? []), need]);
      else if (need.onHand + need.onOrder < need.par)
        unassigned.push({
          itemId,
          name: s.name,
          // "no supplier sells it" is what these have in common: the page says it once, above them
          reason: `below venue par ${quantity(need.par)} (all locations) with ${quantityOf(need.onHand, need.unit)} on hand`,
        });
    }
    const list = await suppliers.list(orgId, [...needsBySupplier.keys()]);
    const out: SupplierSuggestion[] = [];
    for (const sup of list) {
      const order = suggestOrder(needsBySupplier.get(sup.id)!, this.terms(sup, now));
      if (order.lines.length)
        out.push({
          supplierId: sup.id,
          supplierName: sup.name,
          email: sup.email,
          leadTimeDays: sup.leadTimeDays,
          reviewDays: reviewDays(sup.orderingDays, now),
          ...order,
        });
    }
    return { venueId, generatedAt: now, suppliers: out, unassigned };
  }

  private terms(s: Supplier, now: Date) {
    return {
      leadTimeDays: s.leadTimeDays,
      reviewDays: reviewDays(s.orderingDays, now),
      minOrderValue: s.minOrderValue,
      minOrderUnits: s.minOrderUnits,
      z: zOf(this.deps.serviceLevel?.default) ?? SERVICE_LEVEL_Z[0.95],
    };
  }
}
