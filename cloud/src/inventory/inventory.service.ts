import { randomUUID } from 'node:crypto';
import type { AdjustKind, CountScope } from '@smartstock/api';
import type { Db, Queryable } from '../db/types.js';
import { ItemRepository, type Item, type ItemInput, type ItemLocation } from './item.repository.js';
import { StockRepository } from './stock.repository.js';
import { StockLevelsManyRepository } from './stock-levels-many.repository.js';
import { TransactionRepository, type StockPart } from './transaction.repository.js';
import { enter, locationOf, storageOf } from './ledger.js';
import { recordSales, type RecordedSales, type SaleDepletion } from './sale-depletion.js';
import { ObservationRepository } from './observation.repository.js';
import type { AlertFeed } from '../alerts/index.js';
import { auditLog } from '../audit/index.js';
import { liveEvents } from '../live/index.js';
import { venueRecords } from '../venues/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, notFound, uniqueAs } from '../errors.js';
import { vetItem } from './catalogue.service.js';
import { present, type PresentedStock } from './stock.js';
import { ItemPages } from './item-pages.js';
import type { KeptPage } from './kept-page.js';
import { StockPages } from './stock-pages.js';

/** This module's repositories, and what other modules lend it, over one connection or transaction. */
export function repos(q: Queryable) {
  return {
    items: new ItemRepository(q),
    stock: new StockRepository(q),
    stockMany: new StockLevelsManyRepository(q),
    transactions: new TransactionRepository(q),
    observations: new ObservationRepository(q),
    venues: venueRecords(q),
    live: liveEvents(q),
    audit: auditLog(q),
  };
}
export interface Adjustment {
  /** RECEIVE may leave it out: the venue's storage location */
  locationId?: string | undefined;
  /** RECEIVE without a location, in an organisation of several venues */
  venueId?: string | undefined;
  type: AdjustKind;
  /** COUNT: the level counted; WASTE/SALE/RECEIVE: a positive amount; ADJUSTMENT: a signed change */
  quantity: number;
  /** which part: a count's default is the whole location; movements default by where they happen */
  part?: CountScope | undefined;
  reason?: string | undefined;
  sourceType?: string | undefined;
  sourceId?: string | undefined;
  /** when it happened, for movements recorded after the fact (a POS back-fill, a count written up later); default now */
  at?: Date | undefined;
}

export interface Transfer {
  /** default: the destination venue's storage */
  fromLocationId?: string | undefined;
  toLocationId: string;
  quantity: number;
  fromPart?: StockPart | undefined;
  toPart?: StockPart | undefined;
  reason?: string | undefined;
}

// the cursor holds the row's sort key (its name lowered) and id; a stock page takes the key from PostgreSQL's lower(), which sorted it
const encodeKey = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
const encodeCursor = (i: Item) => encodeKey(i.name.toLowerCase(), i.id);
function decodeCursor(c: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [string, string];
    if (typeof name !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('shape');
    return { name, id };
  } catch {
    throw badRequest('cursor is not one this API issued', 'cursor');
  }
}

/** The catalogue, stock levels and every manual stock movement. */
export class InventoryService {
  /** the item list's pages as sent, forgotten when the catalogue changes (item-pages.ts) */
  private readonly pages: ItemPages;
  /** a location's stock pages as sent, forgotten as its stock moves (stock-pages.ts) */
  private readonly stockPages: StockPages;

  constructor(
    private readonly db: Db,
    private readonly alerts?: AlertFeed,
  ) {
    this.pages = new ItemPages(db);
    this.stockPages = new StockPages(db);
  }

  /** Keeps the item list's and the stock's pages from now on (until then each is read afresh). */
  start = async () => {
    await this.pages.start();
    await this.stockPages.start();
  };
  stop = async () => {
    await this.stockPages.stop();
    await this.pages.stop();
  };

  /** listItems' answer as JSON, kept until the organisation's catalogue changes. */
  itemPage(
    orgId: string,
    filter: { q?: string; category?: string; locationId?: string; cursor?: string; limit: number },
  ): Promise<KeptPage> {
    const key = [filter.q, filter.category, filter.locationId, filter.cursor, filter.limit].map((part) => part ?? '').join('\u0000');
    return this.pages.get(orgId, key, () => this.listItems(orgId, filter));
  }

  async listItems(orgId: string, f: { q?: string; category?: string; locationId?: string; cursor?: string; limit: number }) {
    const items = await repos(this.db).items.listWithSettings(orgId, {
      ...f,
      after: f.cursor ? decodeCursor(f.cursor) : undefined,
      limit: f.limit + 1,
    });
    const page = items.slice(0, f.limit);
    return { items: page, nextCursor: items.length > f.limit ? encodeCursor(page[page.length - 1]!) : null };
  }

  async getItem(orgId: string, id: string) {
    const repositories = repos(this.db);
    const item = await repositories.items.get(orgId, id);
    if (!item) throw notFound('item');
    return { ...item, locations: await repositories.items.stockSettings(orgId, [id]) };
  }

