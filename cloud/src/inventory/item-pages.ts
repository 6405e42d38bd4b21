import type { Db, Queryable } from '../db/types.js';
import { LOCATIONS_CHANNEL } from '../venues/index.js';
import { pageOf, type KeptPage } from './kept-page.js';

/** Every instance hears here that an organisation's catalogue (items, their stock settings) changed: payload `<orgId>`. */
export const CATALOGUE_CHANNEL = 'smartstock_catalogue';
/** a lost bus message (a missed reconnect) keeps a stale page this long at most */
const MAX_AGE_MS = 5_000;
/** of JSON kept, all organisations together: past it, everything is dropped and filled again */
const MAX_BYTES = 32 * 1024 * 1024;

/**
 * Says, inside the writer's transaction, that orgId's catalogue changed: this instance's pages
 * forget it as the transaction commits, every other instance's when the bus brings the message
 * (never after a rollback). Every write to items or item_locations calls it, the cascades of a
 * location's or venue's deletion included.
 */
export const catalogueChanged = (q: Queryable, orgId: string): Promise<void> => q.announce(CATALOGUE_CHANNEL, orgId);

/**
 * The item list's pages, kept as their JSON per organisation and query: the list is read on
 * every dashboard load and changes seldom. A page is forgotten when its organisation's catalogue
 * changes (catalogueChanged); a read that raced a change never stores what it read (generation).
 */
export class ItemPages {
  private readonly orgs = new Map<string, Map<string, { page: KeptPage; at: number }>>();
  private bytes = 0;
  private generation = 0;
  private unlisten: (() => Promise<void>)[] | undefined;

  constructor(private readonly db: Db) {}

  async start(): Promise<void> {
    const forget = (orgId: string) => this.forget(orgId);
    // the bus may have dropped changes while it was away
    const resume = () => this.forgetAll();
    this.unlisten = [
      await this.db.listen(CATALOGUE_CHANNEL, forget, resume),
      // a location's deletion takes its stock settings with it (cascade)
      await this.db.listen(LOCATIONS_CHANNEL, forget, resume),
    ];
  }

  async stop(): Promise<void> {
    const unlisten = this.unlisten ?? [];
    this.unlisten = undefined;
    for (const u of unlisten) await u();
    this.forgetAll();
  }

  /** The page for this organisation and query: kept, or read by load and kept (only while listening: else nothing would forget it). */
  async get(orgId: string, key: string, load: () => Promise<unknown>): Promise<KeptPage> {
    const hit = this.orgs.get(orgId)?.get(key);
    if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.page;
    const generation = this.generation;
    const page = pageOf(await load());
    const json = page.json;
    if (this.unlisten && generation === this.generation) {
      if (this.bytes + json.length > MAX_BYTES) this.forgetAll();
      let pages = this.orgs.get(orgId);
      if (!pages) this.orgs.set(orgId, (pages = new Map()));
      const old = pages.get(key);
      if (old) this.bytes -= old.page.json.length;
      pages.set(key, { page, at: Date.now() });
      this.bytes += json.length;
    }
    return page;
  }

  forget(orgId: string): void {
    this.generation++;
    const pages = this.orgs.get(orgId);
    if (!pages) return;
    for (const p of pages.values()) this.bytes -= p.page.json.length;
    this.orgs.delete(orgId);
  }

  private forgetAll(): void {
    this.generation++;
    this.orgs.clear();
    this.bytes = 0;
  }
}
