import { setClause } from '../db/set-clause.js';
import type { Queryable } from '../db/types.js';
import { catalogueChanged } from './item-pages.js';

export interface Item {
  id: string;
  orgId: string;
  sku: string;
  name: string;
  category: string;
  barcode: string | null;
  bottleSizeMl: number | null;
  unit: string;
  unitCost: number | null;
  supplier: string | null;
  expiresOn: string | null;
  archived: boolean;
}
export type ItemInput = Pick<Item, 'sku' | 'name'> & Partial<Omit<Item, 'id' | 'orgId' | 'sku' | 'name' | 'archived'>>;

export interface ItemLocation {
  itemId: string;
  locationId: string;
  parLevel: number;
  reorderPoint: number;
}

export interface ItemFilter {
  q?: string | undefined;
  category?: string | undefined;
  locationId?: string | undefined;
  includeArchived?: boolean | undefined;
  /** keyset: items strictly after this (lower(name), id) */
  after?: { name: string; id: string } | undefined;
  limit: number;
}

const COLS = `id, org_id AS "orgId", sku, name, category, barcode, bottle_size_ml AS "bottleSizeMl", unit,
  unit_cost AS "unitCost", supplier, to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn", archived`;
/** numeric(10,2) becomes a JSON number, as the int8/numeric parsers make it elsewhere */
const SETTINGS = `COALESCE((SELECT json_agg(json_build_object('itemId', l.item_id, 'locationId', l.location_id,
    'parLevel', l.par_level, 'reorderPoint', l.reorder_point)) FROM item_locations l WHERE l.item_id = items.id), '[]') AS locations`;
const FIELDS: Record<string, string> = {
  sku: 'sku',
  name: 'name',
  category: 'category',
  barcode: 'barcode',
  bottleSizeMl: 'bottle_size_ml',
  unit: 'unit',
  unitCost: 'unit_cost',
  supplier: 'supplier',
  expiresOn: 'expires_on',
  archived: 'archived',
};

