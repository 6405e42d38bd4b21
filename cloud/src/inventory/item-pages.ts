import type { Db, Queryable } from '../db/types.js';
import { LOCATIONS_CHANNEL } from '../venues/index.js';
import type { KeptPage } from './kept-page.js';
import { KeptPages } from './kept-pages.js';

/** Every instance hears here that an organisation's catalogue (items, their stock settings) changed: payload `<orgId>`. */
export const CATALOGUE_CHANNEL = 'smartstock_catalogue';

/**
 * Says, inside the writer's transaction, that orgId's catalogue changed: this instance's pages
 * forget it as the transaction commits, every other instance's when the bus brings the message
 * (never after a rollback). Every write to items or item_locations calls it, the cascades of a
 * location's or venue's deletion included.
 */
export const catalogueChanged = (q: Queryable, orgId: string): Promise<void> => q.announce(CATALOGUE_CHANNEL, orgId);

/** A catalogue or locations message (payload `<orgId>`) forgets the organisation's pages. */
export const wholeOrganisation = (orgId: string) => [{ orgId }];

/**
 * The item list's pages, kept as their JSON per organisation and query: the list is read on
 * every dashboard load and changes seldom. A page is forgotten when its organisation's catalogue
 * changes (catalogueChanged), or a location goes (its stock settings go with it, by cascade).
 */
export class ItemPages extends KeptPages {
  constructor(db: Db) {
    super(db, {
      // a lost bus message (a missed reconnect) keeps a stale page this long at most
      maxAgeMs: 5_000,
      maxBytes: 32 * 1024 * 1024,
      forgetOn: { [CATALOGUE_CHANNEL]: wholeOrganisation, [LOCATIONS_CHANNEL]: wholeOrganisation },
    });
  }

  /** The page for this organisation and query (an organisation's item list is one shelf). */
  get(orgId: string, key: string, load: () => Promise<unknown>): Promise<KeptPage> {
    return this.keptPage(orgId, '', key, load);
  }
}
