import type { Db } from '../db/types.js';
import { STOCK_CHANNEL } from '../live/index.js';
import { LOCATIONS_CHANNEL } from '../venues/index.js';
import { CATALOGUE_CHANNEL, wholeOrganisation } from './item-pages.js';
import type { KeptPage } from './kept-page.js';
import { KeptPages, type Forgotten } from './kept-pages.js';

/** `<orgId> <locationId>` pairs, comma-separated (STOCK_CHANNEL's payload): each forgets its location's pages. */
const locationsMoved = (pairs: string): Forgotten[] =>
  pairs.split(',').flatMap((pair) => {
    const [orgId, shelf] = pair.split(' ');
    return orgId && shelf ? [{ orgId, shelf }] : [];
  });

/**
 * A location's stock pages kept as their JSON, per organisation, location and query: a dashboard
 * asks for them on every load and every poll, and a page of 50 levels costs ~2 ms of PostgreSQL
 * (the whole location's 10,000, a third of a second). Stock moves on every reading, sale and
 * delivery, and each movement appends a 'stock' live event, which announces its location
 * (STOCK_CHANNEL): this process forgets the location's pages as the writer commits, every other
 * instance when the bus brings it. The catalogue and locations channels forget an organisation's.
 */
export class StockPages extends KeptPages {
  constructor(db: Db) {
    super(db, {
      // what a lost bus message, or a change that tells no channel (a location or a person renamed,
      // a slot mapped to another item, retention dropping a month), leaves stale at most
      maxAgeMs: 5_000,
      maxBytes: 64 * 1024 * 1024,
      forgetOn: { [STOCK_CHANNEL]: locationsMoved, [CATALOGUE_CHANNEL]: wholeOrganisation, [LOCATIONS_CHANNEL]: wholeOrganisation },
    });
  }

  /** The page for this location and query (a location's pages are one shelf). */
  get(orgId: string, locationId: string, key: string, load: () => Promise<unknown>): Promise<KeptPage> {
    return this.keptPage(orgId, locationId, key, load);
  }
}