/** The catalogue of items and their per-location stock settings, scoped by organisation. */
export class ItemRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, i: ItemInput): Promise<Item> {
    const { rows } = await this.db.query<Item>(
      `INSERT INTO items (org_id, sku, name, category, barcode, bottle_size_ml, unit, unit_cost, supplier, expires_on)
       VALUES ($1, $2, $3, COALESCE($4, 'other'), $5, $6, COALESCE($7, 'bottle'), $8, $9, $10) RETURNING ${COLS}`,
      [
        orgId,
        i.sku,
        i.name,
        i.category ?? null,
        i.barcode ?? null,
        i.bottleSizeMl ?? null,
        i.unit ?? null,
        i.unitCost ?? null,
        i.supplier ?? null,
        i.expiresOn ?? null,
      ],
    );
    await catalogueChanged(this.db, orgId);
    return rows[0]!;
  }

  /** Bottle sizes (ml) of several items in one statement; an item not found is absent. */
  async bottleSizes(orgId: string, ids: string[]): Promise<Map<string, number | null>> {
    if (!ids.length) return new Map();
    const { rows } = await this.db.query<{ id: string; ml: number | null }>(
      `SELECT id, bottle_size_ml::float8 AS ml FROM items WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
    return new Map(rows.map((row) => [row.id, row.ml]));
  }

  /** The unit each of several items is counted in (bottle, keg...), for the words that say a quantity; an item not found is absent. */
  async units(orgId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const { rows } = await this.db.query<{ id: string; unit: string }>(
      `SELECT id, unit FROM items WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids],
    );
    return new Map(rows.map((row) => [row.id, row.unit]));
  }

  async get(orgId: string, id: string): Promise<Item | undefined> {
    const { rows } = await this.db.query<Item>(`SELECT ${COLS} FROM items WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  /**
   * The item with this barcode. UPC-A, EAN-13 and GTIN-14 are one number padded with zeros, and
   * readers disagree on the padding (zxing reads a UPC-A label as a 13-digit EAN-13), so those
   * match whatever their leading zeros; an exact match still wins. An item's other barcodes (item_barcodes) find it too.
   */
  async findByBarcode(orgId: string, barcode: string): Promise<Item | undefined> {
    const gtin = /^\d{12,14}$/.test(barcode) ? barcode.replace(/^0+/, '') : null;
    const { rows } = await this.db.query<Item>(
      `SELECT ${COLS} FROM items
       WHERE org_id = $1 AND NOT archived
         AND (barcode = $2 OR ($3::text IS NOT NULL AND barcode ~ '^[0-9]{12,14}$' AND ltrim(barcode, '0') = $3)
           OR id IN (SELECT item_id FROM item_barcodes b WHERE b.org_id = $1
             AND (b.barcode = $2 OR ($3::text IS NOT NULL AND b.barcode ~ '^[0-9]{12,14}$' AND ltrim(b.barcode, '0') = $3))))
       ORDER BY barcode = $2 DESC NULLS LAST LIMIT 1`,
      [orgId, barcode, gtin],
    );
    return rows[0];
  }

  async list(orgId: string, f: ItemFilter): Promise<Item[]> {
    return this.select(orgId, f, COLS);
  }

  /** One page with each item's stock settings, in one round trip: the list endpoint's hot path. */
  async listWithSettings(orgId: string, f: ItemFilter): Promise<(Item & { locations: ItemLocation[] })[]> {
    return this.select(orgId, f, `${COLS}, ${SETTINGS}`);
  }

  private async select<T>(orgId: string, f: ItemFilter, cols: string): Promise<T[]> {
    const where = ['org_id = $1'];
    const params: unknown[] = [orgId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replaceAll('$?', `$${params.length}`));
    };
    if (!f.includeArchived) where.push('NOT archived');
    if (f.q) {
      params.push(`%${f.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`, f.q);
      where.push(`(lower(name) LIKE $${params.length - 1} OR lower(sku) LIKE $${params.length - 1} OR barcode = $${params.length})`);
    }
    if (f.category) add('category = $?', f.category);
    if (f.locationId) add('id IN (SELECT item_id FROM item_locations WHERE org_id = $1 AND location_id = $?)', f.locationId);
    if (f.after) {
      params.push(f.after.name, f.after.id);
      where.push(`(lower(name), id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    const { rows } = await this.db.query<T>(
      `SELECT ${cols} FROM items WHERE ${where.join(' AND ')} ORDER BY lower(name), id LIMIT $${params.length}`,
      params as never,
    );
    return rows;
  }

  async update(orgId: string, id: string, patch: Partial<Omit<Item, 'id' | 'orgId'>>): Promise<Item | undefined> {
    const params: unknown[] = [orgId, id];
    const sets = setClause(patch, FIELDS, params);
    if (!sets.length) return this.get(orgId, id);
    const { rows } = await this.db.query<Item>(
      `UPDATE items SET ${sets.join(', ')}, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING ${COLS}`,
      params as never,
    );
    if (rows[0]) await catalogueChanged(this.db, orgId);
    return rows[0];
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.query('DELETE FROM items WHERE org_id = $1 AND id = $2', [orgId, id]);
    if (result.rowCount > 0) await catalogueChanged(this.db, orgId);
    return result.rowCount > 0;
  }

  async setStockSettings(orgId: string, s: ItemLocation): Promise<ItemLocation> {
    const { rows } = await this.db.query<ItemLocation>(
      `INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (item_id, location_id) DO UPDATE SET par_level = EXCLUDED.par_level, reorder_point = EXCLUDED.reorder_point
       RETURNING item_id AS "itemId", location_id AS "locationId", par_level AS "parLevel", reorder_point AS "reorderPoint"`,
      [orgId, s.itemId, s.locationId, s.parLevel, s.reorderPoint],
    );
    await catalogueChanged(this.db, orgId);
    return rows[0]!;
  }

  async stockSettings(orgId: string, itemIds: string[]): Promise<ItemLocation[]> {
    if (!itemIds.length) return [];
    const { rows } = await this.db.query<ItemLocation>(
      `SELECT item_id AS "itemId", location_id AS "locationId", par_level AS "parLevel", reorder_point AS "reorderPoint"
       FROM item_locations WHERE org_id = $1 AND item_id = ANY($2::uuid[])`,
      [orgId, itemIds],
    );
    return rows;
  }
}
