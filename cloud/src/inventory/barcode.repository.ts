import type { Queryable } from '../db/types.js';

/** UPC-A, EAN-13 and GTIN-14 are one number padded with zeros: the key two readings of one label share. */
export const gtinKey = (barcode: string): string | null => (/^\d{12,14}$/.test(barcode) ? barcode.replace(/^0+/, '') : null);

/** An item's barcodes: items.barcode (its first) and the others in item_barcodes, scoped by organisation. */
export class BarcodeRepository {
  constructor(private readonly db: Queryable) {}

  /** Every barcode of the item, its first one first. */
  async ofItem(orgId: string, itemId: string): Promise<{ barcode: string; primary: boolean }[]> {
    const { rows } = await this.db.query<{ barcode: string; primary: boolean }>(
      `SELECT barcode, true AS "primary", 0 AS o, now() AS at FROM items WHERE org_id = $1 AND id = $2 AND barcode IS NOT NULL
       UNION ALL
       SELECT barcode, false, 1, created_at FROM item_barcodes WHERE org_id = $1 AND item_id = $2
       ORDER BY o, at, barcode`,
      [orgId, itemId],
    );
    return rows.map(({ barcode, primary }) => ({ barcode, primary }));
  }

  /** The live item that has this barcode (or its zero-padded twin), first or other; undefined: none. */
  async owner(orgId: string, barcode: string): Promise<{ id: string; name: string } | undefined> {
    const key = gtinKey(barcode);
    const { rows } = await this.db.query<{ id: string; name: string }>(
      `SELECT i.id, i.name FROM items i
       LEFT JOIN item_barcodes b ON b.org_id = i.org_id AND b.item_id = i.id
       WHERE i.org_id = $1 AND NOT i.archived
         AND (i.barcode = $2 OR b.barcode = $2
           OR ($3::text IS NOT NULL AND (
             (i.barcode ~ '^[0-9]{12,14}$' AND ltrim(i.barcode, '0') = $3) OR (b.barcode ~ '^[0-9]{12,14}$' AND ltrim(b.barcode, '0') = $3))))
       ORDER BY (i.barcode = $2 OR b.barcode = $2) DESC LIMIT 1`,
      [orgId, barcode, key],
    );
    return rows[0];
  }

  async add(orgId: string, itemId: string, barcode: string): Promise<void> {
    await this.db.query('INSERT INTO item_barcodes (org_id, item_id, barcode) VALUES ($1, $2, $3)', [orgId, itemId, barcode]);
  }

  async remove(orgId: string, itemId: string, barcode: string): Promise<boolean> {
    const result = await this.db.query('DELETE FROM item_barcodes WHERE org_id = $1 AND item_id = $2 AND barcode = $3', [
      orgId,
      itemId,
      barcode,
    ]);
    return result.rowCount > 0;
  }

  /** The item's oldest other barcode, taken out of the others (it becomes the first when the first is removed). */
  async takeOldest(orgId: string, itemId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ barcode: string }>(
      `DELETE FROM item_barcodes WHERE org_id = $1 AND barcode = (
         SELECT barcode FROM item_barcodes WHERE org_id = $1 AND item_id = $2 ORDER BY created_at, barcode LIMIT 1)
       RETURNING barcode`,
      [orgId, itemId],
    );
    return rows[0]?.barcode ?? null;
  }
}
