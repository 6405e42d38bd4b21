import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/types.js';
import { ItemRepository } from './item.repository.js';
import { StockRepository } from './stock.repository.js';
import { measuredAt, type MeasuredStock } from './stock.js';
import type { InventoryService } from './inventory.service.js';
import itemRoutes from './items.routes.js';
import catalogueRoutes from './catalogue.routes.js';
import type { CatalogueService } from './catalogue.service.js';
import inventoryRoutes from './routes.js';

export { InventoryService, type Adjustment, type Transfer } from './inventory.service.js';
export type { RecordedSales, SaleDepletion } from './sale-depletion.js';
export { present, type MeasuredStock, type PresentedStock } from './stock.js';
export { HEARTBEAT_KEEP_SECONDS, ObservationService, type ObservingDevice } from './observation.service.js';
export { CatalogueService } from './catalogue.service.js';
export { ObservationPartitions, type ObservationRetention } from './observation-partitions.js';
export type { Item, ItemInput, ItemLocation } from './item.repository.js';

/** What other modules may read or create inside their own transaction (a slot's SKU in device config, the demo seed). */
export type ItemRecords = Pick<ItemRepository, 'get' | 'bottleSizes' | 'units' | 'list' | 'create' | 'setStockSettings'>;
export const itemRecords = (q: Queryable): ItemRecords => new ItemRepository(q);

/**
 * Stock of item-location pairs as it stood at an instant (both parts), inside the caller's transaction:
 * the variance report's opening and closing.
 */
export const stockAt = async (
  q: Queryable,
  orgId: string,
  pairs: { itemId: string; locationId: string }[],
  at: Date,
): Promise<MeasuredStock[]> =>
  (
    await new StockRepository(q).partsAt(
      orgId,
      pairs.map((pair) => pair.itemId),
      pairs.map((pair) => pair.locationId),
      at,
    )
  ).map(measuredAt);

/** /inventory/items (the catalogue), stock levels, adjustments, scans and history. */
export async function inventoryModule(
  app: FastifyInstance,
  o: { inventory: InventoryService; catalogue?: CatalogueService | undefined },
): Promise<void> {
  await app.register(itemRoutes, o);
  if (o.catalogue) await app.register(catalogueRoutes, { catalogue: o.catalogue });
  await app.register(inventoryRoutes, o);
}