  async createItem(a: Actor, input: ItemInput & { locations?: Omit<ItemLocation, 'itemId'>[] | undefined }) {
    await vetItem(this.db, a.orgId, input);
    return this.write(async (repositories) => {
      const item = await repositories.items.create(a.orgId, input).catch(uniqueAs('an item with this SKU exists', 'sku'));
      for (const l of input.locations ?? []) await this.setSettings(repositories, a.orgId, { ...l, itemId: item.id });
      await repositories.audit.record(a.orgId, { userId: a.userId, action: 'create', entity: 'item', entityId: item.id });
      return { ...item, locations: await repositories.items.stockSettings(a.orgId, [item.id]) };
    });
  }

  async updateItem(
    a: Actor,
    id: string,
    patch: Partial<Omit<Item, 'id' | 'orgId'>> & { locations?: Omit<ItemLocation, 'itemId'>[] | undefined },
  ) {
    await vetItem(this.db, a.orgId, patch, id);
    return this.write(async (repositories) => {
      const { locations, ...fields } = patch;
      const item = await repositories.items.update(a.orgId, id, fields).catch(uniqueAs('an item with this SKU exists', 'sku'));
      if (!item) throw notFound('item');
      for (const l of locations ?? []) await this.setSettings(repositories, a.orgId, { ...l, itemId: id });
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: 'update',
        entity: 'item',
        entityId: id,
        detail: { fields: Object.keys(patch) },
      });
      return { ...item, locations: await repositories.items.stockSettings(a.orgId, [id]) };
    });
  }

  async deleteItem(a: Actor, id: string): Promise<void> {
    await this.write(async (repositories) => {
      // an item with history is archived, so the ledger and the time series keep their meaning
      const item = await repositories.items.update(a.orgId, id, { archived: true });
      if (!item) throw notFound('item');
      await repositories.audit.record(a.orgId, { userId: a.userId, action: 'archive', entity: 'item', entityId: id });
    });
  }

  /** locationStock's answer as JSON, kept until the location's stock moves. */
  stockPage(orgId: string, locationId: string, page: { cursor?: string | undefined; limit?: number | undefined } = {}): Promise<KeptPage> {
    const key = `${page.cursor ?? ''} ${page.limit ?? ''}`;
    return this.stockPages.get(orgId, locationId, key, () => this.locationStock(orgId, locationId, page));
  }

  /**
   * Every level at the location, or with `limit` or `cursor` one page of them (50 by default) and the
   * cursor of the next: 10,000 levels in one answer cost about a second of SQL and JSON however fast
   * each part is, a page of 50 a few milliseconds. Without either the answer is as it always was.
   */
  async locationStock(orgId: string, locationId: string, page: { cursor?: string | undefined; limit?: number | undefined } = {}) {
    const repositories = repos(this.db);
    const loc = await locationOf(repositories, orgId, locationId);
    if (page.cursor === undefined && page.limit === undefined)
      return { location: loc, levels: (await repositories.stock.levels(orgId, locationId)).map(present) };
    const limit = page.limit ?? 50;
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const ids = await repositories.stock.pageOfItems(orgId, locationId, { after, limit: limit + 1 });
    const shown = ids.slice(0, limit);
    const levels = shown.length
      ? (
          await repositories.stock.levels(
            orgId,
            locationId,
            shown.map((i) => i.id),
          )
        ).map(present)
      : [];
    const last = shown.at(-1);
    return { location: loc, levels, nextCursor: ids.length > limit && last ? encodeKey(last.key, last.id) : null };
  }

  /**
   * COUNT, WASTE, RECEIVE, SALE or ADJUSTMENT: one ledger row on one part of the stock, with before/after,
   * one live 'stock' event, one audit row. A delivery with no location goes to the venue's storage.
   */
  async adjust(a: Actor, itemId: string, adj: Adjustment) {
    const out = await this.write(async (repositories) => {
      if (!(await repositories.items.get(a.orgId, itemId))) throw notFound('item');
      if (!adj.locationId && adj.type !== 'RECEIVE')
        throw badRequest('locationId is required (only a delivery goes to storage by default)', 'locationId');
      const loc = adj.locationId
        ? await locationOf(repositories, a.orgId, adj.locationId)
        : await storageOf(repositories, a.orgId, adj.venueId);
      const { transaction, stock } = await enter(repositories, a.orgId, loc, {
        itemId,
        type: adj.type,
        quantity: adj.quantity,
        part: adj.part,
        userId: a.userId,
        reason: adj.reason,
        sourceType: adj.sourceType ?? 'manual',
        sourceId: adj.sourceId,
        at: adj.at,
      });
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: adj.type.toLowerCase(),
        entity: 'item',
        entityId: itemId,
        detail: { locationId: loc.id, delta: transaction.quantity, part: transaction.part, counted: transaction.counted },
      });
      return { transaction, stock, venueId: loc.venueId };
    });
    await this.alerts?.stockLevels(a.orgId, out.venueId, [out.stock]);
    return { transaction: out.transaction, stock: out.stock };
  }

  /**
   * Moves stock between two locations (storage → bar by default the off-camera parts) as one pair of
   * TRANSFER rows sharing a transfer id, both or neither. No source location: the destination venue's storage.
   */
  async transfer(a: Actor, itemId: string, t: Transfer) {
    const out = await this.write(async (repositories) => {
      if (!(await repositories.items.get(a.orgId, itemId))) throw notFound('item');
      const to = await locationOf(repositories, a.orgId, t.toLocationId);
      const from = t.fromLocationId
        ? await locationOf(repositories, a.orgId, t.fromLocationId)
        : await storageOf(repositories, a.orgId, to.venueId);
      if (from.id === to.id) throw badRequest('a transfer needs two different locations', 'toLocationId');
      if (!(t.quantity > 0)) throw badRequest('transfer quantity must be positive', 'quantity');
      // both locations in one order, so two opposite transfers at once wait instead of deadlocking
      for (const id of [from.id, to.id].sort()) await repositories.stock.lock(a.orgId, id, itemId);
      const transferId = randomUUID();
      const base = { itemId, type: 'TRANSFER' as const, userId: a.userId, reason: t.reason, sourceType: 'manual', transferId };
      const outbound = await enter(repositories, a.orgId, from, { ...base, quantity: -t.quantity, part: t.fromPart ?? 'off_camera' });
      const inbound = await enter(repositories, a.orgId, to, { ...base, quantity: t.quantity, part: t.toPart ?? 'off_camera' });
      await repositories.audit.record(a.orgId, {
        userId: a.userId,
        action: 'transfer',
        entity: 'item',
        entityId: itemId,
        detail: { transferId, from: from.id, to: to.id, quantity: t.quantity },
      });
      return { transferId, out: outbound, in: inbound, fromVenue: from.venueId, toVenue: to.venueId };
    });
    await this.alerts?.stockLevels(a.orgId, out.fromVenue, [out.out.stock]);
    await this.alerts?.stockLevels(a.orgId, out.toVenue, [out.in.stock]);
    return { transferId: out.transferId, out: out.out.transaction, in: out.in.transaction, from: out.out.stock, to: out.in.stock };
  }

  /**
   * Theoretical depletion from the point of sale, inside the caller's transaction (so its own
   * idempotency rows commit with these): one SALE row each, in bottle units, negative to
   * deplete and positive to reverse a void or refund, with its live 'stock' event; from the
   * shelf where a camera watches the item (its next reading settles it), else off camera.
   * Hand the answer to salesCommitted once the caller has committed.
   */
  async recordSales(tx: Queryable, orgId: string, sales: SaleDepletion[]): Promise<RecordedSales> {
    return recordSales(repos(tx), orgId, sales);
  }

  /** After the sales' transaction committed: the alert rules see the new levels. */
  async salesCommitted(orgId: string, recorded: RecordedSales): Promise<void> {
    const byVenue = new Map<string, PresentedStock[]>();
    for (const { venueId, stock } of recorded.values()) byVenue.set(venueId, [...(byVenue.get(venueId) ?? []), stock]);
    for (const [venueId, stocks] of byVenue) await this.alerts?.stockLevels(orgId, venueId, stocks);
  }

  /** A barcode from the phone's camera: find the item, and count or receive it when asked to. */
  async scan(
    a: Actor,
    request: {
      barcode: string;
      locationId?: string | undefined;
      action?: 'lookup' | 'COUNT' | 'RECEIVE';
      quantity?: number | undefined;
      reason?: string | undefined;
    },
  ) {
    const item = await repos(this.db).items.findByBarcode(a.orgId, request.barcode);
    if (!item) throw notFound(`item with barcode ${request.barcode}`);
    if (!request.action || request.action === 'lookup') return { item, result: null };
    if (!request.locationId) throw badRequest('locationId is required to count or receive', 'locationId');
    if (request.quantity === undefined) throw badRequest('quantity is required to count or receive', 'quantity');
    const result = await this.adjust(a, item.id, {
      locationId: request.locationId,
      type: request.action,
      quantity: request.quantity,
      reason: request.reason,
      sourceType: 'scan',
    });
    return { item, result };
  }

  async history(orgId: string, itemId: string, from: Date, to: Date) {
    const repositories = repos(this.db);
    if (!(await repositories.items.get(orgId, itemId))) throw notFound('item');
    if (from >= to) throw badRequest('from must be before to', 'from');
    const [observations, transactions] = await Promise.all([
      repositories.observations.history(orgId, itemId, from, to),
      repositories.transactions.history(orgId, itemId, from, to),
    ]);
    return { itemId, from, to, observations, transactions };
  }

  private async setSettings(repositories: ReturnType<typeof repos>, orgId: string, s: ItemLocation) {
    if (!(await repositories.venues.getLocation(orgId, s.locationId))) throw notFound('location');
    await repositories.items.setStockSettings(orgId, s);
  }

  private write<T>(fn: (repositories: ReturnType<typeof repos>) => Promise<T>): Promise<T> {
    return this.db.transaction((tx: Queryable) => fn(repos(tx)));
  }
}
