import type { repos } from './inventory.service.js';
import { enterMany, locationOf } from './ledger.js';
import type { PresentedStock } from './stock.js';

type Repos = ReturnType<typeof repos>;

/** One SALE row of theoretical depletion; quantity in bottle units, negative to deplete. */
export interface SaleDepletion {
  itemId: string;
  locationId: string;
  quantity: number;
  /** the POS line it comes from: pos connection and line uid */
  sourceId: string;
  at?: Date | undefined;
  reason?: string | undefined;
}
export type RecordedSales = Map<string, { venueId: string; stock: PresentedStock }>;

/** InventoryService.recordSales over the caller's repositories: one SALE row per sale, grouped by location. */
export async function recordSales(repositories: Repos, orgId: string, sales: SaleDepletion[]): Promise<RecordedSales> {
  const out: RecordedSales = new Map();
  const byLocation = new Map<string, SaleDepletion[]>();
  for (const sale of sales) byLocation.set(sale.locationId, [...(byLocation.get(sale.locationId) ?? []), sale]);
  for (const [locationId, group] of byLocation) {
    const loc = await locationOf(repositories, orgId, locationId);
    // an item sold twice in one batch moves once per round, in the order given, each round against the level the last left
    const rounds: SaleDepletion[][] = [];
    const seen = new Map<string, number>();
    for (const sale of group) {
      const earlier = seen.get(sale.itemId) ?? 0;
      seen.set(sale.itemId, earlier + 1);
      (rounds[earlier] ??= []).push(sale);
    }
    if (rounds.length > 1) await repositories.stock.lockMany(orgId, loc.id, [...seen.keys()]);
    for (const round of rounds) {
      const stocks = await enterMany(
        repositories,
        orgId,
        loc,
        round.map((sale) => ({
          itemId: sale.itemId,
          type: 'SALE' as const,
          quantity: sale.quantity,
          signed: true,
          userId: null,
          reason: sale.reason,
          sourceType: 'pos',
          sourceId: sale.sourceId,
          at: sale.at,
        })),
      );
      for (const stock of stocks) out.set(`${loc.id}:${stock.itemId}`, { venueId: loc.venueId, stock });
    }
  }
  return out;
}
