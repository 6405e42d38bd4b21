import type { Db } from '../db/types.js';
import { STOCK_CHANNEL } from '../live/index.js';
import { LOCATIONS_CHANNEL } from '../venues/index.js';
import { CATALOGUE_CHANNEL } from './item-pages.js';
import { pageOf, type KeptPage } from './kept-page.js';

/**
 * What a lost bus message (a missed reconnect) or a change that tells no channel (a location or a
 * person renamed, a slot mapped to another item, retention dropping a month) leaves stale at most.
 */
const MAX_AGE_MS = 5_000;
/** of JSON kept, all locations together: past it, everything is dropped and filled again */
const MAX_BYTES = 64 * 1024 * 1024;

/** One location's kept pages; a forget detaches it, so a read that raced the change stores into nothing. */
interface Kept {
  pages: Map<string, { page: KeptPage; at: number }>;
  /** reads under way, shared by the requests that ask for the same page meanwhile */
  loading: Map<string, Promise<KeptPage>>;
  bytes: number;
  live: boolean;
}

/**
 * A location's stock pages kept as their JSON, per organisation, location and query: a dashboard
 * asks for them on every load and every poll, and a page of 50 levels costs ~2 ms of PostgreSQL
 * (the whole location's 10,000, a third of a second). Stock moves on every reading, sale and
 * delivery, and each movement appends a 'stock' live event, which announces its location
 * (STOCK_CHANNEL): this process forgets the location's pages as the writer commits, every other
 * instance when the bus brings it. The catalogue and locations channels forget an organisation's.
 */
export class StockPages {
  private readonly orgs = new Map<string, Map<string, Kept>>();
  private bytes = 0;
  private unlisten: (() => Promise<void>)[] | undefined;

  constructor(private readonly db: Db) {}

  async start(): Promise<void> {
    const resume = () => this.forgetAll();
    const forgetOrg = (orgId: string) => this.forgetOrg(orgId);
    this.unlisten = [
      await this.db.listen(STOCK_CHANNEL, (pairs) => this.forgetPairs(pairs), resume),
      await this.db.listen(CATALOGUE_CHANNEL, forgetOrg, resume),
      await this.db.listen(LOCATIONS_CHANNEL, forgetOrg, resume),
    ];
  }

  async stop(): Promise<void> {
    const unlisten = this.unlisten ?? [];
    this.unlisten = undefined;
    for (const u of unlisten) await u();
    this.forgetAll();
  }

  /** The page for this location and query: kept, or read by load and kept (only while listening: else nothing would forget it). */
  async get(orgId: string, locationId: string, key: string, load: () => Promise<unknown>): Promise<KeptPage> {
    if (!this.unlisten) return pageOf(await load());
    const kept = this.keptAt(orgId, locationId);
    const hit = kept.pages.get(key);
    if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.page;
    const under = kept.loading.get(key);
    if (under) return under;
    const reading = load().then(pageOf);
    kept.loading.set(key, reading);
    try {
      const page = await reading;
      if (kept.live) this.store(kept, key, page);
      return page;
    } finally {
      kept.loading.delete(key);
      // a location that answered nothing (none such in the organisation) leaves nothing behind
      if (kept.live && !kept.pages.size && !kept.loading.size) this.orgs.get(orgId)?.delete(locationId);
    }
  }

  private keptAt(orgId: string, locationId: string): Kept {
    let locations = this.orgs.get(orgId);
    if (!locations) this.orgs.set(orgId, (locations = new Map()));
    let kept = locations.get(locationId);
    if (!kept) locations.set(locationId, (kept = { pages: new Map(), loading: new Map(), bytes: 0, live: true }));
    return kept;
  }

  private store(kept: Kept, key: string, page: KeptPage): void {
    if (this.bytes + page.json.length > MAX_BYTES) {
      this.forgetAll();
      return;
    }
    const old = kept.pages.get(key);
    const grown = page.json.length - (old?.page.json.length ?? 0);
    kept.pages.set(key, { page, at: Date.now() });
    kept.bytes += grown;
    this.bytes += grown;
  }

  /** `<orgId> <locationId>` pairs, comma-separated (STOCK_CHANNEL's payload). */
  private forgetPairs(pairs: string): void {
    for (const pair of pairs.split(',')) {
      const [orgId, locationId] = pair.split(' ');
      if (orgId && locationId) this.detach(this.orgs.get(orgId), locationId);
    }
  }

  private forgetOrg(orgId: string): void {
    const locations = this.orgs.get(orgId);
    for (const locationId of [...(locations?.keys() ?? [])]) this.detach(locations, locationId);
  }

  private detach(locations: Map<string, Kept> | undefined, locationId: string): void {
    const kept = locations?.get(locationId);
    if (!kept) return;
    kept.live = false;
    this.bytes -= kept.bytes;
    locations!.delete(locationId);
  }

  private forgetAll(): void {
    for (const orgId of [...this.orgs.keys()]) this.forgetOrg(orgId);
    this.orgs.clear();
    this.bytes = 0;
  }
}
