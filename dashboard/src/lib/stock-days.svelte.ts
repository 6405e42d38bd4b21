// Days of stock left per item and location of the venue (GET /forecast/stock-days), read once
// a view asks for it and kept for a few minutes: the Items list and the Overview share it.
import type { Api } from './api';
import { ApiError } from './api';
import type { StockDays } from './types';

const KEEP_MS = 5 * 60_000;
type Row = StockDays['items'][number];

export class StockDaysState {
  rows = $state<Record<string, Row>>({});
  /** the venue read, and when */
  private loaded: { venueId: string; at: number } | undefined;

  constructor(private readonly api: Api) {}

  get(itemId: string, locationId: string): Row | undefined {
    return this.rows[`${itemId}/${locationId}`];
  }

  /** reads the venue's days left unless read lately; offline it quietly keeps what it had */
  async load(venueId: string): Promise<void> {
    if (this.loaded?.venueId === venueId && Date.now() - this.loaded.at < KEEP_MS) return;
    if (this.loaded?.venueId !== venueId) this.rows = {};
    try {
      const s = await this.api.stockDays(venueId);
      this.rows = Object.fromEntries(s.items.map((i) => [`${i.itemId}/${i.locationId}`, i]));
      this.loaded = { venueId, at: Date.now() };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 0)) throw e;
    }
  }
}
