import type { z } from 'zod';
import type { AdjustKind, stockLevel } from '@smartstock/api';
import type { Db, Queryable } from '../db/types.js';
import { ItemRepository, type Item, type ItemInput, type ItemLocation } from './item.repository.js';
import { StockRepository, type StockLevel } from './stock.repository.js';
import { TransactionRepository, type TransactionType } from './transaction.repository.js';
import { ObservationRepository } from './observation.repository.js';
import type { AlertFeed } from '../alerts/index.js';
import { auditLog } from '../audit/index.js';
import { liveEvents } from '../live/index.js';
import { venueRecords } from '../venues/index.js';
import type { Actor } from '../plugins/http.js';
import { badRequest, notFound, uniqueAs } from '../errors.js';
import { vetItem } from './catalogue.service.js';

/** This module's repositories, and what other modules lend it, over one connection or transaction. */
export function repos(q: Queryable) {
  return {
    items: new ItemRepository(q),
    stock: new StockRepository(q),
    transactions: new TransactionRepository(q),
    observations: new ObservationRepository(q),
    venues: venueRecords(q),
    live: liveEvents(q),
    audit: auditLog(q),
  };
}
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

export interface Adjustment {
  locationId: string;
  type: AdjustKind;
  /** COUNT: the level counted; WASTE/SALE/RECEIVE: a positive amount; ADJUSTMENT: a signed change */
  quantity: number;
  reason?: string | undefined;
  sourceType?: string | undefined;
  sourceId?: string | undefined;
  /** when it happened, for movements recorded after the fact (a POS back-fill, a count written up later); default now */
  at?: Date | undefined;
}

const encodeCursor = (i: Item) => Buffer.from(JSON.stringify([i.name.toLowerCase(), i.id])).toString('base64url');
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
  constructor(
    private readonly db: Db,
    private readonly alerts?: AlertFeed,
  ) {}

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
    const r = repos(this.db);
    const item = await r.items.get(orgId, id);
    if (!item) throw notFound('item');
    return { ...item, locations: await r.items.stockSettings(orgId, [id]) };
  }

  async createItem(a: Actor, input: ItemInput & { locations?: Omit<ItemLocation, 'itemId'>[] | undefined }) {
    await vetItem(this.db, a.orgId, input);
    return this.write(async (r) => {
      const item = await r.items.create(a.orgId, input).catch(uniqueAs('an item with this SKU exists', 'sku'));
      for (const l of input.locations ?? []) await this.setSettings(r, a.orgId, { ...l, itemId: item.id });
      await r.audit.record(a.orgId, { userId: a.userId, action: 'create', entity: 'item', entityId: item.id });
      return { ...item, locations: await r.items.stockSettings(a.orgId, [item.id]) };
    });
  }

  async updateItem(
    a: Actor,
    id: string,
    patch: Partial<Omit<Item, 'id' | 'orgId'>> & { locations?: Omit<ItemLocation, 'itemId'>[] | undefined },
  ) {
    await vetItem(this.db, a.orgId, patch, id);
    return this.write(async (r) => {
      const { locations, ...fields } = patch;
      const item = await r.items.update(a.orgId, id, fields).catch(uniqueAs('an item with this SKU exists', 'sku'));
      if (!item) throw notFound('item');
      for (const l of locations ?? []) await this.setSettings(r, a.orgId, { ...l, itemId: id });
      await r.audit.record(a.orgId, {
        userId: a.userId,
        action: 'update',
        entity: 'item',
        entityId: id,
        detail: { fields: Object.keys(patch) },
      });
      return { ...item, locations: await r.items.stockSettings(a.orgId, [id]) };
    });
  }

  async deleteItem(a: Actor, id: string): Promise<void> {
    await this.write(async (r) => {
      // an item with history is archived, so the ledger and the time series keep their meaning
      const item = await r.items.update(a.orgId, id, { archived: true });
      if (!item) throw notFound('item');
      await r.audit.record(a.orgId, { userId: a.userId, action: 'archive', entity: 'item', entityId: id });
    });
  }

  async locationStock(orgId: string, locationId: string) {
    const r = repos(this.db);
    const loc = await r.venues.getLocation(orgId, locationId);
    if (!loc) throw notFound('location');
    return { location: loc, levels: (await r.stock.levels(orgId, locationId)).map(present) };
  }

  /** COUNT, WASTE, RECEIVE, SALE or ADJUSTMENT: one ledger row with before/after, one live 'stock' event, one audit row. */
  async adjust(a: Actor, itemId: string, adj: Adjustment) {
    const out = await this.write(async (r) => {
      const item = await r.items.get(a.orgId, itemId);
      if (!item) throw notFound('item');
      const loc = await r.venues.getLocation(a.orgId, adj.locationId);
      if (!loc) throw notFound('location');
      const [current] = await r.stock.levels(a.orgId, loc.id, [itemId]);
      const before = current?.level ?? 0;
      const delta = deltaOf(adj, before);
      const tx = await r.transactions.insert(a.orgId, {
        itemId,
        locationId: loc.id,
        type: adj.type as TransactionType,
        quantity: delta,
        before,
        after: before + delta,
        userId: a.userId,
        reason: adj.reason ?? null,
        sourceType: adj.sourceType ?? 'manual',
        sourceId: adj.sourceId ?? null,
        ...(adj.at ? { at: adj.at } : {}),
      });
      const [level] = await r.stock.levels(a.orgId, loc.id, [itemId]);
      const stock = present(level!);
      await r.live.append(a.orgId, loc.venueId, 'stock', stock);
      await r.audit.record(a.orgId, {
        userId: a.userId,
        action: adj.type.toLowerCase(),
        entity: 'item',
        entityId: itemId,
        detail: { locationId: loc.id, delta },
      });
      return { transaction: tx, stock, venueId: loc.venueId };
    });
    await this.alerts?.stockLevels(a.orgId, out.venueId, [out.stock]);
    return { transaction: out.transaction, stock: out.stock };
  }

  /**
   * Theoretical depletion from the point of sale, inside the caller's transaction (so its own
   * idempotency rows commit with these): one SALE row each, in bottle units, negative to
   * deplete and positive to reverse a void or refund, with its live 'stock' event. Hand the
   * answer to salesCommitted once the caller has committed.
   */
  async recordSales(tx: Queryable, orgId: string, sales: SaleDepletion[]): Promise<RecordedSales> {
    const r = repos(tx);
    const out: RecordedSales = new Map();
    for (const s of sales) {
      const loc = await r.venues.getLocation(orgId, s.locationId);
      if (!loc) throw notFound('location');
      const [current] = await r.stock.levels(orgId, loc.id, [s.itemId]);
      const before = current?.level ?? 0;
      const tx = await r.transactions.insert(orgId, {
        itemId: s.itemId,
        locationId: loc.id,
        type: 'SALE',
        quantity: s.quantity,
        before,
        after: before + s.quantity,
        userId: null,
        reason: s.reason ?? null,
        sourceType: 'pos',
        sourceId: s.sourceId,
        ...(s.at ? { at: s.at } : {}),
      });
      // the level after is the level before plus this row: a second walk of the ledger only for an item new here
      const level = current
        ? {
            ...current,
            level: before + s.quantity,
            manualDelta: current.manualDelta + s.quantity,
            manualAt: latest(current.manualAt, tx.at),
          }
        : (await r.stock.levels(orgId, loc.id, [s.itemId]))[0]!;
      const stock = present(level);
      await r.live.append(orgId, loc.venueId, 'stock', stock);
      out.set(`${loc.id}:${s.itemId}`, { venueId: loc.venueId, stock });
    }
    return out;
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
    s: {
      barcode: string;
      locationId?: string | undefined;
      action?: 'lookup' | 'COUNT' | 'RECEIVE';
      quantity?: number | undefined;
      reason?: string | undefined;
    },
  ) {
    const item = await repos(this.db).items.findByBarcode(a.orgId, s.barcode);
    if (!item) throw notFound(`item with barcode ${s.barcode}`);
    if (!s.action || s.action === 'lookup') return { item, result: null };
    if (!s.locationId) throw badRequest('locationId is required to count or receive', 'locationId');
    if (s.quantity === undefined) throw badRequest('quantity is required to count or receive', 'quantity');
    const result = await this.adjust(a, item.id, {
      locationId: s.locationId,
      type: s.action,
      quantity: s.quantity,
      reason: s.reason,
      sourceType: 'scan',
    });
    return { item, result };
  }

  async history(orgId: string, itemId: string, from: Date, to: Date) {
    const r = repos(this.db);
    if (!(await r.items.get(orgId, itemId))) throw notFound('item');
    if (from >= to) throw badRequest('from must be before to', 'from');
    const [observations, transactions] = await Promise.all([
      r.observations.history(orgId, itemId, from, to),
      r.transactions.history(orgId, itemId, from, to),
    ]);
    return { itemId, from, to, observations, transactions };
  }

  private async setSettings(r: ReturnType<typeof repos>, orgId: string, s: ItemLocation) {
    if (!(await r.venues.getLocation(orgId, s.locationId))) throw notFound('location');
    await r.items.setStockSettings(orgId, s);
  }

  private write<T>(fn: (r: ReturnType<typeof repos>) => Promise<T>): Promise<T> {
    return this.db.transaction((tx: Queryable) => fn(repos(tx)));
  }
}

