import { setClause } from '../db/set-clause.js';
import type { Queryable } from '../db/types.js';

export interface Supplier {
  id: string;
  orgId: string;
  name: string;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  /** ISO weekdays, 1 = Monday … 7 = Sunday; empty: any day */
  orderingDays: number[];
  leadTimeDays: number;
  minOrderValue: number | null;
  minOrderUnits: number | null;
}
export type SupplierInput = Pick<Supplier, 'name'> & Partial<Omit<Supplier, 'id' | 'orgId' | 'name'>>;

/** One supplier's offer of one item: its code, its case and the case's price today. */
export interface Offer {
  supplierId: string;
  itemId: string;
  supplierCode: string | null;
  caseSize: number;
  casePrice: number | null;
  preferred: boolean;
  updatedAt: Date;
}
export type OfferInput = Omit<Offer, 'supplierId' | 'updatedAt'>;

export interface PricePoint {
  supplierId: string;
  caseSize: number;
  casePrice: number;
  source: 'manual' | 'receipt' | 'migration';
  at: Date;
}

const COLS = `id, org_id AS "orgId", name, contact_name AS "contactName", email, phone,
  ordering_days::int[] AS "orderingDays", lead_time_days AS "leadTimeDays",
  min_order_value AS "minOrderValue", min_order_units AS "minOrderUnits"`;
const FIELDS: Record<string, string> = {
  name: 'name',
  contactName: 'contact_name',
  email: 'email',
  phone: 'phone',
  orderingDays: 'ordering_days',
  leadTimeDays: 'lead_time_days',
  minOrderValue: 'min_order_value',
  minOrderUnits: 'min_order_units',
};
const OFFER_COLS = `supplier_id AS "supplierId", item_id AS "itemId", supplier_code AS "supplierCode", case_size AS "caseSize",
  case_price AS "casePrice", preferred, updated_at AS "updatedAt"`;

/** Suppliers, their offers and the history of their prices, scoped by organisation. */
export class SupplierRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, s: SupplierInput): Promise<Supplier> {
    const { rows } = await this.db.query<Supplier>(
      `INSERT INTO suppliers (org_id, name, contact_name, email, phone, ordering_days, lead_time_days, min_order_value, min_order_units)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6::smallint[], '{}'), COALESCE($7, 2), $8, $9) RETURNING ${COLS}`,
      [
        orgId,
        s.name,
        s.contactName ?? null,
        s.email ?? null,
        s.phone ?? null,
        s.orderingDays ?? null,
        s.leadTimeDays ?? null,
        s.minOrderValue ?? null,
        s.minOrderUnits ?? null,
      ],
    );
    return rows[0]!;
  }

  async get(orgId: string, id: string): Promise<Supplier | undefined> {
    const { rows } = await this.db.query<Supplier>(`SELECT ${COLS} FROM suppliers WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return rows[0];
  }

  async list(orgId: string, ids?: string[]): Promise<Supplier[]> {
    const { rows } = await this.db.query<Supplier>(
      `SELECT ${COLS} FROM suppliers WHERE org_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) ORDER BY lower(name), id`,
      [orgId, ids ?? null],
    );
    return rows;
  }

  async update(orgId: string, id: string, patch: Partial<Omit<Supplier, 'id' | 'orgId'>>): Promise<Supplier | undefined> {
    const params: unknown[] = [orgId, id];
    const sets = setClause(patch, FIELDS, params, { ordering_days: 'smallint[]' });
    if (!sets.length) return this.get(orgId, id);
    const { rows } = await this.db.query<Supplier>(
      `UPDATE suppliers SET ${sets.join(', ')} WHERE org_id = $1 AND id = $2 RETURNING ${COLS}`,
      params as never,
    );
    return rows[0];
  }

  /** Sets what the supplier sells of the item; a preferred offer makes the item's other offers not preferred. */
  async setOffer(orgId: string, supplierId: string, offer: OfferInput): Promise<Offer> {
    if (offer.preferred)
      await this.db.query(`UPDATE supplier_items SET preferred = false WHERE org_id = $1 AND item_id = $2 AND supplier_id <> $3`, [
        orgId,
        offer.itemId,
        supplierId,
      ]);
    const { rows } = await this.db.query<Offer>(
      `INSERT INTO supplier_items (org_id, supplier_id, item_id, supplier_code, case_size, case_price, preferred)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (supplier_id, item_id) DO UPDATE SET supplier_code = EXCLUDED.supplier_code, case_size = EXCLUDED.case_size,
         case_price = EXCLUDED.case_price, preferred = EXCLUDED.preferred, updated_at = now()
       RETURNING ${OFFER_COLS}`,
      [orgId, supplierId, offer.itemId, offer.supplierCode, offer.caseSize, offer.casePrice, offer.preferred],
    );
    return rows[0]!;
  }

  /** A new case price for an offer that exists (a delivery's price); false when the supplier does not sell the item. */
  async setCasePrice(orgId: string, supplierId: string, itemId: string, casePrice: number): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE supplier_items SET case_price = $4, updated_at = now() WHERE org_id = $1 AND supplier_id = $2 AND item_id = $3`,
      [orgId, supplierId, itemId, casePrice],
    );
    return result.rowCount > 0;
  }

  /** Offers by supplier (supplierId) or for items (itemIds). */
  async offers(orgId: string, f: { supplierId?: string; itemIds?: string[] }): Promise<Offer[]> {
    const { rows } = await this.db.query<Offer>(
      `SELECT ${OFFER_COLS} FROM supplier_items
       WHERE org_id = $1 AND ($2::uuid IS NULL OR supplier_id = $2) AND ($3::uuid[] IS NULL OR item_id = ANY($3::uuid[]))
       ORDER BY item_id, supplier_id`,
      [orgId, f.supplierId ?? null, f.itemIds ?? null],
    );
    return rows;
  }

  /** The item that already has this code at this supplier (another item's code would send the wrong bottles). */
  async itemWithCode(orgId: string, supplierId: string, code: string): Promise<{ itemId: string; name: string } | undefined> {
    const { rows } = await this.db.query<{ itemId: string; name: string }>(
      `SELECT si.item_id AS "itemId", i.name FROM supplier_items si JOIN items i ON i.org_id = si.org_id AND i.id = si.item_id
       WHERE si.org_id = $1 AND si.supplier_id = $2 AND lower(si.supplier_code) = lower($3) LIMIT 1`,
      [orgId, supplierId, code],
    );
    return rows[0];
  }

  async recordPrice(orgId: string, p: Omit<PricePoint, 'at'> & { itemId: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO supplier_prices (org_id, supplier_id, item_id, case_size, case_price, source) VALUES ($1, $2, $3, $4, $5, $6)`,
      [orgId, p.supplierId, p.itemId, p.caseSize, p.casePrice, p.source],
    );
  }

  async priceHistory(orgId: string, itemId: string, limit = 500): Promise<PricePoint[]> {
    const { rows } = await this.db.query<PricePoint>(
      `SELECT supplier_id AS "supplierId", case_size AS "caseSize", case_price AS "casePrice", source, at FROM supplier_prices
       WHERE org_id = $1 AND item_id = $2 ORDER BY at, id LIMIT $3`,
      [orgId, itemId, limit],
    );
    return rows;
  }
}
