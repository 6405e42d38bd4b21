import type { Queryable } from '../db/types.js';
import type { OrderState } from './lifecycle.js';

export interface OrderLine {
  id: string;
  itemId: string;
  sku: string;
  name: string;
  cases: number;
  caseSize: number;
  casePrice: number | null;
  receivedUnits: number;
  reason: string | null;
}
export interface PurchaseOrder {
  id: string;
  orgId: string;
  venueId: string;
  supplierId: string;
  status: OrderState;
  notes: string | null;
  sendError: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}
export type NewLine = Pick<OrderLine, 'itemId' | 'cases' | 'caseSize' | 'casePrice' | 'reason'>;

const COLS = `id, org_id AS "orgId", venue_id AS "venueId", supplier_id AS "supplierId", status, notes, send_error AS "sendError",
  created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt", sent_at AS "sentAt"`;

/** Purchase orders and their lines, scoped by organisation. */
export class OrderRepository {
  constructor(private readonly db: Queryable) {}

  async create(
    orgId: string,
    o: { venueId: string; supplierId: string; notes: string | null; createdBy: string | null },
    lines: NewLine[],
  ) {
    const { rows } = await this.db.query<PurchaseOrder>(
      `INSERT INTO purchase_orders (org_id, venue_id, supplier_id, notes, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`,
      [orgId, o.venueId, o.supplierId, o.notes, o.createdBy],
    );
    const order = rows[0]!;
    for (const l of lines)
      await this.db.query(
        `INSERT INTO purchase_order_lines (org_id, order_id, item_id, cases, case_size, case_price, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [orgId, order.id, l.itemId, l.cases, l.caseSize, l.casePrice, l.reason],
      );
    return order;
  }

  /** The venue's newest draft for the supplier, locked until the transaction ends (two "order …" at once share it). */
  async draftFor(orgId: string, venueId: string, supplierId: string): Promise<PurchaseOrder | undefined> {
    const { rows } = await this.db.query<PurchaseOrder>(
      `SELECT ${COLS} FROM purchase_orders WHERE org_id = $1 AND venue_id = $2 AND supplier_id = $3 AND status = 'draft'
       ORDER BY created_at DESC, id LIMIT 1 FOR UPDATE`,
      [orgId, venueId, supplierId],
    );
    return rows[0];
  }

  /** Adds cases to the order's line for the item, or a new line. */
  async addCases(orgId: string, orderId: string, l: NewLine): Promise<void> {
    await this.db.query(
      `INSERT INTO purchase_order_lines (org_id, order_id, item_id, cases, case_size, case_price, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (order_id, item_id) DO UPDATE SET cases = purchase_order_lines.cases + EXCLUDED.cases`,
      [orgId, orderId, l.itemId, l.cases, l.caseSize, l.casePrice, l.reason],
    );
    await this.db.query('UPDATE purchase_orders SET updated_at = now() WHERE org_id = $1 AND id = $2', [orgId, orderId]);
  }

  /** Changes a line's cases (a draft being edited); 0 takes the line off. */
  async setCases(orgId: string, orderId: string, lineId: string, cases: number): Promise<boolean> {
    const { rows } = cases
      ? await this.db.query('UPDATE purchase_order_lines SET cases = $4 WHERE org_id = $1 AND order_id = $2 AND id = $3 RETURNING id', [
          orgId,
          orderId,
          lineId,
          cases,
        ])
      : await this.db.query('DELETE FROM purchase_order_lines WHERE org_id = $1 AND order_id = $2 AND id = $3 RETURNING id', [
          orgId,
          orderId,
          lineId,
        ]);
    await this.db.query('UPDATE purchase_orders SET updated_at = now() WHERE org_id = $1 AND id = $2', [orgId, orderId]);
    return rows.length > 0;
  }

  /** forUpdate: locks the order until the transaction ends, so two receipts of one order queue up. */
  async get(orgId: string, id: string, forUpdate = false): Promise<PurchaseOrder | undefined> {
    const { rows } = await this.db.query<PurchaseOrder>(
      `SELECT ${COLS} FROM purchase_orders WHERE org_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [orgId, id],
    );
    return rows[0];
  }

  async list(orgId: string, f: { venueId?: string | undefined; status?: OrderState | undefined; limit: number }) {
    const { rows } = await this.db.query<PurchaseOrder>(
      `SELECT ${COLS} FROM purchase_orders WHERE org_id = $1 AND ($2::uuid IS NULL OR venue_id = $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [orgId, f.venueId ?? null, f.status ?? null, f.limit],
    );
    return rows;
  }

  async lines(orgId: string, orderIds: string[]): Promise<(OrderLine & { orderId: string })[]> {
    if (!orderIds.length) return [];
    const { rows } = await this.db.query<OrderLine & { orderId: string }>(
      `SELECT l.id, l.order_id AS "orderId", l.item_id AS "itemId", i.sku, i.name, l.cases, l.case_size AS "caseSize",
              l.case_price AS "casePrice", l.received_units AS "receivedUnits", l.reason
       FROM purchase_order_lines l JOIN items i ON i.org_id = l.org_id AND i.id = l.item_id
       WHERE l.org_id = $1 AND l.order_id = ANY($2::uuid[]) ORDER BY lower(i.name), l.id`,
      [orgId, orderIds],
    );
    return rows;
  }

  /** Moves the order only if it is still in `from` (the caller checked the move); undefined when it was not. */
  async move(
    orgId: string,
    id: string,
    from: OrderState,
    to: OrderState,
    set: { sendError?: string | null; sent?: boolean; pdfKey?: string } = {},
  ) {
    const { rows } = await this.db.query<PurchaseOrder>(
      `UPDATE purchase_orders SET status = $4, updated_at = now(),
         send_error = CASE WHEN $5::boolean THEN $6 ELSE send_error END,
         sent_at = CASE WHEN $7::boolean THEN now() ELSE sent_at END,
         pdf_key = COALESCE($8, pdf_key)
       WHERE org_id = $1 AND id = $2 AND status = $3 RETURNING ${COLS}`,
      [orgId, id, from, to, set.sendError !== undefined, set.sendError ?? null, set.sent ?? false, set.pdfKey ?? null],
    );
    return rows[0];
  }

  /** undefined: no such order; null: not sent yet, so no PDF kept. */
  async pdfKey(orgId: string, id: string): Promise<string | null | undefined> {
    const { rows } = await this.db.query<{ key: string | null }>(
      'SELECT pdf_key AS key FROM purchase_orders WHERE org_id = $1 AND id = $2',
      [orgId, id],
    );
    return rows[0] && rows[0].key;
  }

  async setSendError(orgId: string, id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE purchase_orders SET send_error = $3, updated_at = now() WHERE org_id = $1 AND id = $2`, [orgId, id, error]);
  }

  async addReceived(orgId: string, lineId: string, units: number): Promise<void> {
    await this.db.query(`UPDATE purchase_order_lines SET received_units = received_units + $3 WHERE org_id = $1 AND id = $2`, [
      orgId,
      lineId,
      units,
    ]);
  }

  /** Units ordered and not yet received, per item, over the venue's approved, sent and partly received orders. */
  async onOrder(orgId: string, venueId: string): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ itemId: string; units: number }>(
      `SELECT l.item_id AS "itemId", sum(GREATEST(l.cases * l.case_size - l.received_units, 0)) AS units
       FROM purchase_order_lines l JOIN purchase_orders o ON o.org_id = l.org_id AND o.id = l.order_id
       WHERE o.org_id = $1 AND o.venue_id = $2 AND o.status IN ('approved', 'sent', 'partly_received')
       GROUP BY l.item_id`,
      [orgId, venueId],
    );
    return new Map(rows.map((row) => [row.itemId, Number(row.units)]));
  }
}
