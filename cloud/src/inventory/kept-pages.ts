import type { Db } from '../db/types.js';
import { pageOf, type KeptPage } from './kept-page.js';

/** What a bus message forgets: an organisation's pages, or one shelf of them (a location's). */
export interface Forgotten {
  orgId: string;
  shelf?: string;
}

export interface KeptPagesOptions {
  /** what a lost bus message (a missed reconnect), or a change that tells no channel, leaves stale at most */
  maxAgeMs: number;
  /** of pages kept, JSON and compressed copies, all organisations together: past it, everything is dropped and filled again */
  maxBytes: number;
  /** the channels that forget pages, each with what its payload forgets */
  forgetOn: Record<string, (payload: string) => Forgotten[]>;
}

/** A page as kept: `bytes` counts its JSON and the compressed copies made of it while kept. */
interface Kept {
  page: KeptPage;
  at: number;
  bytes: number;
}

/** One shelf's kept pages; a forget detaches it, so a read that raced the change stores into nothing. */
interface Shelf {
  pages: Map<string, Kept>;
  /** reads under way, shared by the requests that ask for the same page meanwhile */
  loading: Map<string, Promise<KeptPage>>;
  bytes: number;
  live: boolean;
}

/**
 * Pages kept as they are sent (kept-page.ts), per organisation, shelf and query, for reads asked far
 * more often than what they show changes. Requests for a page being read share that read. A page
 * is forgotten when a channel of `forgetOn` names it (in this process as the writer commits, on every
 * other instance when the bus brings it), all of them when the bus may have dropped messages.
 */
export class KeptPages {
  private readonly orgs = new Map<string, Map<string, Shelf>>();
  private bytes = 0;
  private unlisten: (() => Promise<void>)[] | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: KeptPagesOptions,
  ) {}

  async start(): Promise<void> {
    // the bus may have dropped changes while it was away
    const resume = () => this.forgetAll();
    const unlisten = [];
    for (const [channel, forgotten] of Object.entries(this.options.forgetOn))
      unlisten.push(await this.db.listen(channel, (payload) => this.forget(forgotten(payload)), resume));
    this.unlisten = unlisten;
  }

  async stop(): Promise<void> {
    const unlisten = this.unlisten ?? [];
    this.unlisten = undefined;
    for (const u of unlisten) await u();
    this.forgetAll();
  }

  /** The page for this shelf and query: kept, or read by load and kept (only while listening: else nothing would forget it). */
  async keptPage(orgId: string, shelfId: string, key: string, load: () => Promise<unknown>): Promise<KeptPage> {
    if (!this.unlisten) return pageOf(await load());
    const shelf = this.shelfAt(orgId, shelfId);
    const hit = shelf.pages.get(key);
    if (hit && Date.now() - hit.at < this.options.maxAgeMs) return hit.page;
    const under = shelf.loading.get(key);
    if (under) return under;
    const reading = load().then(pageOf);
    shelf.loading.set(key, reading);
    try {
      const page = await reading;
      if (shelf.live) this.store(shelf, key, page);
      return page;
    } finally {
      shelf.loading.delete(key);
      // a shelf that answered nothing (none such in the organisation) leaves nothing behind
      if (shelf.live && !shelf.pages.size && !shelf.loading.size) this.detach(orgId, shelfId);
    }
  }

  private shelfAt(orgId: string, shelfId: string): Shelf {
    let shelves = this.orgs.get(orgId);
    if (!shelves) this.orgs.set(orgId, (shelves = new Map()));
    let shelf = shelves.get(shelfId);
    if (!shelf) shelves.set(shelfId, (shelf = { pages: new Map(), loading: new Map(), bytes: 0, live: true }));
    return shelf;
  }

  private store(shelf: Shelf, key: string, page: KeptPage): void {
    if (this.bytes + page.json.length > this.options.maxBytes) {
      this.forgetAll();
      return;
    }
    const old = shelf.pages.get(key);
    if (old) this.count(shelf, old, -old.bytes);
    const kept: Kept = { page, at: Date.now(), bytes: 0 };
    shelf.pages.set(key, kept);
    this.count(shelf, kept, page.json.length);
    // its compressed copies are made later, by the first request for each: counted while it is still the one kept
    page.copied = (bytes) => {
      if (shelf.live && shelf.pages.get(key) === kept) this.count(shelf, kept, bytes);
      if (this.bytes > this.options.maxBytes) this.forgetAll();
    };
  }

  private count(shelf: Shelf, kept: Kept, bytes: number): void {
    kept.bytes += bytes;
    shelf.bytes += bytes;
    this.bytes += bytes;
  }

  private forget(forgotten: Forgotten[]): void {
    for (const { orgId, shelf } of forgotten) {
      if (shelf !== undefined) this.detach(orgId, shelf);
      else for (const shelfId of [...(this.orgs.get(orgId)?.keys() ?? [])]) this.detach(orgId, shelfId);
    }
  }

  private detach(orgId: string, shelfId: string): void {
    const shelves = this.orgs.get(orgId);
    const shelf = shelves?.get(shelfId);
    if (!shelf) return;
    shelf.live = false;
    this.bytes -= shelf.bytes;
    shelves!.delete(shelfId);
    if (!shelves!.size) this.orgs.delete(orgId);
  }

  private forgetAll(): void {
    for (const [orgId, shelves] of [...this.orgs]) for (const shelfId of [...shelves.keys()]) this.detach(orgId, shelfId);
    this.bytes = 0;
  }
}
