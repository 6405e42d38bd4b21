import type { Queryable } from '../db/types.js';

export type InvoiceStatus = 'processing' | 'review' | 'approving' | 'approved' | 'failed';
export interface Difference {
  kind: 'short' | 'over' | 'price_changed' | 'missing' | 'not_ordered';
  itemId: string;
  name: string;
  detail: string;
}
export interface Invoice {
  id: string;
  venueId: string;
  status: InvoiceStatus;
  blobKey: string;
  fileKind: 'pdf' | 'jpg' | 'png';
  pages: number;
  source: 'text' | 'ocr' | 'mixed' | null;
  supplierId: string | null;
  supplierName: string | null;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  orderId: string | null;
  error: string | null;
  differences: Difference[];
  createdAt: Date;
  processedAt: Date | null;
  approvedAt: Date | null;
}
export interface InvoiceLine {
  id: string;
  position: number;
  description: string;
  supplierCode: string | null;
  quantity: number;
  unitPrice: number | null;
  total: number | null;
  itemId: string | null;
  matchedBy: 'code' | 'name' | 'reviewer' | null;
  matchScore: number | null;
}
export type NewInvoiceLine = Omit<InvoiceLine, 'id' | 'position'>;

const COLS = `id, venue_id AS "venueId", status, blob_key AS "blobKey", file_kind AS "fileKind", pages, source,
  supplier_id AS "supplierId", supplier_name AS "supplierName", invoice_number AS "invoiceNumber",
  to_char(invoice_date, 'YYYY-MM-DD') AS "invoiceDate", order_id AS "orderId", error, differences,
  created_at AS "createdAt", processed_at AS "processedAt", approved_at AS "approvedAt"`;
const LINE_COLS = `id, position, description, supplier_code AS "supplierCode", quantity::float8 AS quantity,
  unit_price::float8 AS "unitPrice", total::float8 AS total, item_id AS "itemId", matched_by AS "matchedBy", match_score AS "matchScore"`;

/** Invoices and their read lines; every statement scoped by the organisation. */
export class InvoiceRepository {
  constructor(private readonly db: Queryable) {}

  async create(orgId: string, i: { id: string; venueId: string; blobKey: string; fileKind: string; pages: number; createdBy: string }) {
    await this.db.query(
      `INSERT INTO invoices (id, org_id, venue_id, blob_key, file_kind, pages, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [i.id, orgId, i.venueId, i.blobKey, i.fileKind, i.pages, i.createdBy],
    );
  }

  async get(orgId: string, id: string, forUpdate = false): Promise<Invoice | undefined> {
    const { rows } = await this.db.query<Invoice>(
      `SELECT ${COLS} FROM invoices WHERE org_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [orgId, id],
    );
    return rows[0];
  }

  async list(orgId: string, f: { venueId?: string | undefined; status?: InvoiceStatus | undefined; limit: number }): Promise<Invoice[]> {
    const { rows } = await this.db.query<Invoice>(
      `SELECT ${COLS} FROM invoices WHERE org_id = $1 AND ($2::uuid IS NULL OR venue_id = $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [orgId, f.venueId ?? null, f.status ?? null, f.limit],
    );
    return rows;
  }

  async lines(orgId: string, invoiceId: string): Promise<InvoiceLine[]> {
    const { rows } = await this.db.query<InvoiceLine>(
      `SELECT ${LINE_COLS} FROM invoice_lines WHERE org_id = $1 AND invoice_id = $2 ORDER BY position`,
      [orgId, invoiceId],
    );
    return rows;
  }

  /** The job's reading: header fields and lines, replacing any from an earlier run. */
  async saveReading(
    orgId: string,
    id: string,
    r: {
      source: string;
      pages: number;
      supplierId: string | null;
      supplierName: string | null;
      invoiceNumber: string | null;
      invoiceDate: string | null;
      orderId: string | null;
      lines: NewInvoiceLine[];
    },
  ): Promise<void> {
    await this.db.query(`DELETE FROM invoice_lines WHERE org_id = $1 AND invoice_id = $2`, [orgId, id]);
    for (const [i, l] of r.lines.entries())
      await this.db.query(
        `INSERT INTO invoice_lines (org_id, invoice_id, position, description, supplier_code, quantity, unit_price, total, item_id, matched_by, match_score)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [orgId, id, i + 1, l.description, l.supplierCode, l.quantity, l.unitPrice, l.total, l.itemId, l.matchedBy, l.matchScore],
      );
    await this.db.query(
      `UPDATE invoices SET status = 'review', source = $3, pages = $4, supplier_id = $5, supplier_name = $6, invoice_number = $7,
         invoice_date = $8::date, order_id = $9, error = NULL, processed_at = now()
       WHERE org_id = $1 AND id = $2 AND status = 'processing'`,
      [orgId, id, r.source, r.pages, r.supplierId, r.supplierName, r.invoiceNumber, r.invoiceDate, r.orderId],
    );
  }

  async fail(orgId: string, id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE invoices SET status = 'failed', error = $3, processed_at = now() WHERE org_id = $1 AND id = $2 AND status = 'processing'`,
      [orgId, id, error.slice(0, 2000)],
    );
  }

  /** review → approving, or false when another approval took it first. */
  async claim(orgId: string, id: string, edits: { supplierId: string; orderId: string | null }): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE invoices SET status = 'approving', supplier_id = $3, order_id = $4, error = NULL WHERE org_id = $1 AND id = $2 AND status = 'review'`,
      [orgId, id, edits.supplierId, edits.orderId],
    );
    return result.rowCount === 1;
  }

  async setLine(orgId: string, lineId: string, l: { itemId: string | null; quantity: number; unitPrice: number | null; edited: boolean }) {
    await this.db.query(
      `UPDATE invoice_lines SET item_id = $3, quantity = $4, unit_price = $5, matched_by = CASE WHEN $6 THEN 'reviewer' ELSE matched_by END
       WHERE org_id = $1 AND id = $2`,
      [orgId, lineId, l.itemId, l.quantity, l.unitPrice, l.edited],
    );
  }

  async approved(orgId: string, id: string, userId: string, differences: unknown[]): Promise<void> {
    await this.db.query(
      `UPDATE invoices SET status = 'approved', approved_by = $3, approved_at = now(), differences = $4::jsonb WHERE org_id = $1 AND id = $2`,
      [orgId, id, userId, JSON.stringify(differences)],
    );
  }

  /** approving → review with why, when receiving failed before anything went into stock. */
  async release(orgId: string, id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE invoices SET status = 'review', error = $3 WHERE org_id = $1 AND id = $2 AND status = 'approving'`, [
      orgId,
      id,
      error.slice(0, 2000),
    ]);
  }
}
