/**
 * Where order suggestions get demand from. The forecast module implements it;
 * until it does (or for an item it has no forecast of) suggestions fall back
 * to order-up-to-par and say so.
 */
export interface Demand {
  /** forecast units sold per day over the coming weeks */
  perDay: number;
  /** the forecast's error: standard deviation of one day's actual sales around perDay */
  errorPerDay: number;
}

export interface DemandSource {
  /** Demand of the venue's items; an item left out has no forecast yet. */
  demand(orgId: string, venueId: string, itemIds: string[]): Promise<Map<string, Demand>>;
}