const latest = (a: Date | null, b: Date) => (a && new Date(a) > b ? a : b);

function deltaOf(adj: Adjustment, before: number): number {
  const q = adj.quantity;
  if (adj.type === 'COUNT') {
    if (q < 0) throw badRequest('a count cannot be negative', 'quantity');
    return q - before;
  }
  if (adj.type === 'ADJUSTMENT') return q;
  if (q <= 0) throw badRequest(`${adj.type.toLowerCase()} quantity must be positive`, 'quantity');
  return adj.type === 'RECEIVE' ? q : -q;
}

/** The stock level as the API and the live socket show it: where the number comes from and how fresh it is. */
export function present(l: StockLevel): z.output<typeof stockLevel> {
  const camAt = l.cameraAt ? new Date(l.cameraAt) : null;
  const manAt = l.manualAt ? new Date(l.manualAt) : null;
  const updatedAt = camAt && manAt ? (camAt > manAt ? camAt : manAt) : (camAt ?? manAt);
  const status = l.level <= 0 ? 'out' : l.level <= l.reorderPoint ? 'low' : 'ok';
  return {
    itemId: l.itemId,
    locationId: l.locationId,
    sku: l.sku,
    name: l.name,
    level: Math.round(l.level * 1000) / 1000,
    parLevel: l.parLevel,
    reorderPoint: l.reorderPoint,
    status,
    source: camAt ? (manAt ? 'camera+manual' : 'camera') : manAt ? 'manual' : 'none',
    cameraUnits: l.cameraUnits,
    confidence: l.confidence,
    updatedAt,
  };
}
export type PresentedStock = ReturnType<typeof present>;
